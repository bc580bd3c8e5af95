package io.runlake.query;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.testing.ParquetEncodings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's Parquet export uses only encodings that every major reader decodes with its defaults (FORMAT.md
 * §12.4): the file is meant for Spark, Athena, Polars or pandas.
 */
class PortableExportTest {
    @TempDir
    Path tmp;

    @Test
    void parquetExportOfRandomDoublesUsesOnlyEncodingsEveryEngineReads() throws Exception {
        Path store = tmp.resolve("store");
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(tmp.resolve("spill"))
                .withHeartbeatInterval(Duration.ofHours(1))
                .withShutdownHook(false);
        try (Tracker tracker = Tracker.open(store.toUri(), options)) {
            Run run = tracker.startRun("portable");
            Random random = new Random(5);
            // random doubles and increasing steps: what a Parquet V2 writer byte-stream-splits and delta-encodes
            for (int step = 0; step < 20_000; step++) run.log("loss", random.nextDouble(), step);
            run.finish();
        }
        Path export = tmp.resolve("export.parquet");
        try (Lake lake = Lake.open(store.toUri(), LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            lake.exportParquet("SELECT run_id, key, step, value FROM metrics", export);
        }
        ParquetEncodings.assertEveryEngineReads(List.of(export));
    }
}
