package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Json;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every {@code runlake} command, driven through {@link Main} exactly as a user runs it, against one lake per
 * store written by the real client (plus the demo sweep). Subclasses pick the store: a {@code file:} folder or
 * S3 over HTTP (an in-process S3Proxy).
 *
 * <p>The lake, experiment {@value #EXP}: three finished trials with lr 0.1 / 0.01 / 0.001 logging
 * {@code loss = factor / (step + 1)} (factor 3 / 1 / 2) and {@code acc = 1 - loss / 4} for {@value #STEPS} steps,
 * so by final loss the order is lr-0.01 (0.05), lr-0.001 (0.1), lr-0.1 (0.15); one run "diverged" (lr 1.0,
 * loss 10 at steps 0..4) that FAILED with "boom". lr-0.01 logs the artifact model.bin; the three trials log the
 * data set as input "train". The demo adds experiment "spirals" (15 runs, one FAILED), already compacted.
 *
 * <p>{@code compact} changes the store, so it runs last; {@code report} (which checks that {@code --no-publish}
 * writes nothing under reports/) runs first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CliSuite {
    static final String EXP = "cli";
    static final int STEPS = 20;
    static final double[] LRS = {0.1, 0.01, 0.001};
    static final double[] FACTORS = {3, 1, 2};
    static final String[] NAMES = {"lr-0.1", "lr-0.01", "lr-0.001"};
    static final int FAILED_POINTS = 5;
    /** Points of experiment {@value #EXP} in the metrics view. */
    static final long EXP_POINTS = 3L * STEPS * 2 + FAILED_POINTS;

    Path tmp;
    URI uri;
    Path cache;
    final Map<String, String> ids = new LinkedHashMap<>();
    String failedId;
    Path model;
    Path dataset;
    String demoOut;
    Path demoReport;
    Path demoWork;

    /** A fresh, empty store. */
    abstract URI newStore(Path tmp) throws Exception;

    /** Whether the store is remote (s3://), so that some commands need a local folder. */
    abstract boolean remote();

    static double loss(int trial, int step) {
        return FACTORS[trial] / (step + 1);
    }

    static double acc(int trial, int step) {
        return 1 - loss(trial, step) / 4;
    }

    TrackerOptions trackerOptions() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    @BeforeAll
    void writeLake() throws Exception {
        tmp = Files.createTempDirectory("runlake-cli-");
        uri = newStore(tmp);
        cache = tmp.resolve("cache");
        model = tmp.resolve("model.bin");
        Files.writeString(model, "weights of the best model, " + System.nanoTime());
        dataset = tmp.resolve("train.csv");
        Files.writeString(dataset, "x,y,label\n1,2,0\n3,4,1\n" + System.nanoTime() + ",0,0\n");

        // The demo first, through the CLI: it writes (and compacts) experiment 'spirals'.
        demoReport = tmp.resolve("demo-report.html");
        demoWork = tmp.resolve("demo-work");
        Result demo = cli("demo", "--report", demoReport.toString(), "--work-dir", demoWork.toString());
        assertEquals(0, demo.code(), demo::toString);
        demoOut = demo.out();

        try (Tracker t = Tracker.open(uri, trackerOptions())) {
            for (int i = 0; i < LRS.length; i++) {
                Run r = t.newRun(EXP)
                        .name(NAMES[i])
                        .param("lr", LRS[i])
                        .param("layers", 2)
                        .param("optimizer", "adam")
                        .start();
                r.logInput("train", dataset.toString(), "train");
                for (int s = 0; s < STEPS; s++) {
                    r.log(Map.of("loss", loss(i, s), "acc", acc(i, s)), s);
                }
                if (i == 1) r.logArtifact(model);
                r.finish();
                ids.put(NAMES[i], r.id());
            }
            Run failed = t.newRun(EXP)
                    .name("diverged")
                    .param("lr", 1.0)
                    .param("layers", 2)
                    .param("optimizer", "adam")
                    .start();
            for (int s = 0; s < FAILED_POINTS; s++) failed.log("loss", 10.0, s);
            failed.fail(new RuntimeException("boom"));
            failedId = failed.id();
        }
    }

    // ---- driving the CLI ------------------------------------------------------------------------

    /** {@code runlake --uri <store> args...}. */
    Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--uri", uri.toString()));
        all.addAll(Arrays.asList(args));
        return Result.run(m -> m.withTrackerOptions(trackerOptions()), all.toArray(String[]::new));
    }

    /** A query command ({@code experiments}, {@code runs}, ...) with the test's cache folder. */
    Result query(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--cache-dir", cache.toString()));
        all.addAll(Arrays.asList(args));
        return cli(all.toArray(String[]::new));
    }

    /** A query command that must succeed without a word on stderr; its stdout. */
    String ok(String command, String... args) {
        Result r = query(command, args);
        assertEquals(0, r.code(), () -> command + " " + String.join(" ", args) + ": " + r);
        assertEquals("", r.err(), () -> command + " " + String.join(" ", args) + ": " + r);
        return r.out();
    }

    /** A query command that succeeds with JSON on stdout and exactly {@code note} (one line) on stderr. */
    JsonNode okJsonSaying(String note, String command, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--format", "json"));
        Result r = query(command, all.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertEquals(note + "\n", r.err(), r::toString);
        try {
            return Json.MAPPER.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.out(), e);
        }
    }

    JsonNode okJson(String command, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--format");
        all.add("json");
        String out = ok(command, all.toArray(String[]::new));
        try {
            return Json.MAPPER.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }

    /** A command that must fail: exit 1, exactly one line on stderr starting "runlake: " and containing each of {@code expected}. */
    String fails(Result r, String... expected) {
        assertEquals(Main.FAILED, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr: " + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("runlake: "), line);
        for (String e : expected) assertTrue(line.contains(e), () -> "'" + e + "' missing in: " + line);
        assertFalse(r.err().contains("\tat "), r::toString);
        return line;
    }

    /** The same failing command with {@code --verbose}: the same first line, then the stack trace. */
    void failsVerbosely(String firstLine, String command, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--verbose");
        Result r = query(command, all.toArray(String[]::new));
        assertEquals(Main.FAILED, r.code(), r::toString);
        assertEquals(firstLine, r.errLines().get(0), r::toString);
        assertTrue(r.errLines().size() > 3, r::toString);
        assertTrue(r.err().contains("\tat io.runlake."), r::toString);
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.get(field).asText());
        return out;
    }

    /** RFC 4180 CSV (as Table.toCsv writes it) into rows of cells. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                // part of \r\n
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }

    Set<String> storeKeys() {
        try (ObjectStore store = StoreUris.open(uri)) {
            return store.list("").stream().map(ObjectInfo::key).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static Set<String> folderKeys(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    long sqlCount(String sql) {
        List<List<String>> rows = csv(ok("sql", sql, "--format", "csv"));
        assertEquals(2, rows.size(), rows::toString);
        return Long.parseLong(rows.get(1).get(0));
    }

    // ---- demo -------------------------------------------------------------------------------------

    @Test
    void sweepShowListsTheDemoSweepsTrialsWithTheirOutcome() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(sweep '([^']+)' of 14 trials\\)")
                .matcher(demoOut);
        assertTrue(m.find(), demoOut);
        Result r = cli("sweep", "show", m.group(1), "--cache-dir", cache.toString());
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.contains("sweep '" + m.group(1) + "' in experiment 'spirals'"), out);
        assertTrue(out.contains("\"sampler\":\"points\""), out);
        assertTrue(out.contains("attempt: parent run"), out);
        assertTrue(out.contains("best: trial "), out);
        assertTrue(out.contains(io.runlake.samples.SweepDemo.DIVERGING_RUN) && out.contains("FAILED"), out);
        List<List<String>> rows =
                csv(cli("sweep", "show", m.group(1), "--cache-dir", cache.toString(), "--format", "csv")
                        .out());
        assertEquals(15, rows.size(), rows::toString); // header + 14 trials, in trial order
        assertEquals("0", rows.get(1).get(0));
        assertEquals("13", rows.get(14).get(0));

        Result missing = cli("sweep", "show", "no-such-sweep", "--cache-dir", cache.toString());
        assertEquals(Main.FAILED, missing.code(), missing::toString);
        assertTrue(missing.err().contains("no sweep 'no-such-sweep'"), missing::toString);
    }

    @Test
    void demoTracksTheSweepCompactsItAndPrintsTheLeaderboardAndReport() throws IOException {
        assertTrue(demoOut.contains("15 runs (1 parent + 14 children): 14 FINISHED, 1 FAILED"), demoOut);
        assertTrue(demoOut.contains("Leaderboard of 'spirals' by final val/accuracy:"), demoOut);
        assertTrue(demoOut.contains("spirals: compacted "), demoOut);
        assertTrue(demoOut.contains("HTML report (leaderboard and the sweep's curves): " + demoReport), demoOut);
        // The demo's own files are in the folder it was given and says so.
        assertTrue(demoOut.contains("Data set and model files written to " + demoWork), demoOut);
        assertTrue(Files.isRegularFile(demoWork.resolve("spirals-train.csv")), demoOut);
        assertTrue(Files.isDirectory(demoWork.resolve("models")), demoOut);
        String html = Files.readString(demoReport);
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "the report has the curves");
        JsonNode exps = okJson("experiments");
        JsonNode spirals = null;
        for (JsonNode e : exps) if (e.get("experiment").asText().equals("spirals")) spirals = e;
        assertNotNull(spirals, exps::toString);
        assertEquals(15, spirals.get("runs").asInt());
        assertEquals(14, spirals.get("finished").asInt());
        assertEquals(1, spirals.get("failed").asInt());
        // The demo's leaderboard through the CLI: best first, the FAILED run nowhere near the top.
        JsonNode board = okJsonSaying(
                "runlake: showing the top 5 of 13 ranked runs; use -k N for more",
                "leaderboard",
                "-e",
                "spirals",
                "-m",
                "val/accuracy",
                "-d",
                "max",
                "-k",
                "5");
        assertEquals(5, board.size(), board::toString);
        for (int i = 1; i < board.size(); i++) {
            assertTrue(
                    board.get(i - 1).get("value").asDouble()
                            >= board.get(i).get("value").asDouble(),
                    board::toString);
        }
        assertEquals("FINISHED", board.get(0).get("status").asText());
    }

    // ---- experiments, runs, show -------------------------------------------------------------------

    @Test
    void experimentsCountsRunsByStatus() {
        JsonNode exps = okJson("experiments");
        assertEquals(List.of(EXP, "spirals"), texts(exps, "experiment"));
        JsonNode cli = exps.get(0);
        assertEquals(4, cli.get("runs").asInt());
        assertEquals(3, cli.get("finished").asInt());
        assertEquals(1, cli.get("failed").asInt());
        assertEquals(0, cli.get("running").asInt());
        // The same in the other formats.
        List<List<String>> rows = csv(ok("experiments", "--format", "csv"));
        assertEquals(
                List.of("experiment", "runs", "running", "finished", "failed"),
                rows.get(0).subList(0, 5));
        assertEquals(List.of(EXP, "4", "0", "3", "1"), rows.get(1).subList(0, 5));
        String table = ok("experiments");
        assertTrue(table.lines().anyMatch(l -> l.matches("cli\\s+4\\s+0\\s+3\\s+1\\s.*")), table);
    }

    @Test
    void runsFiltersByParamsAndStatus() {
        JsonNode all = okJson("runs", "-e", EXP);
        assertEquals(Set.of(NAMES[0], NAMES[1], NAMES[2], "diverged"), new HashSet<>(texts(all, "name")));
        JsonNode low = okJson("runs", "-e", EXP, "--where", "params.lr < 0.05 and status = 'FINISHED'");
        assertEquals(
                Set.of(ids.get("lr-0.01"), ids.get("lr-0.001")), new HashSet<>(texts(low, "run_id")), low::toString);
        JsonNode failed = okJson("runs", "-e", EXP, "--where", "status = 'FAILED'");
        assertEquals(List.of(failedId), texts(failed, "run_id"));
        JsonNode byMetric = okJson("runs", "-e", EXP, "--where", "metrics.loss < 0.12");
        assertEquals(
                Set.of(ids.get("lr-0.01"), ids.get("lr-0.001")),
                new HashSet<>(texts(byMetric, "run_id")),
                byMetric::toString);
        Result limited = query("runs", "-e", EXP, "--limit", "2", "--format", "csv");
        assertEquals(3, limited.out().lines().count(), limited::toString);
        assertEquals(
                "runlake: showing 2 of 4 runs; use --limit N, or --limit 0 for all",
                limited.err().strip());
        // Without -e every experiment's runs are listed.
        assertEquals(4 + 15, okJson("runs", "--limit", "0").size());
    }

    @Test
    void showPrintsStatusParamsMetricsArtifactsAndInputs() throws Exception {
        Map<String, String> f = new LinkedHashMap<>();
        List<List<String>> rows = csv(ok("show", "lr-0.01", "--format", "csv"));
        assertEquals(List.of("field", "value"), rows.get(0));
        for (List<String> row : rows.subList(1, rows.size())) f.put(row.get(0), row.get(1));
        assertEquals(ids.get("lr-0.01"), f.get("run_id"), f::toString);
        assertEquals("FINISHED", f.get("status"), f::toString);
        assertEquals(EXP, f.get("experiment"), f::toString);
        assertEquals("0.01", f.get("params.lr"), f::toString);
        assertEquals("adam", f.get("params.optimizer"), f::toString);
        assertTrue(f.get("metrics.loss").startsWith("last 0.05 (min 0.05, max 1, step 19, 20 points)"), f::toString);
        assertTrue(f.get("artifacts.model.bin").startsWith(sha256(model)), f::toString);
        assertTrue(f.get("inputs.train").startsWith("train "), f::toString);
        // By unique id prefix, and the FAILED run's error.
        String byPrefix = ok("show", failedId.substring(0, failedId.length() - 2));
        assertTrue(byPrefix.contains("FAILED"), byPrefix);
        assertTrue(byPrefix.contains("boom"), byPrefix);
        assertTrue(byPrefix.lines().anyMatch(l -> l.matches("params\\.lr\\s+1(\\.0)?")), byPrefix);
    }

    // ---- compare, leaderboard, history -----------------------------------------------------------

    @Test
    void compareShowsTheParamsThatDifferAndTheFinalValues() {
        String a = ids.get("lr-0.1"), b = ids.get("lr-0.01");
        List<List<String>> rows = csv(ok("compare", "lr-0.1", b, "--format", "csv"));
        assertEquals(List.of("field", a, b), rows.get(0));
        Map<String, List<String>> byField = new LinkedHashMap<>();
        for (List<String> r : rows.subList(1, rows.size())) byField.put(r.get(0), r.subList(1, r.size()));
        assertEquals(List.of("0.1", "0.01"), byField.get("params.lr"), byField::toString);
        assertFalse(byField.containsKey("params.layers"), "equal params are left out: " + byField);
        assertFalse(byField.containsKey("params.optimizer"), byField::toString);
        assertEquals(List.of("0.15", "0.05"), byField.get("loss (last)"), byField::toString);
        assertEquals(List.of("3", "1"), byField.get("loss (max)"), byField::toString);
        assertEquals(List.of("lr-0.1", "lr-0.01"), byField.get("name"));
        // --all-params and -m
        List<List<String>> all = csv(ok("compare", a, b, "--all-params", "-m", "acc", "--format", "csv"));
        Set<String> fields = all.stream().map(r -> r.get(0)).collect(Collectors.toSet());
        assertTrue(
                fields.containsAll(List.of("params.layers", "params.optimizer", "params.lr", "acc (last)")),
                fields::toString);
        assertFalse(fields.contains("loss (last)"), fields::toString);
    }

    @Test
    void leaderboardRanksByTheFinalValue() {
        // -d not given: min, inferred from the name 'loss'; the FAILED run "diverged" is not ranked (FORMAT.md §12.8)
        JsonNode board = okJson("leaderboard", "-e", EXP, "-m", "loss");
        assertEquals(
                List.of(ids.get("lr-0.01"), ids.get("lr-0.001"), ids.get("lr-0.1")),
                texts(board, "run_id"),
                board::toString);
        assertEquals(List.of("1", "2", "3"), texts(board, "rank"));
        double[] expected = {loss(1, STEPS - 1), loss(2, STEPS - 1), loss(0, STEPS - 1)};
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], board.get(i).get("value").asDouble(), 1e-12, board::toString);
        assertEquals(STEPS - 1, board.get(0).get("step").asInt());
        assertEquals("FINISHED", board.get(2).get("status").asText());
        // asked for explicitly, FAILED runs rank too
        JsonNode all = okJson("leaderboard", "-e", EXP, "-m", "loss", "--status", "FINISHED,FAILED");
        assertEquals(failedId, all.get(3).get("run_id").asText(), all::toString);
        // -d not given for 'acc': max, inferred
        JsonNode inferred = okJsonSaying(
                "runlake: showing the top 1 of 3 ranked runs; use -k N for more",
                "leaderboard",
                "-e",
                EXP,
                "-m",
                "acc",
                "-k",
                "1");
        assertEquals(ids.get("lr-0.01"), inferred.get(0).get("run_id").asText(), inferred::toString);
        // max direction, top k, filter
        JsonNode acc = okJsonSaying(
                "runlake: showing the top 2 of 3 ranked runs; use -k N for more",
                "leaderboard",
                "-e",
                EXP,
                "-m",
                "acc",
                "-d",
                "max",
                "-k",
                "2");
        assertEquals(List.of(ids.get("lr-0.01"), ids.get("lr-0.001")), texts(acc, "run_id"), acc::toString);
        assertEquals(acc(1, STEPS - 1), acc.get(0).get("value").asDouble(), 1e-12);
        JsonNode filtered = okJson("leaderboard", "-e", EXP, "-m", "loss", "--where", "params.lr > 0.005");
        assertEquals(List.of(ids.get("lr-0.01"), ids.get("lr-0.1")), texts(filtered, "run_id"), filtered::toString);
        // CSV agrees with JSON
        List<List<String>> rows = csv(ok("leaderboard", "-e", EXP, "-m", "loss", "--format", "csv"));
        assertEquals(4, rows.size(), rows::toString);
        int idCol = rows.get(0).indexOf("run_id");
        assertEquals(ids.get("lr-0.01"), rows.get(1).get(idCol));
    }

    @Test
    void historyReturnsEveryPointOrADownsampledCurve() {
        List<List<String>> rows = csv(ok("history", "lr-0.001", "loss", "--format", "csv"));
        assertEquals(List.of("step", "timestamp", "value"), rows.get(0));
        assertEquals(STEPS, rows.size() - 1, rows::toString);
        for (int s = 0; s < STEPS; s++) {
            assertEquals(s, Integer.parseInt(rows.get(s + 1).get(0)));
            assertEquals(loss(2, s), Double.parseDouble(rows.get(s + 1).get(2)), 1e-5, rows.get(s + 1)::toString);
        }
        JsonNode exact = okJson("history", ids.get("lr-0.1"), "acc", "--max-points", "0");
        assertEquals(STEPS, exact.size());
        assertEquals(acc(0, 7), exact.get(7).get("value").asDouble(), 1e-12);
        JsonNode down = okJsonSaying(
                "runlake: 4 of 20 points (downsampled to about --max-points 8; --max-points 0 for every point)",
                "history",
                ids.get("lr-0.1"),
                "loss",
                "--max-points",
                "8");
        assertTrue(down.size() <= 8 && down.size() >= 2, down::toString);
        List<String> steps = texts(down, "step");
        assertEquals("0", steps.get(0), "keeps the first point");
        assertEquals(String.valueOf(STEPS - 1), steps.get(steps.size() - 1), "keeps the last point");
        assertEquals(loss(0, 0), down.get(0).get("value").asDouble(), 1e-12);
    }

    // ---- sql, sync ---------------------------------------------------------------------------------

    @Test
    void sqlCountsEveryPointOnce() {
        assertEquals(EXP_POINTS, sqlCount("select count(*) from metrics where experiment = 'cli'"));
        assertEquals(3L * STEPS, sqlCount("select count(*) from metrics where experiment = 'cli' and key = 'acc'"));
        JsonNode byRun = okJson(
                "sql",
                "select run_id, count(*) as n, max(value) as mx from metrics where experiment = 'cli' and key = 'loss' "
                        + "group by run_id order by run_id");
        assertEquals(4, byRun.size(), byRun::toString);
        for (JsonNode r : byRun) {
            boolean failed = r.get("run_id").asText().equals(failedId);
            assertEquals(failed ? FAILED_POINTS : STEPS, r.get("n").asInt(), r::toString);
        }
        String table = ok("sql", "select name from runs where status = 'FAILED' and experiment = 'cli'");
        assertEquals(List.of("name", "--------", "diverged"), table.lines().toList());
    }

    @Test
    void sqlShellRunsStatementsFromStdinAndCountsFailures() {
        String script = "select count(*) as n from metrics where experiment = 'cli';\n"
                + "-- a comment\n\n"
                + "select 1 +\n  1 as two;\n"
                + "selec oops;\n"
                + "select 'last' as x";
        InputStream stdin = System.in;
        Result r;
        try {
            System.setIn(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
            r = query("sql", "--format", "csv");
        } finally {
            System.setIn(stdin);
        }
        assertEquals(Main.FAILED, r.code(), "one statement failed: " + r);
        assertEquals("n\n" + EXP_POINTS + "\ntwo\n2\nx\nlast\n", r.out(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(
                r.errLines().get(0).startsWith("runlake: SQL error") && r.err().contains("selec"), r::toString);
    }

    @Test
    void syncMirrorsTheStoreAndPrintViewsWorksInPlainDuckDb() throws Exception {
        Path dir = tmp.resolve("synced-" + System.nanoTime());
        Result r = cli("sync", dir.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        // The whole store: run-ids/ and reports/ too (the demo published a report), the demo's work folder not.
        Set<String> expected = new TreeSet<>();
        for (String k : storeKeys()) if (!k.startsWith("demo-files/")) expected.add(k);
        assertTrue(expected.stream().anyMatch(k -> k.startsWith("run-ids/")), expected::toString);
        assertTrue(expected.stream().anyMatch(k -> k.startsWith("reports/")), expected::toString);
        Set<String> got = folderKeys(dir);
        got.remove(".runlake-sync.json");
        assertEquals(expected, got);
        assertTrue(
                got.contains("artifacts/sha256/" + sha256(model).substring(0, 2) + "/" + sha256(model)), got::toString);
        assertTrue(r.out().contains(expected.size() + " in the folder"), r.out());
        // Incremental: a second sync fetches nothing.
        Result again = cli("sync", dir.toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains(" 0 fetched"), again.out());

        // The printed views, in an independent DuckDB, give the CLI's answers.
        Result views = query("sql", "--print-views", "--folder", dir.toString());
        assertEquals(0, views.code(), views::toString);
        assertTrue(views.out().contains("CREATE"), views.out());
        // ... and offer the Delta form of the committed lake (FORMAT.md §12.10)
        assertTrue(views.out().contains("delta_scan('" + dir.resolve("lake/metrics/")), views.out());
        long cliTotal = sqlCount("select count(*) from metrics");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            for (String stmt : views.out().split(";\\s*\\n\\s*\\n")) {
                if (!stmt.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) st.execute(stmt);
            }
            try (ResultSet rs = st.executeQuery("select count(*) from metrics")) {
                assertTrue(rs.next());
                assertEquals(cliTotal, rs.getLong(1));
            }
            try (ResultSet rs = st.executeQuery("select count(*) from metrics where experiment = 'cli'")) {
                assertTrue(rs.next());
                assertEquals(EXP_POINTS, rs.getLong(1));
            }
            try (ResultSet rs = st.executeQuery("select name from runs where status = 'FAILED' order by name")) {
                List<String> names = new ArrayList<>();
                while (rs.next()) names.add(rs.getString(1));
                assertTrue(names.contains("diverged"), names::toString);
                assertEquals(2, names.size(), names::toString);
            }
        }
        if (remote()) {
            fails(query("sql", "--print-views"), "--print-views needs a local folder");
        } else {
            fails(cli("sync", Path.of(uri).toString()), "into itself");
            Result inPlace = query("sql", "--print-views");
            assertEquals(0, inPlace.code(), inPlace::toString);
            assertTrue(inPlace.out().contains("CREATE"), inPlace.out());
        }
    }

    // ---- plot, report ------------------------------------------------------------------------------

    @Test
    void plotWritesPngAndSvgLineCharts() throws Exception {
        Path png = tmp.resolve("charts/loss.png");
        Result r = query("plot", "-m", "loss", "-o", png.toString(), "lr-0.1", "lr-0.01", ids.get("lr-0.001"));
        assertEquals(0, r.code(), r::toString);
        assertEquals(png.toAbsolutePath().toString(), r.out().strip());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO reads the PNG");
        assertTrue(img.getWidth() >= 200 && img.getHeight() >= 100, img.getWidth() + "x" + img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < img.getWidth(); x += 3)
            for (int y = 0; y < img.getHeight(); y += 3) colours.add(img.getRGB(x, y));
        assertTrue(colours.size() >= 4, "not blank: " + colours.size() + " colours");

        Path svg = tmp.resolve("charts/acc.svg");
        Result s = query("plot", "-m", "acc", "-o", svg.toString(), "lr-0.1", "lr-0.01");
        assertEquals(0, s.code(), s::toString);
        String text = Files.readString(svg);
        assertTrue(text.startsWith("<svg") || text.contains("<svg "), text);
        assertEquals(2, text.split("<polyline class=\"series\"", -1).length - 1, "one line per run: " + text);
        assertTrue(text.contains("lr-0.1") && text.contains("lr-0.01"), "runs named in the legend");
        assertTrue(text.contains(">acc<") || text.contains("acc"), "axis labelled");

        fails(
                query("plot", "-m", "loss", "-o", tmp.resolve("chart.gif").toString(), "lr-0.1"),
                "chart.gif",
                ".png or .svg");
        fails(query("plot", "-m", "nope", "-o", tmp.resolve("x.svg").toString(), "lr-0.1"), "no metric 'nope'");
    }

    @Test
    @Order(1)
    void reportWritesHtmlAndPublishesOnlyWithARunsIndex() throws Exception {
        Path html = tmp.resolve("out/report.html");
        Result r = query("report", "-e", EXP, "-m", "loss", "-o", html.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertEquals(
                List.of(html.toAbsolutePath().toString()),
                r.out().lines().toList(),
                "without --publish: nothing published");
        String page = Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("<polyline"), "charts in the report");
        assertTrue(page.contains("Experiment cli"), "title");
        assertTrue(page.contains(ids.get("lr-0.01")) && page.contains("lr-0.001"), "leaderboard rows");
        assertFalse(page.contains("diverged"), "the FAILED run is not ranked");
        assertTrue(
                page.contains("<table id=\"leaderboard\">") && page.contains("lower is better"),
                "the published page's design");
        assertTrue(page.indexOf(ids.get("lr-0.01")) < page.indexOf(ids.get("lr-0.1")), "best first");
        assertEquals(List.of(), reportKeys(), "without --publish nothing is written into the store");

        // Publishing needs the runs index that 'compact' builds: before it, the command says so and writes nothing.
        Result pub = query("report", "-e", EXP, "-m", "loss", "-o", html.toString(), "--publish");
        assertEquals(0, pub.code(), pub::toString);
        assertEquals(
                List.of(html.toAbsolutePath().toString(), "not published: no runs index yet"),
                pub.out().lines().toList());
        assertEquals(List.of(), reportKeys());
    }

    List<String> reportKeys() {
        return storeKeys().stream()
                .filter(k -> k.startsWith("reports/experiment=cli/"))
                .toList();
    }

    // ---- lineage -----------------------------------------------------------------------------------

    @Test
    void lineageNamesTheProducingRunAndItsInputs() throws Exception {
        JsonNode l = okJson("lineage", model.toString());
        assertEquals(sha256(model), l.get("sha256").asText());
        JsonNode producers = l.get("produced_by");
        assertEquals(1, producers.size(), l::toPrettyString);
        JsonNode p = producers.get(0);
        assertEquals(ids.get("lr-0.01"), p.path("run_id").asText(), p::toPrettyString);
        assertEquals("FINISHED", p.path("status").asText(), p::toPrettyString);
        String pj = p.toString();
        assertTrue(pj.contains("\"train\""), "the data input: " + pj);
        assertTrue(pj.contains(sha256(dataset)), "the data input's checksum: " + pj);
        assertTrue(pj.contains("0.01"), "params: " + pj);

        // The data set: used by the three trials.
        List<List<String>> rows = csv(ok("lineage", dataset.toString(), "--format", "csv"));
        Set<String> users = rows.stream()
                .filter(r -> r.get(1).equals("used_by"))
                .map(r -> r.get(0))
                .collect(Collectors.toSet());
        assertEquals(Set.copyOf(ids.values()), users, rows::toString);
        // A run.
        String table = ok("lineage", "lr-0.001", "--wide"); // whole run ids
        assertTrue(table.contains(ids.get("lr-0.001")) && table.contains("train"), table);

        fails(query("lineage", tmp.resolve("no/such/file.bin").toString()), "file.bin");
        Path stranger = tmp.resolve("stranger.bin");
        Files.writeString(stranger, "never logged");
        fails(query("lineage", stranger.toString()), "no run produced or used", "stranger.bin");
    }

    // ---- errors ------------------------------------------------------------------------------------

    @Test
    void unknownExperimentIsOneLine() {
        String line =
                fails(query("leaderboard", "-e", "nope", "-m", "loss"), "unknown experiment 'nope'", "cli", "spirals");
        failsVerbosely(line, "leaderboard", "-e", "nope", "-m", "loss");
        fails(query("runs", "-e", "nope"), "unknown experiment 'nope'");
        fails(
                query(
                        "report",
                        "-e",
                        "nope",
                        "-m",
                        "loss",
                        "-o",
                        tmp.resolve("r.html").toString(),
                        "--no-publish"),
                "unknown experiment 'nope'");
    }

    @Test
    void unknownRunIsOneLine() {
        String line = fails(query("show", "no-such-run"), "unknown run 'no-such-run'");
        failsVerbosely(line, "show", "no-such-run");
        fails(query("compare", "lr-0.1", "ghost-run"), "unknown run 'ghost-run'");
        fails(query("history", "ghost-run", "loss"), "unknown run 'ghost-run'");
    }

    @Test
    void unknownMetricIsOneLine() {
        String line =
                fails(query("history", "lr-0.1", "val_loss"), "no metric 'val_loss'", ids.get("lr-0.1"), "acc, loss");
        failsVerbosely(line, "history", "lr-0.1", "val_loss");
        fails(
                query("leaderboard", "-e", EXP, "-m", "val_loss"),
                "experiment 'cli' has no metric 'val_loss'",
                "acc, loss");
        fails(query("compare", "lr-0.1", "lr-0.01", "-m", "val_loss"), "metric 'val_loss'");
    }

    @Test
    void malformedFilterIsOneLine() {
        String line =
                fails(query("runs", "-e", EXP, "--where", "params.lr <<< 0.1"), "malformed filter 'params.lr <<< 0.1'");
        failsVerbosely(line, "runs", "-e", EXP, "--where", "params.lr <<< 0.1");
        fails(query("runs", "--where", "status = 'FINISHED'; drop table runs"), "malformed filter", "';'");
        fails(query("leaderboard", "-e", EXP, "-m", "loss", "--where", "lr ==="), "malformed filter 'lr ==='");
    }

    @Test
    void badSqlIsOneLine() {
        String line = fails(query("sql", "selec count(*) from metrics"), "SQL error", "selec");
        failsVerbosely(line, "sql", "selec count(*) from metrics");
        fails(query("sql", "select * from no_such_view"), "no_such_view");
    }

    @Test
    void badOptionsAreOneLine() {
        fails(query("experiments", "--format", "xml"), "unknown format 'xml'");
        fails(query("leaderboard", "-e", EXP, "-m", "loss", "-d", "sideways"), "unknown direction 'sideways'");
        Result usage = query("leaderboard", "-m", "loss");
        assertEquals(Main.USAGE, usage.code(), usage::toString);
        assertEquals(1, usage.errLines().size(), usage::toString);
        assertTrue(usage.err().contains("--experiment"), usage::toString);
    }

    // ---- compact (changes the store: last) ---------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE)
    void compactKeepsEveryAnswerAndEveryPointExactlyOnce() {
        String experiments = ok("experiments", "--format", "csv");
        String board = ok("leaderboard", "-e", EXP, "-m", "loss", "--format", "csv");
        String history = ok("history", "lr-0.1", "loss", "--format", "csv");
        long total = sqlCount("select count(*) from metrics");
        assertTrue(
                storeKeys().stream().noneMatch(k -> k.startsWith("lake/") && k.contains("experiment=cli")),
                "nothing of 'cli' compacted before: " + storeKeys());

        Result r = cli("compact", "--publish", "-m", "loss", "-d", "min");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertTrue(r.out().contains("cli: compacted " + EXP_POINTS + " points from "), r.out());
        assertTrue(r.out().contains("cli: runs index "), r.out());
        assertTrue(r.out().contains("4 runs"), r.out());
        assertTrue(r.out().contains("spirals: compacted 0 points"), r.out());
        assertTrue(
                storeKeys().stream().anyMatch(k -> k.startsWith("lake/") && k.contains("experiment=cli")),
                storeKeys()::toString);

        assertEquals(experiments, ok("experiments", "--format", "csv"));
        assertEquals(board, ok("leaderboard", "-e", EXP, "-m", "loss", "--format", "csv"));
        assertEquals(history, ok("history", "lr-0.1", "loss", "--format", "csv"));
        assertEquals(total, sqlCount("select count(*) from metrics"));
        assertEquals(EXP_POINTS, sqlCount("select count(*) from metrics where experiment = 'cli'"));
        assertEquals(
                0,
                sqlCount(
                        "select count(*) from (select run_id, key, step, worker from metrics group by all having count(*) > 1)"),
                "no point twice");

        // Now that there is a runs index, 'report' publishes into the store's reports/ (and --no-publish doesn't).
        Path html = tmp.resolve("out/after-compact.html");
        List<String> before = reportKeys();
        assertTrue(
                before.stream().anyMatch(k -> k.endsWith("/leaderboard.html")),
                "compact publishes a leaderboard: " + before);
        Result quiet = query("report", "-e", EXP, "-m", "loss", "-o", html.toString(), "--no-publish");
        assertEquals(0, quiet.code(), quiet::toString);
        assertEquals(1, quiet.out().lines().count(), quiet::toString);
        assertEquals(before, reportKeys(), "--no-publish writes nothing");
        for (String flag : List.of("--publish", "-k=3")) {
            List<String> prior = reportKeys();
            Result pub = flag.equals("--publish")
                    ? query("report", "-e", EXP, "-m", "loss", "-o", html.toString(), flag)
                    : query("report", "-e", EXP, "-m", "loss", "-o", html.toString(), "--publish", flag);
            assertEquals(0, pub.code(), pub::toString);
            assertEquals("", pub.err(), pub::toString);
            List<String> lines = pub.out().lines().toList();
            assertEquals(2, lines.size(), pub::toString);
            List<String> added = new ArrayList<>(reportKeys());
            added.removeAll(prior);
            String htmlKey = added.stream()
                    .filter(k -> k.endsWith("/leaderboard.html"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(flag + ": no new reports/ object: " + pub));
            assertTrue(added.stream().anyMatch(k -> k.endsWith("/leaderboard.json")), added::toString);
            assertTrue(lines.get(1).contains(htmlKey), lines.get(1) + " names " + htmlKey);
        }

        // Compacting again changes nothing, says the index is up to date and publishes nothing unless asked.
        List<String> published = reportKeys();
        Result again = cli("compact", "-e", EXP);
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("cli: compacted 0 points"), again.out());
        assertTrue(again.out().contains("cli: runs index up to date\n"), again.out());
        assertFalse(again.out().contains("-1 runs"), again.out());
        assertFalse(again.out().contains("leaderboard report"), again.out());
        assertEquals(published, reportKeys(), "compact without --publish publishes nothing");
        assertEquals(board, ok("leaderboard", "-e", EXP, "-m", "loss", "--format", "csv"));
    }
}
