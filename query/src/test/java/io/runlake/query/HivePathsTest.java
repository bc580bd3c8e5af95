package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.functions.core.Reporter;
import io.runlake.functions.core.ReporterOptions;
import io.runlake.report.Leaderboard;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB infers Hive partitions from every {@code name=value} folder of a path unless told not to. The store,
 * the query cache and the maintenance work folder all sit below folders named like the lake's own columns
 * ({@code key=x}, {@code value=7}, {@code run_id=r}, {@code experiment=y}) with spaces, {@code %} and non-ASCII
 * characters: every point, key, run id and experiment must still read back exactly, raw, compacted, indexed,
 * ranked and through the printed plain-DuckDB views.
 */
class HivePathsTest {
    /** Folders above the store root that look like Hive partitions of the lake's columns. */
    static final String HIVE_LOOKING =
            "key=x/value=7/run_id=r/experiment=y/run=01aaaaaaaaaaaaaaaaaaaaaaaa/sp ace %41 ü";

    static final List<String> EXPERIMENTS = List.of("alpha", "b ü/%x");
    static final int RUNS = 2, STEPS = 80, PER_SHARD = 20;

    @TempDir
    Path tmp;

    /** One logged point: experiment, run id, key, step, value. */
    record Point(String experiment, String runId, String key, long step, double value) {
        String row() {
            return List.of(experiment, runId, key, step, value).toString();
        }
    }

    static double value(int e, int i, String key, long step) {
        return e * 1000 + ("loss".equals(key) ? 100 - step * (i + 1) * 0.5 : step * 0.25 * (i + 1));
    }

    static List<Point> write(URI uri, Path clientTmp) {
        List<Point> points = new ArrayList<>();
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofHours(1))
                        .withHeartbeatInterval(Duration.ofHours(1))
                        .withSpillRoot(clientTmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            for (int e = 0; e < EXPERIMENTS.size(); e++) {
                for (int i = 0; i < RUNS; i++) {
                    Run r = t.newRun(EXPERIMENTS.get(e))
                            .name("run-" + e + "-" + i)
                            .param("i", i)
                            .start();
                    for (long s = 0; s < STEPS; s++) {
                        for (String key : List.of("loss", "acc")) {
                            r.log(key, value(e, i, key, s), s);
                            points.add(new Point(EXPERIMENTS.get(e), r.id(), key, s, value(e, i, key, s)));
                        }
                        if ((s + 1) % PER_SHARD == 0) r.flush();
                    }
                    r.finish();
                }
            }
        }
        return points;
    }

    static List<String> sorted(List<String> rows) {
        List<String> out = new ArrayList<>(rows);
        out.sort(Comparator.naturalOrder());
        return out;
    }

    static List<String> expectedRows(List<Point> points) {
        return sorted(points.stream().map(Point::row).toList());
    }

    static final String POINTS = "SELECT experiment, run_id, key, step, value FROM metrics";

    static List<String> rows(Table t) {
        return sorted(t.rows().stream().map(Object::toString).toList());
    }

    /** Every point exactly, every run under its experiment, and the same through the printed views in plain DuckDB. */
    static void assertExact(Lake lake, List<Point> points, Path plainFolder) throws Exception {
        assertSameRows(expectedRows(points), rows(lake.sql(POINTS)), "metrics");
        assertEquals(
                sorted(points.stream()
                        .map(p -> List.of(p.experiment(), p.runId()).toString())
                        .distinct()
                        .toList()),
                rows(lake.sql("SELECT experiment, run_id FROM runs")));
        assertEquals(sorted(EXPERIMENTS), sorted(lake.experiments()));
        assertTrue(lake.problems().isEmpty(), lake.problems().toString());
        assertSameRows(expectedSummary(points), rows(lake.sql(SUMMARY)), "metric_summary");
        String views = Lake.viewDefinitions(plainFolder);
        try (Connection plain = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = plain.createStatement()) {
            for (String stmt : views.split(";\n")) if (!stmt.isBlank()) st.execute(stmt);
            try (ResultSet rs = st.executeQuery(POINTS)) {
                assertSameRows(expectedRows(points), rows(Table.of(rs)), "plain DuckDB over the printed views");
            }
        }
    }

    /** Equal lists, or a short message: sizes and the first row that differs. */
    static void assertSameRows(List<String> want, List<String> got, String what) {
        if (want.equals(got)) return;
        int i = 0;
        while (i < Math.min(want.size(), got.size()) && want.get(i).equals(got.get(i))) i++;
        throw new AssertionError(what + ": " + got.size() + " rows, expected " + want.size()
                + "; first difference at row " + i + ": expected " + (i < want.size() ? want.get(i) : "no row")
                + " but was " + (i < got.size() ? got.get(i) : "no row"));
    }

    static final String SUMMARY =
            "SELECT experiment, run_id, key, points, last_step, last_value, min_value, max_value FROM metric_summary";

    static List<String> expectedSummary(List<Point> points) {
        Map<List<String>, List<Point>> byKey = new TreeMap<>(Comparator.comparing(Object::toString));
        for (Point p : points)
            byKey.computeIfAbsent(List.of(p.experiment(), p.runId(), p.key()), k -> new ArrayList<>())
                    .add(p);
        List<String> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<Point>> e : byKey.entrySet()) {
            List<Point> ps = e.getValue();
            Point last = ps.stream().max(Comparator.comparingLong(Point::step)).orElseThrow();
            double min = ps.stream().mapToDouble(Point::value).min().orElseThrow();
            double max = ps.stream().mapToDouble(Point::value).max().orElseThrow();
            out.add(List.of(
                            e.getKey().get(0),
                            e.getKey().get(1),
                            e.getKey().get(2),
                            (long) ps.size(),
                            last.step(),
                            last.value(),
                            min,
                            max)
                    .toString());
        }
        return sorted(out);
    }

    /** Compacts (grace 0: raw shards deleted), indexes and ranks every experiment with the work folder given. */
    static void maintain(URI uri, Path work) {
        try (ObjectStore store = StoreUris.open(uri)) {
            for (String e : EXPERIMENTS) {
                Compactor.Result c = new Compactor(
                                store,
                                CompactorOptions.defaults()
                                        .withWorkDir(work)
                                        .withGrace(Duration.ZERO, Duration.ofHours(1)))
                        .compact(e);
                assertEquals(RUNS * (STEPS / PER_SHARD), c.shardsCompacted(), c.toString());
                assertEquals(RUNS * (STEPS / PER_SHARD), c.shardsDeleted(), c.toString());
                new Indexer(store, IndexerOptions.defaults().withWorkDir(work)).index(e);
            }
        }
    }

    /** The leaderboard by final loss names the real runs with their real last values. */
    static void assertReports(URI uri, Path work, List<Point> points) {
        try (ObjectStore store = StoreUris.open(uri)) {
            for (String e : EXPERIMENTS) {
                Reporter.Result r = new Reporter(
                                store,
                                ReporterOptions.defaults().withWorkDir(work).withMetric("loss", "min"))
                        .report(e);
                assertTrue(r.written(), r.toString());
                List<String> got = new ArrayList<>();
                for (Leaderboard.Leader l : r.leaderboard().leaders()) {
                    got.add(List.of(l.runId(), l.value(), l.step(), l.points()).toString());
                    assertEquals(STEPS, l.curve().size(), "curve of " + l.runId());
                }
                List<String> want = new ArrayList<>();
                points.stream()
                        .filter(p -> p.experiment().equals(e) && p.key().equals("loss") && p.step() == STEPS - 1)
                        .sorted(Comparator.comparingDouble(Point::value))
                        .forEach(p -> want.add(List.of(p.runId(), p.value(), p.step(), (long) STEPS)
                                .toString()));
                assertEquals(want, got, "leaderboard of " + e);
            }
        }
    }

    @Test
    void fileStoreCacheAndWorkFolderBelowHiveLookingFolders() throws Exception {
        Path base = Files.createDirectories(tmp.resolve(HIVE_LOOKING));
        Path root = Files.createDirectories(base.resolve("store"));
        URI uri = root.toUri();
        List<Point> points = write(uri, base);
        LakeOptions opts =
                LakeOptions.defaults().withCacheDir(base.resolve("cache")).withIndexMargin(Duration.ZERO);
        try (Lake lake = Lake.open(uri, opts)) {
            assertExact(lake, points, root);
        }
        maintain(uri, base.resolve("work"));
        try (Lake lake = Lake.open(uri, opts)) {
            assertEquals(
                    RUNS * EXPERIMENTS.size(),
                    ((Number) lake.sql("SELECT count(*) AS n FROM runs WHERE source = 'index'")
                                    .get(0, "n"))
                            .intValue(),
                    "every run is settled in the index");
            assertExact(lake, points, root);
            History h = lake.history(points.get(0).runId(), "loss", 0);
            assertEquals(
                    points.stream()
                            .filter(p -> p.runId().equals(points.get(0).runId())
                                    && p.key().equals("loss"))
                            .map(p -> p.step() + "=" + p.value())
                            .toList(),
                    h.points().stream().map(p -> p.step() + "=" + p.value()).toList());
        }
        assertReports(uri, base.resolve("work"), points);
    }

    @Test
    void s3StoreWithCacheSyncAndWorkFolderBelowHiveLookingFolders() throws Exception {
        Path base = Files.createDirectories(tmp.resolve(HIVE_LOOKING));
        URI uri = S3ProxyServer.shared().newBucketUri("hive-" + System.nanoTime() % 1_000_000, "lake");
        List<Point> points = write(uri, base);
        LakeOptions opts =
                LakeOptions.defaults().withCacheDir(base.resolve("cache")).withIndexMargin(Duration.ZERO);
        Path synced = base.resolve("synced");
        Lake.sync(uri, synced, false, Mirror.Progress.NONE);
        try (Lake lake = Lake.open(uri, opts)) {
            assertExact(lake, points, synced);
        }
        maintain(uri, base.resolve("work"));
        Lake.sync(uri, synced, false, Mirror.Progress.NONE);
        try (Lake lake = Lake.open(uri, opts)) {
            assertExact(lake, points, synced);
        }
        assertReports(uri, base.resolve("work"), points);
    }
}
