package io.runlake.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runlake daemon status|stop}: this user's query daemons ({@link QueryDaemon}), which the launcher starts by
 * itself for query commands.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = "Shows or stops this user's query daemons. The launcher starts one by itself for the query "
                + "commands (experiments, runs, show, compare, leaderboard, history, lineage), so they pay no JVM or "
                + "DuckDB start; it exits after $" + DaemonProtocol.IDLE_ENV + " idle minutes (default "
                + DaemonProtocol.DEFAULT_IDLE_MINUTES + "). RUNLAKE_DAEMON=off runs every command in a process of "
                + "its own.")
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ACTION", description = "status or stop")
    String action;

    @Override
    public Integer call() {
        byte kind = switch (action) {
            case "status" -> DaemonProtocol.STATUS;
            case "stop" -> DaemonProtocol.STOP;
            default -> throw new IllegalArgumentException("unknown action '" + action + "': use status or stop");
        };
        List<Path> sockets = DaemonProtocol.sockets(DaemonProtocol.folder(System.getenv()));
        int answered = 0;
        for (Path socket : sockets) {
            try {
                main.out().println(DaemonClient.ask(socket, kind));
                answered++;
            } catch (IOException e) {
                // a socket left by a daemon that died: the next daemon of that key replaces it
            }
        }
        if (answered == 0) main.out().println("no query daemon is running");
        return 0;
    }
}
