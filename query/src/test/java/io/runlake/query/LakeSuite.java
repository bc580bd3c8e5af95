package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.report.Direction;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The query library against a real store written by the real client; subclasses pick file: or S3 (S3Proxy). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LakeSuite {
    static final String EXP = "sweep";
    static final String OTHER = "my exp/v2";

    Path tmp;

    URI uri;
    String parentId;
    final List<String> children = new ArrayList<>();
    String failedId;
    Path model;
    Path dataset;
    String longRun;

    abstract URI newStore(Path tmp) throws Exception;

    LakeOptions options() {
        return LakeOptions.defaults().withCacheDir(tmp.resolve("cache"));
    }

    Lake open() {
        return Lake.open(uri, options());
    }

    /** Compaction that deletes covered shards at once (no grace), in {@code workDir}. */
    static CompactorOptions compactNow(Path workDir) {
        return CompactorOptions.defaults().withWorkDir(workDir).withGrace(Duration.ZERO, Duration.ofHours(1));
    }

    static Tracker tracker(URI uri, Path tmp) {
        return Tracker.open(uri, trackerOptions(tmp.resolve("spill")));
    }

    /** Quick flushes, no hooks, no code capture, no system metrics; spilling into {@code spill}. */
    static TrackerOptions trackerOptions(Path spill) {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    @BeforeAll
    void writeLake() throws Exception {
        tmp = Files.createTempDirectory("runlake-query-");
        uri = newStore(tmp);
        model = tmp.resolve("model.bin");
        Files.writeString(model, "weights of the best model");
        dataset = tmp.resolve("spirals.csv");
        Files.writeString(dataset, "x,y,label\n1,2,0\n3,4,1\n");
        try (Tracker t = tracker(uri, tmp)) {
            Run parent = t.newRun(EXP).name("sweep-parent").param("trials", 3).start();
            parentId = parent.id();
            double[] lrs = {0.1, 0.01, 0.001};
            for (int i = 0; i < lrs.length; i++) {
                Run r = t.newRun(EXP)
                        .name("trial-" + i)
                        .param("lr", lrs[i])
                        .param("layers", 2)
                        .param("optimizer", "adam")
                        .tag("stage", "draft")
                        .parent(parentId)
                        .start();
                r.logInput("spirals", dataset.toString(), "train");
                for (int s = 0; s < 50; s++) {
                    r.log("loss", 1.0 / (s + 1) + i * 0.1, s);
                    r.log("val_loss", 2.0 / (s + 1) + i * 0.05, s);
                }
                r.setTag("stage", "done");
                if (i == 1) r.logArtifact(model);
                r.finish();
                children.add(r.id());
            }
            Run failed = t.newRun(EXP)
                    .name("diverged")
                    .param("lr", 5.0)
                    .param("layers", 2)
                    .param("optimizer", "adam")
                    .parent(parentId)
                    .start();
            failed.log("loss", Double.NaN, 0);
            failed.log("val_loss", Double.NaN, 0);
            failed.fail(new IllegalStateException("loss is NaN"));
            failedId = failed.id();
            Run long1 = t.newRun(OTHER).name("long").param("lr", 0.5).start();
            for (int s = 0; s < 4000; s++) long1.log("acc", Math.sin(s / 300.0) + (s == 2222 ? 5 : 0), s);
            long1.finish();
            longRun = long1.id();
            parent.finish();
        }
    }

    @Test
    void runsShowStatusParamsAndLatestTags() {
        try (Lake lake = open()) {
            Table runs = lake.sql(
                    "SELECT run_id, status, name, parent_run_id, tags['stage'] AS stage FROM runs ORDER BY name");
            assertEquals(6, runs.size(), runs.toString());
            Table failed = lake.sql("SELECT status, error FROM runs WHERE run_id = '" + failedId + "'");
            assertEquals("FAILED", failed.get(0, "status"));
            assertTrue(String.valueOf(failed.get(0, "error")).contains("loss is NaN"));
            Table t0 =
                    lake.sql("SELECT status, parent_run_id, tags['stage'] AS stage FROM runs WHERE name = 'trial-0'");
            assertEquals("FINISHED", t0.get(0, "status"));
            assertEquals(parentId, t0.get(0, "parent_run_id"));
            assertEquals("done", t0.get(0, "stage"));
            Table p = lake.sql("SELECT value, value_num, type FROM params WHERE run_id = '" + children.get(1)
                    + "' AND key = 'lr'");
            assertEquals(0.01, (Double) p.get(0, "value_num"), 1e-12);
            assertEquals("double", p.get(0, "type"));
            assertEquals(
                    "varchar",
                    lake.sql("SELECT type FROM params WHERE key = 'optimizer' LIMIT 1")
                            .get(0, "type"));
            Table exps = lake.experimentsTable();
            assertEquals(List.of(OTHER, EXP), lake.experiments());
            assertEquals(2, exps.size());
            assertTrue(lake.problems().isEmpty(), lake.problems().toString());
        }
    }

    @Test
    void metricsHaveEveryPointOnce() {
        try (Lake lake = open()) {
            assertEquals(
                    3L * 100 + 2 + 4000,
                    ((Number) lake.sql("SELECT count(*) FROM metrics").get(0, "count_star()")).longValue());
            Table t = lake.sql(
                    "SELECT experiment, key, count(*) AS n FROM metrics WHERE run_id = '" + longRun + "' GROUP BY ALL");
            assertEquals(OTHER, t.get(0, "experiment"));
            assertEquals(4000L, ((Number) t.get(0, "n")).longValue());
        }
    }

    @Test
    void runsFilterTranslatesParamsAndRejectsGarbage() {
        try (Lake lake = open()) {
            Table t = lake.runs(EXP, "params.lr < 0.05 and status = 'FINISHED'", 0);
            assertEquals(2, t.size(), t.toString());
            assertEquals(
                    1,
                    lake.runs(EXP, "params.optimizer = 'adam' and params.lr > 1", 0)
                            .size());
            assertEquals(3, lake.runs(null, "tags.stage = 'done'", 0).size());
            QueryException e = assertThrows(QueryException.class, () -> lake.runs(EXP, "params.lr <<< 3", 0));
            assertTrue(e.getMessage().startsWith("malformed filter 'params.lr <<< 3'"), e.getMessage());
        }
    }

    @Test
    void leaderboardCompareAndHistory() {
        try (Lake lake = open()) {
            Table lb = lake.leaderboard(EXP, "val_loss", Direction.MIN, 10, null);
            assertEquals(3, lb.size(), lb.toString());
            assertEquals(children.get(0), lb.get(0, "run_id"));
            assertEquals(children.get(2), lb.get(2, "run_id"));
            assertFalse(lb.rows().stream().anyMatch(r -> failedId.equals(r.get(1))), "FAILED runs are not ranked");
            Table top1 = lake.leaderboard(EXP, "val_loss", Direction.MAX, 1, "params.lr < 0.05");
            assertEquals(children.get(2), top1.get(0, "run_id"));

            Table cmp = lake.compare(List.of(children.get(0), children.get(2)), List.of("val_loss"));
            List<Object> fields = cmp.rows().stream().map(r -> r.get(0)).toList();
            assertTrue(fields.contains("params.lr"), fields.toString());
            assertTrue(!fields.contains("params.optimizer"), "equal params are not shown: " + fields);
            assertTrue(fields.contains("val_loss (last)"));

            History h = lake.history(longRun, "acc", 200);
            assertEquals(4000, h.totalPoints());
            // at most 200; at least two of every bucket's four points, in at least two thirds of the 50 buckets asked
            // for (FORMAT.md §12.4.1: bucket widths 1, 2, 3, 4, 6, 8, ...)
            assertTrue(
                    h.points().size() <= 200 && h.points().size() >= 2 * 50 * 2 / 3,
                    "points: " + h.points().size());
            assertEquals(0, h.points().get(0).step());
            assertEquals(3999, h.points().get(h.points().size() - 1).step());
            assertTrue(h.points().stream().anyMatch(p -> p.step() == 2222), "the spike survives downsampling");
            assertEquals(4000, lake.history(longRun, "acc", 0).points().size());
        }
    }

    @Test
    void badInputErrorsNameWhatWasWrong() {
        try (Lake lake = open()) {
            assertEquals(
                    "unknown experiment 'nope' (experiments: my exp/v2, sweep)",
                    assertThrows(QueryException.class, () -> lake.leaderboard("nope", "loss", Direction.MIN, 5, null))
                            .getMessage());
            assertEquals(
                    "experiment 'sweep' has no metric 'accuracy' (metrics: loss, val_loss)",
                    assertThrows(QueryException.class, () -> lake.leaderboard(EXP, "accuracy", Direction.MIN, 5, null))
                            .getMessage());
            assertEquals(
                    "unknown run '01zzzzzzzzzzzzzzzzzzzzzzzz'",
                    assertThrows(QueryException.class, () -> lake.show("01zzzzzzzzzzzzzzzzzzzzzzzz"))
                            .getMessage());
            assertTrue(assertThrows(QueryException.class, () -> lake.history(longRun, "loss", 10))
                    .getMessage()
                    .startsWith("run " + longRun + " has no metric 'loss' (metrics: acc)"));
            String sqlError = assertThrows(QueryException.class, () -> lake.sql("SELEKT 1"))
                    .getMessage();
            assertTrue(
                    sqlError.startsWith("SQL error: ") && sqlError.contains("SELEKT") && !sqlError.contains("\n"),
                    sqlError);
            assertTrue(assertThrows(QueryException.class, () -> lake.sql("SELECT nope FROM runs"))
                    .getMessage()
                    .contains("nope"));
            assertEquals(
                    "unknown direction 'up': use min or max",
                    assertThrows(IllegalArgumentException.class, () -> Direction.parse("up"))
                            .getMessage());
        }
    }

    @Test
    void lineageFromModelFileAndDataset() {
        try (Lake lake = open()) {
            Lineage l = lake.lineage(model.toString());
            assertEquals(1, l.producedBy().size());
            Lineage.RunInfo r = l.producedBy().get(0);
            assertEquals(children.get(1), r.runId());
            assertEquals(0.01, ((Number) r.params().get("lr")).doubleValue(), 1e-12);
            assertEquals(1, r.inputs().size());
            assertEquals("train", r.inputs().get(0).get("role"));
            assertEquals(parentId, r.parent().get("run_id"));
            assertEquals("sweep-parent", r.parent().get("name"));
            assertNotNull(r.environment().get("java_version"));
            String dataSha = (String) r.inputs().get(0).get("sha256");
            Lineage d = lake.lineage(dataSha);
            assertEquals(3, d.usedBy().size(), d.toJson());
            assertTrue(l.toJson().contains("\"produced_by\""));
            assertTrue(l.toTable().size() > 5);
            assertEquals(
                    "no run produced or used sha256 " + "0".repeat(64),
                    assertThrows(QueryException.class, () -> lake.lineage("0".repeat(64)))
                            .getMessage());
            assertEquals(
                    "'/no/such/file.bin' is not a run id, a SHA-256 or an existing file",
                    assertThrows(QueryException.class, () -> lake.lineage("/no/such/file.bin"))
                            .getMessage());
        }
    }

    @Test
    void exportsAndArrow() throws Exception {
        try (Lake lake = open()) {
            Path pq = tmp.resolve("lb.parquet");
            lake.exportParquet("SELECT run_id, key, step, value FROM metrics WHERE experiment = 'sweep'", pq);
            Table back = lake.sql("SELECT count(*) AS n FROM read_parquet('" + pq + "')");
            assertEquals(302L, ((Number) back.get(0, "n")).longValue());
            Table t = lake.sql("SELECT name, status FROM runs WHERE experiment = 'sweep' ORDER BY name");
            assertTrue(t.toCsv().startsWith("name,status\ndiverged,FAILED\n"), t.toCsv());
            assertTrue(t.toJson().contains("\"status\" : \"FAILED\""), t.toJson());
            try (var alloc = new RootAllocator();
                    var reader = lake.arrow(
                            "SELECT step, value FROM metrics WHERE run_id = '" + longRun + "'", alloc, 1024)) {
                long rows = 0;
                while (reader.loadNextBatch())
                    rows += reader.getVectorSchemaRoot().getRowCount();
                assertEquals(4000, rows);
            }
        }
    }

    @Test
    void corruptObjectsAreSkippedAndReported() throws Exception {
        URI u = newStore(tmp.resolve("corrupt"));
        String id;
        try (Tracker t = tracker(u, tmp.resolve("corrupt-client"))) {
            Run r = t.newRun("c").name("ok").param("lr", 1).start();
            for (int s = 0; s < 10; s++) r.log("loss", s, s);
            r.finish();
            id = r.id();
        }
        String writer = "01aaaaaaaaaaaaaaaaaaaaaaaa";
        try (ObjectStore store = StoreUris.open(u)) {
            store.putIfAbsent(
                    Layout.metricShard("c", id, 0, writer, 7), "PAR1 half written".getBytes(StandardCharsets.UTF_8));
            store.putIfAbsent(
                    Layout.event("c", id, 0, writer, 8),
                    "{\"format_version\":1,\"kind\":\"tags\",".getBytes(StandardCharsets.UTF_8));
        }
        try (Lake lake = Lake.open(u, LakeOptions.defaults().withCacheDir(tmp.resolve("corrupt-cache")))) {
            assertEquals(
                    10L, ((Number) lake.sql("SELECT count(*) AS n FROM metrics").get(0, "n")).longValue());
            assertEquals(2, lake.problems().size(), lake.problems().toString());
            assertTrue(
                    lake.problems().stream()
                            .anyMatch(p -> p.contains("metrics/w00000-" + writer + "-00000007.parquet")
                                    && p.contains("Parquet")),
                    lake.problems().toString());
            assertTrue(
                    lake.problems().stream().anyMatch(p -> p.contains("events/w00000-" + writer + "-00000008.json")),
                    lake.problems().toString());
            assertEquals("FINISHED", lake.sql("SELECT status FROM runs").get(0, "status"));
        }
    }

    @Test
    void compactedAndIndexedLakeGivesTheSameAnswers() throws Exception {
        URI u = newStore(tmp.resolve("compact"));
        List<String> ids = new ArrayList<>();
        try (Tracker t = tracker(u, tmp.resolve("compact-client"))) {
            for (int i = 0; i < 4; i++) {
                Run r = t.newRun("c")
                        .name("r" + i)
                        .param("lr", 0.1 * (i + 1))
                        .tag("k", "v" + i)
                        .start();
                for (int s = 0; s < 30; s++) r.log("loss", 10.0 - s * 0.1 * (i + 1), s);
                r.flush();
                for (int s = 30; s < 60; s++) r.log("loss", 10.0 - s * 0.1 * (i + 1), s);
                r.finish();
                ids.add(r.id());
            }
        }
        LakeOptions opts = LakeOptions.defaults()
                .withCacheDir(tmp.resolve("compact-cache"))
                .withIndexMargin(Duration.ZERO);
        Table before;
        Table runsBefore;
        try (Lake lake = Lake.open(u, opts)) {
            before = lake.leaderboard("c", "loss", Direction.MIN, 10, null);
            runsBefore = lake.sql("SELECT run_id, status, name, params, tags FROM runs ORDER BY run_id");
            assertEquals(
                    240L,
                    ((Number) lake.sql("SELECT count(*) AS n FROM metrics").get(0, "n")).longValue());
        }
        try (ObjectStore store = StoreUris.open(u)) {
            Compactor.Result c = new Compactor(
                            store,
                            CompactorOptions.defaults()
                                    .withWorkDir(tmp.resolve("work"))
                                    .withGrace(Duration.ofMinutes(5), Duration.ofHours(1)))
                    .compact("c");
            assertTrue(c.shardsCompacted() > 0);
            // A new shard after compaction: it must be read raw, next to the compacted file.
            try (Tracker t = tracker(u, tmp.resolve("compact-client2"))) {
                Run late = t.newRun("c").name("late").param("lr", 9).start();
                late.log("loss", 0.5, 0);
                late.flush();
                late.finish();
            }
            try (Lake lake = Lake.open(u, opts)) {
                assertEquals(
                        241L,
                        ((Number) lake.sql("SELECT count(*) AS n FROM metrics").get(0, "n")).longValue());
            }
            new Indexer(store, IndexerOptions.defaults().withWorkDir(tmp.resolve("work"))).index("c");
        }
        try (Lake lake = Lake.open(u, opts)) {
            assertEquals(
                    241L,
                    ((Number) lake.sql("SELECT count(*) AS n FROM metrics").get(0, "n")).longValue());
            Table after = lake.leaderboard("c", "loss", Direction.MIN, 10, "params.lr < 5");
            assertEquals(
                    before.rows().stream().map(r -> r.subList(1, 7)).toList(),
                    after.rows().stream().map(r -> r.subList(1, 7)).toList());
            assertEquals(
                    runsBefore.rows(),
                    lake.sql("SELECT run_id, status, name, params, tags FROM runs WHERE name <> 'late' ORDER BY run_id")
                            .rows());
            assertTrue(
                    ((Number) lake.sql("SELECT count(*) AS n FROM runs WHERE source = 'index'")
                                            .get(0, "n"))
                                    .longValue()
                            >= 4,
                    lake.sql("SELECT name, source FROM runs").toString());
            assertEquals(
                    0.4,
                    ((Number) lake.sql("SELECT value_num FROM params WHERE key = 'lr' AND run_id = '" + ids.get(3)
                                            + "'")
                                    .get(0, "value_num"))
                            .doubleValue(),
                    1e-9);
        }
    }

    @Test
    void plainDuckDbWithPrintedViewsGivesTheSameAnswers() throws Exception {
        Path folder = tmp.resolve("synced");
        Lake.sync(uri, folder, false, Mirror.Progress.NONE);
        String views = Lake.viewDefinitions(folder);
        assertTrue(
                views.contains("read_parquet(")
                        && views.contains("read_json(")
                        && !views.contains("hive_partitioning = true"),
                views);
        assertEquals(
                views.split("read_parquet\\(|read_json\\(", -1).length - 1,
                views.split("hive_partitioning = false", -1).length - 1,
                "every read states its partitioning");
        List<String> queries = List.of(
                "SELECT run_id, name, status, params, tags FROM runs ORDER BY run_id",
                // a parallel sum adds in whatever order the threads finish (its last digits vary on a busy machine):
                // compensated and rounded, the same points give the same answer
                "SELECT experiment, run_id, key, count(*), round(fsum(value) FILTER (WHERE NOT isnan(value)), 9) FROM metrics GROUP BY ALL ORDER BY ALL",
                "SELECT run_id, key, last_value, min_value, max_value FROM metric_summary ORDER BY ALL",
                "SELECT run_id, key, value, value_num FROM params ORDER BY ALL",
                "SELECT run_id, name, sha256 FROM artifacts ORDER BY ALL",
                "SELECT run_id, name, role, sha256 FROM inputs ORDER BY ALL");
        try (Lake lake = open();
                Connection plain = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = plain.createStatement()) {
            for (String stmt : views.split(";\n")) if (!stmt.isBlank()) st.execute(stmt);
            for (String q : queries) {
                try (ResultSet rs = st.executeQuery(q)) {
                    Table mine = Table.of(rs);
                    assertEquals(lake.sql(q).rows().toString(), mine.rows().toString(), q);
                }
            }
        }
    }

    static Map<String, Object> unused() {
        return Map.of();
    }
}
