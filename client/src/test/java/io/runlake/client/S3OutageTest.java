package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real S3 endpoint goes away mid-run (connection refused) and comes back: training never notices. */
class S3OutageTest {
    @TempDir
    Path tmp;

    @Test
    void s3GoingDownMidRunLosesNothing() throws Exception {
        S3ProxyServer server = S3ProxyServer.startNew();
        try {
            URI uri = server.newBucketUri("outage", "lake");
            String runId;
            TrackerOptions options = TrackerOptions.defaults()
                    .withFlushInterval(Duration.ofMillis(100))
                    .withSpillRoot(tmp.resolve("spill"))
                    .withShutdownHook(false)
                    .withCaptureCode(false)
                    .withSystemMetricsInterval(Duration.ZERO)
                    .withCloseTimeout(Duration.ofSeconds(30));
            try (Tracker tracker = Tracker.open(uri, options)) {
                Run run = tracker.startRun("outage");
                runId = run.id();
                for (int i = 0; i < 10_000; i++) run.log("loss", i, i);
                run.flush();
                server.stop();
                long t0 = System.nanoTime();
                for (int i = 10_000; i < 30_000; i++) run.log("loss", i, i);
                long logNanos = System.nanoTime() - t0;
                assertTrue(logNanos < 5_000_000_000L, "logging stalled while S3 was down: " + logNanos / 1e6 + " ms");
                run.flush();
                run.logParam("after_outage", true);
                server.start();
                for (int i = 30_000; i < 40_000; i++) run.log("loss", i, i);
                run.finish();
                // whatever is still spilled goes up now that S3 is back
                long deadline = System.currentTimeMillis() + 30_000;
                while (tracker.pushSpill() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(200);
                assertEquals(0, tracker.pushSpill());
            }
            try (ObjectStore store = StoreUris.open(uri)) {
                Path lake = Lakes.mirror(store, Files.createDirectories(tmp.resolve("mirror")));
                assertEquals(
                        List.of(List.of(40_000L, 40_000L)),
                        query("select count(*), count(distinct step) from read_parquet("
                                + lit(lake.resolve(Layout.runPrefix("outage", runId) + "metrics/*.parquet")) + ")"));
                assertEquals(
                        1,
                        store.list(Layout.runPrefix("outage", runId) + "end/").size());
                assertEquals(
                        1,
                        store.list(Layout.runPrefix("outage", runId) + "events/")
                                .size());
            }
        } finally {
            server.close();
        }
    }
}
