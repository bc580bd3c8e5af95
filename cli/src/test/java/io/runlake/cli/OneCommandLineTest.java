package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A one-shot command line builds only the command it names; anything else still sees every command. */
class OneCommandLineTest {
    @Test
    void theCommandIsTheFirstArgumentThatIsNeitherAnOptionNorTheUri() {
        assertEquals("runs", CommandLines.commandName("--uri", "leaderboard", "runs", "-e", "x"));
        assertEquals("experiments", CommandLines.commandName("-v", "experiments", "--uri", "/lake"));
        assertEquals("show", CommandLines.commandName("--uri=/lake", "show", "abc"));
        assertNull(CommandLines.commandName("--version"));
        assertNull(CommandLines.commandName());
    }

    @Test
    void aNamedCommandIsBuiltAloneAndTakesTheGlobalOptions() {
        Main main = new Main(System.out, System.err);
        CommandLine cl = main.commandLine("--uri", "/data/lake", "runs", "-v");
        assertEquals(Set.of("runs"), cl.getSubcommands().keySet());
        cl.parseArgs("--uri", "/data/lake", "runs", "-v");
        assertEquals(Path.of("/data/lake").toUri(), main.storeUri());
        assertTrue(main.global().verbose());
    }

    @Test
    void usageHelpAndUnknownNamesSeeEveryCommand() {
        int all = Main.COMMANDS.size();
        for (String[] args : new String[][] {{}, {"help", "runs"}, {"--help"}, {"leaderbord"}}) {
            assertEquals(
                    all,
                    new Main(System.out, System.err)
                            .commandLine(args)
                            .getSubcommands()
                            .size());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "leaderbord");
        assertEquals(Main.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'leaderbord'"), err::toString);
    }
}
