package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.format.Layout;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runlake models ...}, each subcommand, on a store written by the real client (FORMAT.md §16). */
abstract class ModelsCliSuite {
    @TempDir
    Path tmp;

    URI uri;

    abstract URI newStore(Path tmp) throws Exception;

    private Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--uri", uri.toString(), "models"));
        all.addAll(Arrays.asList(args));
        return Result.run(m -> m, all.toArray(String[]::new));
    }

    private Result ok(String... args) {
        Result r = cli(args);
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), r.toString());
        return r;
    }

    @Test
    void everySubcommandOnARealStore() throws Exception {
        uri = newStore(tmp);
        String runId = runWithModel();
        assertTrue(ok("register", "fraud", "--run", runId, "--artifact", "model.bin", "--metric", "auc=0.9")
                .out()
                .contains("registered models:/fraud/1"));
        ok(
                "register",
                "fraud",
                "--run",
                runId,
                "--artifact",
                "model.bin",
                "--metric",
                "auc=0.8",
                "--description",
                "worse");
        ok("register", "fraud", "--run", runId, "--reference", "s3://elsewhere/m.onnx");
        Result noSuch = cli("register", "fraud", "--run", runId, "--artifact", "nope.bin");
        assertEquals(1, noSuch.code(), noSuch.toString());
        assertTrue(noSuch.err().contains("logged no artifact named 'nope.bin'"), noSuch.toString());

        assertTrue(ok("alias", "fraud", "champion", "1", "--if-better", "auc", "--reason", "first")
                .out()
                .contains("champion -> 1 (was none): champion had no holder"));
        List<String> before = keys();
        Result refused = cli("alias", "fraud", "champion", "2", "--if-better", "auc");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("not better than the current holder"), refused.toString());
        assertEquals(before, keys());
        ok("alias", "fraud", "staging", "2");
        ok("alias", "fraud", "staging", "--delete", "--reason", "retired");

        String list = ok("list").out();
        assertTrue(list.contains("fraud\t3\t3\tchampion=1\t"), list);
        String show = ok("show", "fraud").out();
        assertTrue(show.contains("champion -> 1"), show);
        assertTrue(show.contains("2\t" + runId + "\tfraud\tmodel.bin"), show);
        String version = ok("show", "models:/fraud@champion").out();
        assertTrue(version.contains("models:/fraud/1"), version);
        assertTrue(version.contains("input: train"), version);
        String history = ok("history", "fraud").out();
        assertEquals(4, history.lines().count(), history); // header and three moves
        assertTrue(history.contains("\tstaging\t(removed)\t2\t"), history);
        assertEquals(2, ok("history", "fraud", "champion").out().lines().count());

        // lineage goes model version -> run -> code, data, environment
        Result lineage = Result.run(m -> m, "--uri", uri.toString(), "lineage", "models:/fraud@champion");
        assertEquals(0, lineage.code(), lineage.toString());
        assertTrue(
                lineage.out().startsWith("models:/fraud@champion = version 1 of model fraud: model.bin"),
                lineage.toString());
        assertTrue(lineage.out().contains("made by run " + runId), lineage.toString());
        assertTrue(lineage.out().contains("train"), lineage.toString()); // the run's data input
        Result lineageJson =
                Result.run(m -> m, "--uri", uri.toString(), "lineage", "models:/fraud/2", "--format", "json");
        assertEquals(0, lineageJson.code(), lineageJson.toString());
        assertTrue(lineageJson.out().contains("\"version\" : 2"), lineageJson.toString());
        assertTrue(lineageJson.out().contains("\"run_lineage\""), lineageJson.toString());
        Result noModel = Result.run(m -> m, "--uri", uri.toString(), "lineage", "models:/nope@champion");
        assertEquals(1, noModel.code(), noModel.toString());

        Path out = Files.createDirectories(tmp.resolve("out"));
        ok("download", "models:/fraud@champion", out.toString());
        assertEquals("the exact weights", Files.readString(out.resolve("model.bin")));
        Result reference = cli("download", "models:/fraud/3", out.toString());
        assertEquals(1, reference.code(), reference.toString());

        // runlake sync copies the registry with the rest of the store
        Path copy = tmp.resolve("copy");
        Result sync = Result.run(m -> m, "--uri", uri.toString(), "sync", copy.toString());
        assertEquals(0, sync.code(), sync.toString());
        assertTrue(Files.isRegularFile(copy.resolve(Layout.modelVersion("fraud", 3))), sync.toString());
        assertEquals(
                3,
                Files.list(copy.resolve("models/fraud/aliases/champion")).count()
                        + Files.list(copy.resolve("models/fraud/aliases/staging"))
                                .count());

        // a corrupt registry object is skipped with a warning, the rest is listed
        try (ObjectStore store = StoreUris.open(uri)) {
            store.putIfAbsent(Layout.modelVersion("fraud", 9), "{".getBytes(StandardCharsets.UTF_8));
        }
        Result warned = cli("list");
        assertEquals(0, warned.code(), warned.toString());
        assertTrue(warned.out().contains("fraud\t3\t3"), warned.toString());
        assertTrue(
                warned.err().contains("warning: skipped malformed object " + Layout.modelVersion("fraud", 9)),
                warned.toString());
    }

    /** A finished run of experiment fraud that read data/ and logged model.bin ("the exact weights"). */
    private String runWithModel() throws Exception {
        Path weights = Files.writeString(tmp.resolve("model.bin"), "the exact weights");
        try (Tracker t = Tracker.open(uri, TestTrackers.options(tmp.resolve("spill")))) {
            Run run = t.startRun("fraud");
            run.logInput(
                    "train",
                    Files.writeString(
                                    Files.createDirectories(tmp.resolve("data")).resolve("train.csv"), "x\n1\n")
                            .getParent()
                            .toString());
            run.logArtifact(weights, "model.bin");
            run.finish();
            return run.id();
        }
    }

    /**
     * Purging a run that made a model version is refused, naming the version and the flag; with the flag the run is
     * purged, and models show, lineage, the model_versions view and download say so or still work (FORMAT.md §12.11).
     */
    @Test
    void purgeOfARunWithAModelVersionNeedsTheFlagThenReadersSayPurged() throws Exception {
        uri = newStore(tmp);
        String runId = runWithModel();
        ok("register", "fraud", "--run", runId, "--artifact", "model.bin");
        String root = "--uri=" + uri;

        Result dry = Result.run(m -> m, root, "purge", runId, "--reason", "mistake");
        assertTrue(dry.out().contains("model version models:/fraud/1"), dry.toString());
        assertTrue(dry.out().contains("needs --model-versions-too"), dry.toString());
        Result refused = Result.run(m -> m, root, "purge", runId, "--reason", "mistake", "--yes");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("models:/fraud/1"), refused.toString());
        assertTrue(refused.err().contains("--model-versions-too"), refused.toString());
        assertTrue(keys().stream().noneMatch(k -> k.startsWith(Layout.AUDIT)), "a refused purge writes nothing");

        Result purged =
                Result.run(m -> m, root, "purge", runId, "--reason", "mistake", "--yes", "--model-versions-too");
        assertEquals(0, purged.code(), purged.toString());
        String audit = keys().stream()
                .filter(k -> k.startsWith(Layout.AUDIT) && !k.endsWith(".completed.json"))
                .findFirst()
                .orElseThrow();

        assertTrue(ok("show", "fraud").out().contains(runId + " (purged: " + audit + ")"));
        String version = ok("show", "models:/fraud/1").out();
        assertTrue(version.contains("purged, see " + audit), version);
        Result lineage = Result.run(m -> m, root, "lineage", "models:/fraud/1");
        assertEquals(0, lineage.code(), lineage.toString());
        assertTrue(lineage.out().contains("run " + runId + " was purged (" + audit + ")"), lineage.toString());
        Result sql = Result.run(
                m -> m,
                "sql",
                root,
                "--cache-dir",
                tmp.resolve("cache").toString(),
                "--format",
                "csv",
                "SELECT version, run_status, run_purged_by FROM model_versions");
        assertEquals(0, sql.code(), sql.toString());
        assertTrue(sql.out().contains("1,," + audit), sql.toString());
        Path out = Files.createDirectories(tmp.resolve("out"));
        ok("download", "models:/fraud/1", out.toString());
        assertEquals("the exact weights", Files.readString(out.resolve("model.bin")), "the bytes are kept");
    }

    private List<String> keys() {
        try (ObjectStore store = StoreUris.open(uri)) {
            return store.list("").stream().map(ObjectInfo::key).toList();
        }
    }
}
