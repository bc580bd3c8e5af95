package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.Maintenance;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.report.Direction;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One malformed object never breaks queries of other runs or experiments (FORMAT.md §11, §12.6): corrupt JSON
 * (truncated, not JSON, wrong types, fields that disagree with the key, unpaired surrogates, two values) and
 * corrupt shards (truncated, corrupt data pages behind valid magic bytes and footer, rows of another run) are
 * each skipped with one problem naming the object's key; every other run and experiment reads exactly, before
 * and after maintenance, which quarantines them and keeps going.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MalformedObjectsSuite {
    static final String W = "01aaaaaaaaaaaaaaaaaaaaaaaa",
            W2 = "01bbbbbbbbbbbbbbbbbbbbbbbb",
            W3 = "01cccccccccccccccccccccccc";

    Path tmp;
    URI uri;
    String g1, g2, o1, b1, b2;
    /** poisoned key → what it is */
    final Map<String, String> poison = new LinkedHashMap<>();

    Map<String, Object> expected;

    abstract URI newStore(Path tmp) throws Exception;

    @BeforeAll
    void writeGoodRunsAndPoison() throws Exception {
        tmp = Files.createTempDirectory("runlake-malformed-");
        uri = newStore(tmp);
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofHours(1))
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            Run r = t.newRun("good").name("g1").param("lr", 0.1).tag("t", "a").start();
            for (int s = 0; s < 10; s++) r.log("loss", 1.0 / (s + 1), s);
            r.finish();
            g1 = r.id();
            r = t.newRun("good").name("g2").param("lr", 0.2).start();
            for (int s = 0; s < 5; s++) r.log("loss", 2.0 / (s + 1), s);
            r.finish();
            g2 = r.id();
            r = t.newRun("other").name("o1").start();
            for (int s = 0; s < 3; s++) r.log("acc", s / 3.0, s);
            r.finish();
            o1 = r.id();
            r = t.newRun("bad").name("b1").tag("t", "b").start();
            for (int s = 0; s < 10; s++) r.log("loss", s, s);
            r.flush();
            Random random = new Random(7);
            for (int s = 0; s < 20_000; s++) r.log("noise", random.nextDouble(), s);
            r.finish();
            b1 = r.id();
            r = t.newRun("bad").name("b2").start();
            for (int s = 0; s < 3; s++) r.log("loss", 10 + s, s);
            r.finish();
            b2 = r.id();
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            String ev = "{\"format_version\":1,\"kind\":\"tags\",\"experiment\":\"bad\",\"run_id\":\"" + b1
                    + "\",\"worker\":0,\"writer_id\":\"" + W + "\",";
            putJson(store, Layout.event("bad", b1, 0, W, 10), "truncated JSON", ev);
            putJson(store, Layout.event("bad", b1, 0, W, 11), "not JSON", "hello, world");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 12),
                    "time_ms of the wrong type",
                    ev + "\"time_ms\":\"yesterday\",\"tags\":{\"t\":\"x\"}}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 13),
                    "tags of the wrong type",
                    ev + "\"time_ms\":1795687487395,\"tags\":[\"t\",\"x\"]}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 14),
                    "experiment field of another experiment",
                    ev.replace("\"experiment\":\"bad\"", "\"experiment\":\"good\"")
                            + "\"time_ms\":1795687487395,\"tags\":{\"t\":\"x\"}}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 15),
                    "run_id field of another run",
                    ev.replace(b1, b2) + "\"time_ms\":1795687487395,\"tags\":{\"t\":\"x\"}}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 16),
                    "unpaired surrogate",
                    ev + "\"time_ms\":1795687487395,\"tags\":{\"t\":\"\\ud800\"}}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 17),
                    "two JSON values",
                    ev + "\"time_ms\":1795687487395,\"tags\":{\"t\":\"x\"}}" + ev
                            + "\"time_ms\":1795687487396,\"tags\":{\"t\":\"y\"}}");
            putJson(
                    store,
                    Layout.event("bad", b1, 0, W, 18),
                    "time out of range",
                    ev + "\"time_ms\":" + Long.MAX_VALUE + ",\"tags\":{\"t\":\"x\"}}");
            putJson(
                    store,
                    Layout.endManifest("bad", b1, 0, W2),
                    "unknown status",
                    "{\"format_version\":1,\"kind\":\"run_end\",\"experiment\":\"bad\",\"run_id\":\"" + b1
                            + "\",\"worker\":0,\"writer_id\":\"" + W2
                            + "\",\"status\":\"5\",\"end_time_ms\":1795687487395,\"points_logged\":0,\"points_dropped\":0,\"shards_written\":0}");
            putJson(
                    store,
                    Layout.workerManifest("bad", b1, 1, W3),
                    "worker field disagrees with the key",
                    "{\"format_version\":1,\"kind\":\"worker_start\",\"experiment\":\"bad\",\"run_id\":\"" + b1
                            + "\",\"worker\":2,\"writer_id\":\"" + W3
                            + "\",\"start_time_ms\":1795687487395,\"environment\":{}}");
            // shards: the big real shard of b1 (20,000 points), truncated and with a corrupt data page
            ObjectInfo big = store.list(Layout.runPrefix("bad", b1) + "metrics/").stream()
                    .max((x, y) -> Long.compare(x.size(), y.size()))
                    .orElseThrow();
            byte[] bytes = store.get(big.key()).orElseThrow();
            String truncated = Layout.metricShard("bad", b1, 0, W, 20);
            store.putIfAbsent(truncated, Arrays.copyOf(bytes, bytes.length / 2));
            poison.put(truncated, "truncated shard");
            String corrupt = Layout.metricShard("bad", b1, 0, W, 21);
            store.putIfAbsent(corrupt, corruptDataPage(bytes, tmp.resolve("probe.parquet")));
            poison.put(corrupt, "corrupt data page, valid magic and footer");
            // a well-formed shard under b1's key whose rows say they are b2's
            Path foreign = tmp.resolve("foreign.parquet");
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = c.createStatement()) {
                st.execute(
                        "COPY (SELECT '" + b2 + "' AS run_id, 0::INTEGER AS worker, 'loss' AS key, 99::BIGINT AS step, "
                                + "TIMESTAMPTZ '2026-01-01 00:00:00+00' AS timestamp, 1000.0::DOUBLE AS value) TO "
                                + Lakes.lit(foreign) + " (FORMAT parquet)");
            }
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            String foreignKey = Layout.metricShard("bad", b1, 0, W, 22);
            store.putIfAbsent(foreignKey, Files.readAllBytes(tmp.resolve("foreign.parquet")));
            poison.put(foreignKey, "rows of another run");
        }
    }

    private void putJson(ObjectStore store, String key, String what, String json) {
        assertTrue(store.putIfAbsent(key, json.getBytes(StandardCharsets.UTF_8)));
        poison.put(key, what);
    }

    /**
     * The shard with the header of one data page overwritten (its page data, if it is stored raw, would change values
     * silently); magic bytes and footer untouched; DuckDB cannot read it.
     */
    private static byte[] corruptDataPage(byte[] shard, Path probe) throws Exception {
        Files.write(probe, shard);
        List<Long> pages = new ArrayList<>();
        for (List<Object> r : Lakes.query(
                "SELECT data_page_offset FROM parquet_metadata(" + Lakes.lit(probe) + ") ORDER BY column_id DESC")) {
            pages.add(((Number) r.get(0)).longValue());
        }
        for (long at : pages) {
            byte[] bad = shard.clone();
            Arrays.fill(bad, (int) at, (int) at + 16, (byte) 0xA5);
            Files.write(probe, bad);
            try {
                Lakes.query("SELECT sum(hash(run_id, worker, key, step, timestamp, value)) FROM read_parquet("
                        + Lakes.lit(probe) + ")");
            } catch (IllegalStateException unreadable) {
                assertEquals("PAR1", new String(Arrays.copyOfRange(bad, 0, 4), StandardCharsets.US_ASCII));
                assertEquals(
                        "PAR1",
                        new String(Arrays.copyOfRange(bad, bad.length - 4, bad.length), StandardCharsets.US_ASCII));
                // the footer still parses: the schema is readable, only the data is not
                assertEquals(
                        6L,
                        ((Number) Lakes.scalar("SELECT count(*) FROM parquet_schema(" + Lakes.lit(probe)
                                        + ") WHERE name IN ('run_id', 'worker', 'key', 'step', 'timestamp', 'value')"))
                                .longValue());
                return bad;
            }
        }
        throw new AssertionError("no corrupt data page header made the shard unreadable: " + pages);
    }

    /** Every answer about the good data, exactly. */
    private static Map<String, Object> answers(Lake lake, String b1, String b2) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("experiments", lake.experiments());
        a.put(
                "runs",
                lake.sql("SELECT experiment, run_id, name, status, params, tags FROM runs ORDER BY run_id")
                        .rows());
        a.put(
                "metrics",
                lake.sql(
                                "SELECT experiment, run_id, key, count(*), round(sum(value), 6), max(step) FROM metrics GROUP BY ALL ORDER BY ALL")
                        .rows());
        a.put(
                "summary",
                lake.sql("SELECT run_id, key, last_value, points FROM metric_summary ORDER BY ALL")
                        .rows());
        a.put(
                "b2 tags",
                lake.sql("SELECT key, value FROM tags WHERE run_id = '" + b2 + "'")
                        .rows());
        a.put("b1 history", lake.history(b1, "loss", 0).points().size());
        a.put(
                "leaderboard",
                lake.leaderboard("good", "loss", Direction.MIN, 5, null).rows().stream()
                        .map(r -> r.get(1))
                        .toList());
        return a;
    }

    @Test
    void eachMalformedObjectIsSkippedWithOneWarningNamingItsKeyAndEverythingElseReadsExactly() throws Exception {
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache-raw")))) {
            List<String> problems = lake.problems();
            for (Map.Entry<String, String> p : poison.entrySet()) {
                List<String> naming =
                        problems.stream().filter(m -> m.contains(p.getKey())).toList();
                assertEquals(
                        1,
                        naming.size(),
                        p.getValue() + ": one warning names " + p.getKey() + "; problems: " + problems);
            }
            assertEquals(poison.size(), problems.size(), "one warning per bad object, nothing else: " + problems);
            for (String m : problems)
                assertFalse(m.contains(tmp.toString()), "warnings name keys, not local paths: " + m);
            Map<String, Object> a = answers(lake, b1, b2);
            assertEquals(List.of("bad", "good", "other"), a.get("experiments"));
            double noise = 0, l1 = 0, l2 = 0;
            Random random = new Random(7);
            for (int i = 0; i < 20_000; i++) noise += random.nextDouble();
            for (int i = 0; i < 10; i++) l1 += 1.0 / (i + 1);
            for (int i = 0; i < 5; i++) l2 += 2.0 / (i + 1);
            List<List<Object>> points = new ArrayList<>(List.of(
                    List.of("bad", b1, "loss", 10L, 45.0, 9L),
                            List.of("bad", b1, "noise", 20_000L, round(noise), 19_999L),
                    List.of("bad", b2, "loss", 3L, 33.0, 2L), List.of("good", g1, "loss", 10L, round(l1), 9L),
                    List.of("good", g2, "loss", 5L, round(l2), 4L), List.of("other", o1, "acc", 3L, 1.0, 2L)));
            assertEquals(points, a.get("metrics"), "exact points: nothing of the shard with b2's rows leaks into b2");
            assertEquals(List.of(), a.get("b2 tags"), "the event whose run_id says b2 is not b2's");
            Map<Object, List<Object>> runs = new TreeMap<>();
            for (List<Object> r :
                    lake.sql("SELECT run_id, status, tags FROM runs").rows())
                runs.put(r.get(0), List.of(r.get(1), r.get(2)));
            assertEquals(
                    Map.of(
                            b1,
                            List.of("FINISHED", Map.of("t", "b")),
                            b2,
                            List.of("FINISHED", Map.of()),
                            g1,
                            List.of("FINISHED", Map.of("t", "a")),
                            g2,
                            List.of("FINISHED", Map.of()),
                            o1,
                            List.of("FINISHED", Map.of())),
                    runs);
            assertEquals(10, a.get("b1 history"));
            assertEquals(List.of(g1, g2), a.get("leaderboard"));
            expected = a;
            // plain DuckDB over the printed views skips the same objects
            if (uri.getScheme().equals("file")) {
                String views = Lake.viewDefinitions(Path.of(uri));
                for (String key : poison.keySet()) assertTrue(views.contains("-- skipped: skipped " + key), key);
            }
        }
        // Maintenance quarantines every bad object and compacts and indexes everything else.
        MaintenanceOptions mo = MaintenanceOptions.defaults().withWorkDir(tmp.resolve("work"));
        try (ObjectStore store = StoreUris.open(uri)) {
            Compactor.Result c = new Compactor(store, mo.compactor()).compact("bad");
            assertEquals(3, c.quarantined(), "the three bad shards: " + c);
            Indexer.Result ir = new Indexer(store, mo.indexer()).index("bad");
            assertEquals(poison.size() - 3, ir.quarantined(), "the bad JSON objects: " + ir);
            LakeSnapshot snap = LakeSnapshot.load(store, "bad");
            for (String key : poison.keySet()) {
                assertTrue(snap.isQuarantined(key), key + " is quarantined");
                assertTrue(
                        snap.quarantined().get(key).error().contains(key),
                        "the recorded error names the object: "
                                + snap.quarantined().get(key));
            }
            assertEquals(0, LakeView.load(store, "bad").uncoveredShards().size(), "every good shard is compacted");
            for (String e : List.of("good", "other")) Maintenance.runExperiment(store, e, mo, Instant.MAX, true);
        }
        for (Duration margin : List.of(Duration.ofMinutes(10), Duration.ZERO)) {
            try (Lake lake = Lake.open(
                    uri,
                    LakeOptions.defaults()
                            .withCacheDir(tmp.resolve("cache-" + margin.toMinutes()))
                            .withIndexMargin(margin))) {
                assertEquals(List.of(), lake.problems(), "quarantined objects are skipped silently");
                assertEquals(expected, answers(lake, b1, b2), "index margin " + margin);
            }
        }
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
