package io.runlake.functions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier-0 compaction sorts run by run ({@link RunSortedWriter}) instead of with one global DuckDB sort: its file must
 * hold exactly the raw shards' points in exactly the order FORMAT.md §12.4 gives — {@code ORDER BY run_id, key, step,
 * worker, timestamp}, ties in shard key then row order — as DuckDB computes it from the raw shards.
 */
class RunSortedCompactionTest {
    private static final String EXPERIMENT = "run-sorted";
    private static final String COLUMNS =
            "run_id, worker, key, step, epoch_us(timestamp) AS ts, CAST(value AS VARCHAR)";

    @TempDir
    Path tmp;

    @Test
    void compactedFileIsTheRawShardsInSpecOrder() throws Exception {
        Path root = tmp.resolve("store");
        logAwkwardRuns(root);
        List<Path> shards = parquetUnder(root.resolve("runs"));
        assertTrue(shards.size() >= 10, "several shards per run, got " + shards.size());
        CompactorOptions options = CompactorOptions.defaults()
                .withWorkDir(tmp.resolve("work"))
                .withMemory("256MB", 1)
                .withFiles(128L << 20, 8, 1_000) // row groups of 1,000 rows: several, cut inside runs
                .withGrace(Duration.ofHours(1), Duration.ofHours(1)); // keep the shards to compare with
        try (ObjectStore store = new FileObjectStore(root)) {
            Compactor.Result r = new Compactor(store, options).compact(EXPERIMENT);
            assertEquals(shards.size(), r.shardsCompacted());
        }
        List<Path> lake = parquetUnder(root.resolve("lake/metrics"));
        assertEquals(1, lake.size());
        Path file = lake.get(0);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone='UTC'");
            List<String> expected = rows(
                    st,
                    "SELECT " + COLUMNS + " FROM read_parquet(" + Duck.files(shards)
                            + ", filename = true, file_row_number = true, hive_partitioning = false)"
                            + " ORDER BY run_id, key, step, worker, timestamp, filename, file_row_number");
            List<String> actual = rows(
                    st,
                    "SELECT " + COLUMNS + " FROM read_parquet(" + Duck.lit(file.toString())
                            + ", file_row_number = true) ORDER BY file_row_number");
            assertEquals(expected.size(), actual.size(), "points");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), "row " + i);
            }
            // the run-by-run writer wrote it, not the DuckDB fallback (which would also pass the comparison)
            assertEquals(
                    List.of("parquet-mr|"),
                    rows(
                            st,
                            "SELECT DISTINCT split_part(created_by, ' ', 1) FROM parquet_file_metadata("
                                    + Duck.lit(file.toString()) + ")"));
            assertEquals(
                    List.of((expected.size() + 999) / 1_000 + "|"),
                    rows(
                            st,
                            "SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + Duck.lit(file.toString())
                                    + ")"),
                    "row groups of 1,000 rows");
            // each row group's statistics are its rows' (readers skip row groups by them, e.g. by run_id)
            for (String column : List.of("run_id", "key", "worker", "step")) {
                assertEquals(
                        rows(
                                st,
                                "SELECT file_row_number // 1000, min(" + column + ")::VARCHAR, max(" + column
                                        + ")::VARCHAR FROM read_parquet(" + Duck.lit(file.toString())
                                        + ", file_row_number = true) GROUP BY 1 ORDER BY 1"),
                        rows(
                                st,
                                "SELECT row_group_id, stats_min_value, stats_max_value FROM parquet_metadata("
                                        + Duck.lit(file.toString()) + ") WHERE path_in_schema = '" + column
                                        + "' ORDER BY 1"),
                        column + " statistics");
            }
        }
    }

    /**
     * Three runs with what a sort can get wrong: two workers logging the same steps, keys whose byte order differs
     * from their logging order (upper case, non-ASCII, '/'), steps logged backwards, repeated steps, NaN, -0.0 and
     * infinities, and shards cut in the middle of it all.
     */
    private void logAwkwardRuns(Path root) throws Exception {
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(tmp.resolve("spill"))
                .withHeartbeatInterval(Duration.ofHours(1))
                .withShutdownHook(false);
        String[] keys = {"loss", "Loss", "é/acc", "acc", "a/b"};
        double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        try (Tracker tracker = Tracker.open(root.toUri(), options)) {
            List<Run> runs = new ArrayList<>();
            for (int r = 0; r < 3; r++)
                runs.add(tracker.newRun(EXPERIMENT).name("r" + r).start());
            Run worker1 = tracker.joinRun(runs.get(0).id(), 1);
            List<Run> writers = new ArrayList<>(runs);
            writers.add(worker1);
            for (int i = 0; i < 2_000; i++) {
                for (int w = 0; w < writers.size(); w++) {
                    Run run = writers.get(w);
                    String key = keys[(i + w) % keys.length];
                    long step = i % 97 == 0 ? 2_000 - i : i / 3; // backwards now and then, each step thrice
                    double value = i % 50 == 0 ? specials[(i / 50) % specials.length] : Math.sin(i * (w + 1));
                    run.log(key, value, step);
                }
                if (i % 300 == 299) {
                    for (Run run : writers) run.flush();
                }
            }
            worker1.finish();
            for (Run run : runs) run.finish();
        }
    }

    private static List<String> rows(Statement st, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(rs.getString(i)).append('|');
                out.add(b.toString());
            }
        }
        return out;
    }

    private static List<Path> parquetUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }
}
