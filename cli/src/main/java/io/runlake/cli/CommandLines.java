package io.runlake.cli;

import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * What the launcher, {@link Main} and {@link DaemonClient} read off a command line and a terminal, in a class of its
 * own so that the daemon's client loads none of the commands to ask.
 */
final class CommandLines {
    private CommandLines() {}

    /** A terminal that does not say how wide it is. */
    static final int DEFAULT_WIDTH = 80;

    /** The first argument that is neither an option nor the value of {@code --uri} (as the launcher finds it). */
    static String commandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--uri")) i++;
            else if (!args[i].startsWith("-")) return args[i];
        }
        return null;
    }

    /** The width of this process's terminal: {@code COLUMNS} when set, else what the terminal says. */
    static int consoleWidth(String columns) {
        if (columns != null && columns.strip().matches("[1-9][0-9]{0,4}")) return Integer.parseInt(columns.strip());
        try (Terminal t = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return t.getWidth() > 0 ? t.getWidth() : DEFAULT_WIDTH;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_WIDTH;
        }
    }
}
