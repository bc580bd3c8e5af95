package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Json;
import io.runlake.runs.RunIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables as a person reads them (issue 9): they fit the terminal and cut only params and tags, never an error, an
 * id or a hash; the params that vary lead; run ids and hashes show as their unique prefixes, which every command
 * takes back; limits are stated. One sweep of six runs whose ids share their first characters (lr 0.01 / 0.1 /
 * 0.3 × hidden_units 16 / 32, five constant params that sort before them) and one FAILED run with a long error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TablesCliTest {
    static final String EXP = "sweep";
    static final String ERROR = "training diverged at epoch 0, step 11: loss is 112.80741916667539 (learning rate "
            + "50.0 is too high); lower the learning rate or clip the gradients and run it again";

    Path tmp;
    Path lake;
    Path cache;
    Path model;
    String modelSha;
    final List<String> ids = new ArrayList<>();
    String failedId;
    String parentId;

    @BeforeAll
    void writeLake(@TempDir Path dir) throws Exception {
        tmp = dir;
        lake = tmp.resolve("lake");
        cache = tmp.resolve("cache");
        model = tmp.resolve("model.bin");
        Files.writeString(model, "weights " + System.nanoTime());
        modelSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
        Path data = tmp.resolve("train.csv");
        Files.writeString(data, "x,y\n1,2\n" + System.nanoTime() + ",3\n");
        TrackerOptions options = TestTrackers.options(tmp.resolve("spill"));
        try (Tracker t = Tracker.open(lake.toUri(), options)) {
            Run parent = t.newRun(EXP).name("the-sweep").start();
            parentId = parent.id();
            int i = 0;
            for (double lr : new double[] {0.01, 0.1, 0.3}) {
                for (int hidden : new int[] {16, 32}) {
                    Run r = constants(t.newRun(EXP)
                                    .name("lr" + lr + "-h" + hidden)
                                    .parent(parentId))
                            .param("lr", lr)
                            .param("hidden_units", hidden)
                            .start();
                    r.logInput("train", data.toString(), "train");
                    for (int s = 0; s < 50; s++) r.log(Map.of("loss", 1.0 / (s + 1 + i)), s);
                    if (i == 0) r.logArtifact(model);
                    r.finish();
                    ids.add(r.id());
                    i++;
                }
            }
            Run failed = constants(t.newRun(EXP).name("lr-too-high").parent(parentId))
                    .param("lr", 50.0)
                    .param("hidden_units", 16)
                    .start();
            failed.log("loss", 112.8, 0);
            failed.fail(new IllegalStateException(ERROR));
            failedId = failed.id();
            parent.finish();
        }
    }

    private static io.runlake.client.RunSpec constants(io.runlake.client.RunSpec b) {
        return b.param("batch_size", 32)
                .param("data.noise", 0.05)
                .param("data.points_per_class", 1500)
                .param("data.seed", 42)
                .param("epochs", 40);
    }

    /** A query command on the lake, its tables laid out for a terminal {@code width} wide (0: a pipe). */
    Result query(int width, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--uri", lake.toString(), "--cache-dir", cache.toString()));
        all.addAll(Arrays.asList(args));
        return Result.run(m -> m.withTerminalWidth(width), all.toArray(String[]::new));
    }

    Result ok(int width, String command, String... args) {
        Result r = query(width, command, args);
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    JsonNode json(String command, String... args) throws IOException {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--format", "json"));
        return Json.MAPPER.readTree(ok(0, command, all.toArray(String[]::new)).out());
    }

    /** How the CLI shows each run id: the shortest unique prefix among all run ids of the store (§13.5). */
    Map<String, String> shown() {
        List<String> all = new ArrayList<>(ids);
        all.add(failedId);
        all.add(parentId);
        return RunIds.abbreviate(all, all);
    }

    // ---- fitting the terminal --------------------------------------------------------------------

    @Test
    void aTableFitsTheTerminalCuttingOnlyParamsAndTagsAndSaysHow() {
        Result r = ok(110, "runs", "-e", EXP);
        for (String line : r.out().lines().toList()) assertTrue(line.length() <= 110, () -> line.length() + ": " + r);
        assertTrue(r.out().contains("…"), r::toString);
        assertTrue(r.err().contains("params cut to fit 110 columns; --wide shows them whole"), r::toString);
        for (String id : ids) assertTrue(r.out().contains(shown().get(id)), r::toString);
        for (String name : List.of("lr0.01-h16", "lr0.3-h32", "lr-too-high"))
            assertTrue(r.out().contains(name), name);

        // Into a pipe (width 0) or with --wide: nothing cut, nothing said.
        Result piped = ok(0, "runs", "-e", EXP);
        assertFalse(piped.out().contains("…"), piped::toString);
        assertEquals("", piped.err(), piped::toString);
        Result wide = ok(110, "runs", "-e", EXP, "--wide");
        assertFalse(wide.out().contains("…"), wide::toString);
        assertEquals("", wide.err(), wide::toString);
        for (String id : ids) assertTrue(wide.out().contains(id), "--wide shows whole ids: " + wide);
    }

    @Test
    void showPrintsAFailedRunsErrorWholeWrappedToTheTerminal() {
        Result narrow = ok(80, "show", "lr-too-high");
        for (String line : narrow.out().lines().toList()) assertTrue(line.length() <= 80, narrow::toString);
        String joined = narrow.out().replaceAll("\\s+", " ");
        assertTrue(joined.contains(ERROR), narrow::toString);
        assertFalse(narrow.out().contains("…"), narrow::toString);
        // piped: on one line, whole
        Result piped = ok(0, "show", "lr-too-high");
        assertTrue(piped.out().lines().anyMatch(l -> l.startsWith("error") && l.contains(ERROR)), piped::toString);
    }

    // ---- the params that vary first ----------------------------------------------------------------

    @Test
    void runsShowTheParamsThatVaryFirstAndTheConstantOnesOnce() throws IOException {
        Result r = ok(160, "runs", "-e", EXP, "--where", "status = 'FINISHED'");
        List<String> lines = r.out().lines().toList();
        assertTrue(
                lines.get(0)
                        .startsWith(
                                "same in all 6 runs that have params: batch_size=32 data.noise=0.05 data.points_per_class=1500 "
                                        + "data.seed=42 epochs=40"),
                r::toString);
        for (String line : lines.subList(3, lines.size())) {
            if (line.contains("the-sweep")) continue; // the parent has no params
            assertTrue(line.matches(".*\\bhidden_units=\\d+ lr=0\\.\\d+\\b.*"), () -> line + "\n" + r);
            assertFalse(line.contains("epochs="), line);
        }
        // JSON keeps every param, the varying ones first.
        JsonNode first =
                json("runs", "-e", EXP, "--where", "status = 'FINISHED'").get(0);
        List<String> keys = new ArrayList<>();
        first.get("params").fieldNames().forEachRemaining(keys::add);
        assertEquals(
                List.of(
                        "hidden_units",
                        "lr",
                        "batch_size",
                        "data.noise",
                        "data.points_per_class",
                        "data.seed",
                        "epochs"),
                keys);
    }

    @Test
    void leaderboardAndCompareLeadWithTheParamsThatVary() {
        Result board = ok(140, "leaderboard", "-e", EXP, "-m", "loss", "-d", "min", "-k", "3");
        List<String> rows =
                board.out().lines().filter(l -> l.matches("[123] .*")).toList();
        assertEquals(3, rows.size(), board::toString);
        for (String row : rows) assertTrue(row.matches(".*hidden_units=\\d+ lr=.*"), () -> row + "\n" + board);
        assertTrue(board.out().contains("same in all 3 leaders: batch_size=32"), board::toString);

        Result compare = ok(0, "compare", ids.get(0), ids.get(5), "--all-params");
        List<String> fields = compare.out()
                .lines()
                .map(l -> l.split(" ")[0])
                .filter(f -> f.startsWith("params."))
                .toList();
        assertEquals(
                List.of(
                        "params.hidden_units",
                        "params.lr",
                        "params.batch_size",
                        "params.data.noise",
                        "params.data.points_per_class",
                        "params.data.seed",
                        "params.epochs"),
                fields,
                compare::toString);
    }

    // ---- ids shown by unique prefix ------------------------------------------------------------------

    @Test
    void runIdsShowAsTheirUniquePrefixInEveryTableAndAreTakenBack() {
        Map<String, String> shown = shown();
        for (String s : shown.values()) assertTrue(s.length() >= RunIds.MIN_SHOWN && s.length() < 26, s);
        String first = ids.get(0);
        String s0 = shown.get(first);
        List<Result> tables = List.of(
                ok(0, "runs", "-e", EXP),
                ok(0, "leaderboard", "-e", EXP, "-m", "loss", "-d", "min", "-k", "10"),
                ok(0, "compare", first, ids.get(1)),
                ok(0, "show", first),
                ok(0, "lineage", first));
        for (Result r : tables) {
            assertTrue(r.out().contains(s0), r::toString);
            assertFalse(r.out().contains(first), "no whole run id in a table: " + r);
        }
        Result show = tables.get(3);
        assertTrue(
                show.out().lines().anyMatch(l -> l.matches("parent_run_id\\s+" + shown.get(parentId))), show::toString);
        // What a table shows, every command takes back.
        Result again = ok(0, "show", s0);
        assertTrue(again.out().contains("lr0.01-h16"), again::toString);
        // CSV and JSON are for programs: whole ids.
        assertTrue(ok(0, "runs", "-e", EXP, "--format", "csv").out().contains(first));
    }

    @Test
    void hashesShowAsTheirUniquePrefixAndLineageTakesThemBack() throws IOException {
        Result show = ok(0, "show", ids.get(0));
        String prefix = modelSha.substring(0, RunIds.MIN_HASH_SHOWN);
        assertTrue(
                show.out().lines().anyMatch(l -> l.startsWith("artifacts.model.bin") && l.contains(prefix + " ")),
                show::toString);
        assertFalse(show.out().contains(modelSha), show::toString);
        assertTrue(ok(0, "show", ids.get(0), "--wide").out().contains(modelSha));

        JsonNode l = json("lineage", prefix);
        assertEquals(modelSha, l.get("sha256").asText(), l::toPrettyString);
        assertEquals(ids.get(0), l.get("produced_by").get(0).get("run_id").asText());
        Result tooShort = query(0, "lineage", modelSha.substring(0, 4));
        assertEquals(Main.FAILED, tooShort.code(), tooShort::toString);
    }

    // ---- limits stated ------------------------------------------------------------------------------

    @Test
    void everyCommandSaysWhereItStopped() {
        Result board = ok(0, "leaderboard", "-e", EXP, "-m", "loss", "-d", "min", "-k", "2");
        assertEquals("runlake: showing the top 2 of 6 ranked runs; use -k N for more\n", board.err(), board::toString);
        Result history = ok(0, "history", ids.get(0), "loss", "--max-points", "8");
        assertTrue(
                history.err().matches("runlake: \\d of 50 points \\(downsampled.*--max-points 0 for every point\\)\n"),
                history::toString);
        Result all = ok(0, "history", ids.get(0), "loss", "--max-points", "0");
        assertEquals("", all.err(), all::toString);
        assertEquals(52, all.out().lines().count(), all::toString);
    }

    @Test
    void theReportPageShowsTheSamePrefixes() throws IOException {
        Path html = tmp.resolve("report.html");
        ok(0, "report", "-e", EXP, "-m", "loss", "-d", "min", "-o", html.toString());
        String page = Files.readString(html);
        for (String id : ids) {
            assertTrue(page.contains("<code title=\"" + id + "\">" + shown().get(id) + "</code>"), id);
        }
        // Its params columns: those that vary first.
        int lr = page.indexOf("<th>lr</th>"), batch = page.indexOf("<th>batch_size</th>");
        assertTrue(lr > 0 && (batch < 0 || lr < batch), "lr before batch_size");
    }
}
