package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.LakeLayout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeTable;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit log entry naming a lake file outside the store never makes the reader open a local file outside it. */
class LakeFilePathSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void aLiveFileWithDotDotInItsKeyIsSkippedAndReported() throws Exception {
        Path root = tmp.resolve("store");
        URI uri = root.toUri();
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            Run r = t.startRun("e");
            for (int i = 0; i < 10; i++) r.log("loss", i, i);
            r.finish();
        }
        long version;
        try (ObjectStore store = StoreUris.open(uri)) {
            Compactor.Result c =
                    new Compactor(store, CompactorOptions.defaults().withWorkDir(tmp.resolve("work"))).compact("e");
            assertEquals(10, c.pointsCompacted());
            version = c.version();
            String compacted = store.list(LakeLayout.metricsPrefix("e")).get(0).key();
            // a copy of real metric data outside the store, and a commit that names it through ".."
            Files.copy(root.resolve(compacted), tmp.resolve("outside.parquet"));
            String escaping = LakeLayout.metricsPrefix("e") + "../../../../outside.parquet";
            assertEquals(tmp.resolve("outside.parquet"), root.resolve(escaping).normalize());
            DataFile outside = new DataFile(escaping, 10, Files.size(tmp.resolve("outside.parquet")), null, null, 0);
            String add = "{\"add\":{\"path\":\"experiment=e/../../../../outside.parquet\","
                    + "\"partitionValues\":{\"experiment\":\"e\"},\"size\":" + outside.bytes()
                    + ",\"modificationTime\":1,\"dataChange\":true}}\n";
            store.putIfAbsent(LakeTable.METRICS.commitKey(version + 1), add.getBytes(StandardCharsets.UTF_8));
        }
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            assertEquals(
                    10L,
                    ((Number) lake.sql("SELECT count(*) AS n FROM metrics").get(0, "n")).longValue(),
                    "points read from a file outside the store");
            assertTrue(
                    lake.problems().stream()
                            .anyMatch(p -> p.contains("outside.parquet") && p.contains("outside the table")),
                    lake.problems().toString());
        }
    }
}
