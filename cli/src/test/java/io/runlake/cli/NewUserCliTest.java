package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.query.QueryException;
import io.runlake.samples.OnlineLearningSample;
import io.runlake.testing.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user runs into (issue 9): filters written as a user writes them, strict store URIs, read-only
 * commands that leave no trace, errors for stores that are not there, options that say what they do. One small
 * lake of three runs: lr 0.1 / 0.3 / 0.001, batch_norm true / false / true, optimizer adam / sgd / adam.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewUserCliTest {
    static final double PRECISE = 0.123456789012345;

    Path tmp;
    Path lake;
    Path cache;
    final List<String> ids = new ArrayList<>();

    @BeforeAll
    void writeLake(@TempDir Path dir) {
        tmp = dir;
        lake = tmp.resolve("lake");
        cache = tmp.resolve("cache");
        TrackerOptions options = TestTrackers.options(tmp.resolve("spill"));
        double[] lrs = {0.1, 0.3, 0.001};
        try (Tracker t = Tracker.open(lake.toUri(), options)) {
            for (int i = 0; i < lrs.length; i++) {
                Run r = t.newRun("nu")
                        .name("trial-" + i)
                        .param("lr", lrs[i])
                        .param("batch_norm", i != 1)
                        .param("optimizer", i == 1 ? "sgd" : "adam")
                        .start();
                r.log(Map.of("loss", PRECISE * (i + 1)), 0);
                r.finish();
                ids.add(r.id());
            }
        }
    }

    Result run(String... args) {
        return Result.run(
                m -> m.withTrackerOptions(TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)),
                args);
    }

    /** A query command on the lake, with the test's cache folder. */
    Result query(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--uri", lake.toString(), "--cache-dir", cache.toString()));
        all.addAll(Arrays.asList(args));
        return run(all.toArray(String[]::new));
    }

    String ok(String command, String... args) {
        Result r = query(command, args);
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r.out();
    }

    static String fails(Result r, int code, String... expected) {
        assertEquals(code, r.code(), r::toString);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "one line on stderr: " + r);
        for (String e : expected) assertTrue(lines.get(0).contains(e), () -> "'" + e + "' missing in: " + r);
        return lines.get(0);
    }

    Set<String> runIds(String where) {
        String csv = ok("runs", "-e", "nu", "--where", where, "--format", "csv");
        List<String> lines = csv.lines().toList();
        int col = Arrays.asList(lines.get(0).split(",")).indexOf("run_id");
        return lines.subList(1, lines.size()).stream()
                .map(l -> l.split(",")[col])
                .collect(Collectors.toSet());
    }

    static Set<String> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) return Set.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    // ---- --where and CSV ------------------------------------------------------------------------

    @Test
    void whereComparesNumbersListsAndBooleansAsWritten() {
        assertEquals(Set.of(ids.get(0), ids.get(1)), runIds("params.lr in (0.1, 0.3)"));
        assertEquals(Set.of(ids.get(2)), runIds("params.lr not in (0.1, 0.3)"));
        assertEquals(Set.of(ids.get(0)), runIds("params.lr between 0.05 and 0.2"));
        assertEquals(Set.of(ids.get(0), ids.get(2)), runIds("params.batch_norm = true"));
        assertEquals(Set.of(ids.get(1)), runIds("params.optimizer in ('sgd')"));
        String board =
                ok("leaderboard", "-e", "nu", "-m", "loss", "--where", "params.lr in (0.1, 0.001)", "--format", "csv");
        assertEquals(3, board.lines().count(), board);
    }

    @Test
    void whereNamesAParamThatNoRunHas() {
        String line = fails(
                query("runs", "-e", "nu", "--where", "params.lrr < 0.2"),
                Main.FAILED,
                "params.lrr",
                "did you mean params.lr?",
                "batch_norm, lr, optimizer");
        assertFalse(line.contains("\tat "), line);
        fails(query("runs", "--where", "tags.stage = 'prod'"), Main.FAILED, "tags.stage", "no tags");
        fails(
                query("leaderboard", "-e", "nu", "-m", "loss", "--where", "metrics.los < 1"),
                Main.FAILED,
                "metrics.los",
                "did you mean metrics.loss?");
    }

    @Test
    void aBareParamNameGetsAHint() {
        fails(
                query("runs", "-e", "nu", "--where", "lr < 0.2"),
                Main.FAILED,
                "malformed filter 'lr < 0.2'",
                "did you mean params.lr?");
    }

    @Test
    void csvHasFullPrecisionAndUnixLineEnds() {
        String csv = ok("sql", "select value from metrics where run_id = '" + ids.get(0) + "'", "--format", "csv");
        assertEquals("value\n" + PRECISE + "\n", csv);
        assertFalse(ok("runs", "--format", "csv").contains("\r"));
    }

    // ---- strict inputs ----------------------------------------------------------------------------

    @Test
    void unknownUriOptionsAreErrorsNamingTheValidOnes() {
        fails(
                run("experiments", "--uri", "s3://bucket/lake?endpont=http://localhost:9"),
                Main.FAILED,
                "unknown option 'endpont'",
                "endpoint, path_style, region");
        fails(run("compact", "--uri", "file:///tmp/x?region=eu-west-1"), Main.FAILED, "unknown option 'region'");
    }

    @Test
    void aMalformedUriIsAnErrorNotALocalFolder() {
        Path cwdFolder = Path.of("s3:");
        boolean before = Files.exists(cwdFolder);
        fails(run("experiments", "--uri=s3:/bucket"), Main.FAILED, "malformed store URI 's3:/bucket'");
        fails(run("demo", "--uri", "s3:bucket/x"), Main.FAILED, "malformed store URI");
        fails(run("runs", "--uri", "s3:///prefix"), Main.FAILED, "no bucket");
        assertEquals(before, Files.exists(cwdFolder), "no ./s3: folder");
    }

    @Test
    void aStoreThatIsNotThereIsAnErrorAndIsNotCreated() throws IOException {
        Path missing = tmp.resolve("no-such-store");
        fails(
                run("experiments", "--uri", missing.toString(), "--cache-dir", cache.toString()),
                Main.FAILED,
                "no RunLake store at " + missing);
        fails(run("compact", "--uri", missing.toString()), Main.FAILED, "no RunLake store at " + missing);
        fails(
                run("sync", tmp.resolve("copy").toString(), "--uri", missing.toString()),
                Main.FAILED,
                "no RunLake store");
        assertFalse(Files.exists(missing), "nothing created where the store was named");
        // An empty folder (e.g. a new working directory's ./runlake-data): an error, and it stays empty.
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        fails(
                run("experiments", "--uri", empty.toString(), "--cache-dir", cache.toString()),
                Main.FAILED,
                "no RunLake store at " + empty);
        fails(
                run("sql", "select 1", "--uri", empty.toString(), "--cache-dir", cache.toString()),
                Main.FAILED,
                "no RunLake store");
        assertEquals(Set.of(""), tree(empty));
        fails(run("compact", "--uri", lake.toString(), "-e", "nope"), Main.FAILED, "unknown experiment 'nope'", "nu");
    }

    @Test
    void aWrongS3PrefixIsAnError() {
        URI good = S3ProxyServer.shared().newBucketUri("nu-" + System.nanoTime() % 1_000_000_000L, "lake");
        String wrong = good.toString().replace("/lake?", "/no-such-prefix?");
        fails(
                run("runs", "--uri", wrong, "--cache-dir", cache.toString()),
                Main.FAILED,
                "no RunLake store at s3://",
                "/no-such-prefix");
    }

    @Test
    void readOnlyCommandsLeaveTheStoreAsItWas() throws IOException {
        Set<String> before = tree(lake);
        ok("experiments");
        ok("runs");
        ok("show", ids.get(0));
        ok("compare", ids.get(0), ids.get(1));
        ok("leaderboard", "-e", "nu", "-m", "loss");
        ok("history", ids.get(0), "loss");
        ok("sql", "select count(*) from runs");
        ok("lineage", ids.get(0));
        assertEquals(before, tree(lake));
    }

    // ---- options ---------------------------------------------------------------------------------

    @Test
    void optionsAreAcceptedOnlyWhereTheyDoSomething() {
        fails(query("leaderboard", "-e", "nu", "-m", "loss", "-k", "0"), Main.FAILED, "--top must be at least 1");
        fails(query("runs", "--limit", "-1"), Main.FAILED, "--limit must be at least 0");
        fails(
                query("plot", "-m", "loss", "-o", tmp.resolve("p.svg").toString(), "--format", "csv", ids.get(0)),
                Main.USAGE,
                "Unknown option",
                "'--format'");
        fails(
                query("report", "-e", "nu", "-m", "loss", "--format", "json"),
                Main.USAGE,
                "Unknown option",
                "'--format'");
        fails(run("compact", "--uri", lake.toString(), "-m", "loss"), Main.FAILED, "add --publish");
    }

    @Test
    void runsSaysWhenItStopsAtTheLimit() {
        Result r = query("runs", "--limit", "2", "--format", "csv");
        assertEquals(0, r.code(), r::toString);
        assertEquals(3, r.out().lines().count(), r::toString);
        assertEquals("runlake: showing 2 of 3 runs; use --limit N, or --limit 0 for all\n", r.err(), r::toString);
        assertEquals("", query("runs", "--limit", "3").err());
    }

    @Test
    void everyOptionAndParameterHasHelpText() {
        List<String> missing = new ArrayList<>();
        collectUndocumented(new Main(System.out, System.err).commandLine(), missing);
        assertEquals(List.of(), missing);
    }

    private static void collectUndocumented(picocli.CommandLine cl, List<String> missing) {
        var spec = cl.getCommandSpec();
        for (var o : spec.options()) {
            if (String.join("", o.description()).isBlank()) missing.add(spec.qualifiedName() + " " + o.longestName());
        }
        for (var p : spec.positionalParameters()) {
            if (String.join("", p.description()).isBlank()) missing.add(spec.qualifiedName() + " " + p.paramLabel());
        }
        for (picocli.CommandLine sub : cl.getSubcommands().values()) collectUndocumented(sub, missing);
    }

    // ---- the SQL shell ------------------------------------------------------------------------------

    Result shell(String script) {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
            return query("sql", "--format", "csv");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void shellListsOnlyThePublicViewsAndKnowsDotCommands() {
        Result r = shell(".tables\nshow tables;\n.help\nselect 1 as one;\n.quit\nselect 2 as never;\n");
        assertEquals(0, r.code(), r::toString);
        String views = "name\nartifacts\nexperiments\ninputs\nmetric_summary\nmetrics\nmodel_alias_history\n"
                + "model_aliases\nmodel_versions\nmodels\nparams\npoints\nruns\ntags\n";
        assertTrue(r.out().startsWith(views + views), r::toString);
        assertTrue(r.out().contains(".tables") && r.out().contains(".quit"), "help: " + r.out());
        assertTrue(r.out().endsWith("one\n1\n"), "stops at .quit: " + r.out());
        assertEquals(views, ok("sql", "show tables", "--format", "csv"));
        fails(shell(".nope\n"), Main.FAILED, "unknown command '.nope'");
    }

    @Test
    void interactiveShellEditsKeepsAPrivateHistoryAndLeavesOnQuit() throws Exception {
        String typed = "select 40 +\n  2 as answer;\n.tables\nselec oops;\n.quit\nselect 'never' as x;\n";
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path history = tmp.resolve("home").resolve(SqlShell.HISTORY_FILE);
        Files.createDirectories(history.getParent());
        try (Lake l = Lake.open(lake.toUri(), LakeOptions.defaults().withCacheDir(cache));
                // a dumb terminal over streams: what a user types, line by line, and the screen
                Terminal terminal = new DumbTerminal(
                        "test",
                        Terminal.TYPE_DUMB,
                        new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                        screen,
                        StandardCharsets.UTF_8)) {
            SqlShell shell = new SqlShell(
                    l,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    "csv");
            assertEquals(0, shell.interactive(terminal, history));
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("answer\n42\nname\nartifacts\n"), printed);
        assertFalse(printed.contains("never"), "stopped at .quit: " + printed);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("runlake: SQL error"), err::toString);
        assertTrue(screen.toString(StandardCharsets.UTF_8).contains(SqlShell.PROMPT.strip()), screen::toString);
        String saved = Files.readString(history);
        assertTrue(saved.contains("select 40 +") && saved.contains(".tables"), saved);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(history));
    }

    @Test
    void theOnlineSamplesSqlRunsInTheCli() {
        Path store = tmp.resolve("online");
        String runId;
        try (Tracker t = Tracker.open(store.toUri(), TestTrackers.options(tmp.resolve("spill")))) {
            runId = OnlineLearningSample.run(t, 300, 0, new PrintStream(OutputStream.nullOutputStream()));
        }
        Result r = run(
                "sql",
                "--uri",
                store.toString(),
                "--cache-dir",
                cache.toString(),
                "--format",
                "csv",
                OnlineLearningSample.windowedAccuracySql(runId));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("time_window,accuracy,events\n"), r::toString);
    }

    @Test
    void cancelStopsTheRunningStatementAndTheLakeStaysUsable() throws Exception {
        try (Lake l = Lake.open(lake.toUri(), LakeOptions.defaults().withCacheDir(cache))) {
            Throwable[] failure = new Throwable[1];
            Thread statement = new Thread(() -> {
                try {
                    l.sql("select count(*) from range(1000000000000) a where a.range % 7 = 3");
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            });
            statement.start();
            while (statement.isAlive()) {
                l.cancel(); // what the shell's Ctrl-C handler does
                statement.join(50);
            }
            assertTrue(failure[0] instanceof QueryException, String.valueOf(failure[0]));
            assertTrue(failure[0].getMessage().toLowerCase(Locale.ROOT).contains("interrupt"), failure[0].getMessage());
            assertEquals(
                    3, l.sql("select count(*) from runs").rows().get(0).get(0) instanceof Number n ? n.intValue() : -1);
        }
    }
}
