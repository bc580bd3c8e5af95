package io.runlake.client;

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
 * Shards written by the real client use only encodings that every major reader decodes with its defaults
 * (FORMAT.md §7.5): Spark's vectorized reader fails on BYTE_STREAM_SPLIT doubles.
 */
class PortableShardsTest {
    @TempDir
    Path tmp;

    @Test
    void shardsOfRandomAndRepeatedValuesUseOnlyEncodingsEveryEngineReads() throws Exception {
        Path store = tmp.resolve("store");
        TrackerOptions options = TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMinutes(10))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
        try (Tracker tracker = Tracker.open(store.toUri(), options)) {
            Run run = tracker.startRun("portable");
            Random random = new Random(11);
            // random doubles are what a writer would byte-stream-split; a constant is what it would dictionary-encode
            for (int step = 0; step < 20_000; step++) {
                run.log("loss", random.nextDouble(), step);
                run.log("lr", 3e-4, step);
            }
            run.finish();
        }
        List<Path> shards;
        try (Stream<Path> files = Files.walk(store)) {
            shards = files.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        ParquetEncodings.assertEveryEngineReads(shards);
    }
}
