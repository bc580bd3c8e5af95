package io.runlake.functions.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.testing.ParquetEncodings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compacted lake files and the runs index use only encodings that every major reader decodes with its defaults
 * (FORMAT.md §12.4): DuckDB's Parquet V2 writer would byte-stream-split the doubles, which Spark's vectorized
 * reader cannot read.
 */
class PortableLakeFilesTest {
    private static final String EXPERIMENT = "portable";

    @TempDir
    Path tmp;

    @Test
    void compactedFilesAndRunsIndexUseOnlyEncodingsEveryEngineReads() throws Exception {
        Path root = tmp.resolve("store");
        logRandomRun(root);
        MaintenanceOptions options = MaintenanceOptions.defaults()
                .withWorkDir(tmp.resolve("work"))
                .withCompactor(CompactorOptions.defaults()
                        .withWorkDir(tmp.resolve("work"))
                        .withMemory("256MB", 1)
                        .withGrace(Duration.ZERO, Duration.ofHours(1)));
        try (ObjectStore store = new FileObjectStore(root)) {
            assertTrue(new Compactor(store, options.compactor())
                            .compact(EXPERIMENT)
                            .commits()
                    > 0);
            assertTrue(new Indexer(store, options.indexer()).index(EXPERIMENT).committed());
        }
        List<Path> metrics = parquetUnder(root.resolve("lake/metrics"));
        List<Path> index = parquetUnder(root.resolve("lake/runs"));
        ParquetEncodings.assertEveryEngineReads(metrics);
        ParquetEncodings.assertEveryEngineReads(index);
    }

    /** Random doubles: what a Parquet V2 writer byte-stream-splits when no dictionary fits. */
    private void logRandomRun(Path root) throws Exception {
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(tmp.resolve("spill"))
                .withHeartbeatInterval(Duration.ofHours(1))
                .withShutdownHook(false);
        try (Tracker tracker = Tracker.open(root.toUri(), options)) {
            Run run = tracker.newRun(EXPERIMENT).param("lr", 0.01).start();
            Random random = new Random(7);
            for (int step = 0; step < 50_000; step++) run.log("loss", random.nextDouble(), step);
            run.finish();
        }
    }

    private static List<Path> parquetUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
    }
}
