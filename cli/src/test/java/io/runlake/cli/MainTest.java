package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.TrackerOptions;
import io.runlake.store.StoreUris;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        Main main = new Main(
                        new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                        new PrintStream(errBytes, true, StandardCharsets.UTF_8))
                .withTrackerOptions(TrackerOptions.defaults()
                        .withSpillRoot(dir.resolve("spill"))
                        .withShutdownHook(false));
        return main.commandLine().execute(args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> errLines() {
        return errBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void demoTracksTheSweepInTheGivenStore() throws IOException {
        Path lake = dir.resolve("lake");
        assertEquals(0, run("demo", "--uri", lake.toString()), () -> out() + errLines());
        Path experiment = lake.resolve("runs").resolve("experiment=spirals");
        long runs;
        try (Stream<Path> s = Files.list(experiment)) {
            runs = s.filter(p -> Files.isRegularFile(p.resolve("run.json"))).count();
        }
        assertEquals(15, runs);
        assertTrue(out().contains("15 runs (1 parent + 14 children): 14 FINISHED, 1 FAILED"), out());
        assertTrue(out().contains("Raw runs written to " + experiment), out());
        assertEquals(List.of(), errLines());
    }

    @Test
    void uriIsAcceptedBeforeAndAfterTheSubcommandAndDefaultsToTheEnvironment() {
        for (String[] args :
                List.of(new String[] {"--uri", "/data/lake", "demo"}, new String[] {"demo", "--uri", "/data/lake"})) {
            Main main = new Main(System.out, System.err);
            main.commandLine().parseArgs(args);
            assertEquals(Path.of("/data/lake").toUri(), main.storeUri(), String.join(" ", args));
        }
        Main main = new Main(System.out, System.err);
        main.commandLine().parseArgs("demo", "--verbose");
        assertEquals(StoreUris.defaultUri(), main.storeUri());
        assertTrue(main.global().verbose());
    }

    @Test
    void aFailingCommandPrintsOneLineAndExitsOne() {
        assertEquals(Main.FAILED, run("--uri", "ftp://host/lake", "demo"));
        assertEquals(
                List.of("runlake: unsupported store URI 'ftp://host/lake': use s3://bucket/prefix or file:///path"),
                errLines());
        assertEquals("", out());
    }

    @Test
    void verboseAddsTheStackTrace() {
        assertEquals(Main.FAILED, run("demo", "--uri", "ftp://host/lake", "--verbose"));
        List<String> err = errLines();
        assertEquals(
                "runlake: unsupported store URI 'ftp://host/lake': use s3://bucket/prefix or file:///path", err.get(0));
        assertTrue(err.size() > 3, err.toString());
        assertTrue(err.stream().anyMatch(l -> l.contains("at io.runlake.store.StoreUris")), err.toString());
    }

    @Test
    void usageErrorsPrintOneLineAndExitTwo() {
        assertEquals(Main.USAGE, run("demo", "--no-such-option"));
        assertEquals(1, errLines().size(), errLines().toString());
        assertTrue(
                errLines().get(0).startsWith("runlake: Unknown option: '--no-such-option'"),
                errLines().toString());

        errBytes.reset();
        assertEquals(Main.USAGE, run("no-such-command"));
        assertEquals(1, errLines().size(), errLines().toString());
    }

    @Test
    void withoutACommandItShowsTheCommands() {
        assertEquals(Main.USAGE, run());
        String err = String.join("\n", errLines());
        assertTrue(err.contains("Usage: runlake"), err);
        assertTrue(err.contains("demo"), err);
        assertTrue(err.contains("--uri"), err);
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("Commands:") && out().contains("demo"), out());
        outBytes.reset();
        assertEquals(0, run("demo", "--help"));
        assertTrue(out().contains("Usage: runlake demo") && out().contains("--uri"), out());
        outBytes.reset();
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("runlake "), out());
    }
}
