package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link WatermarkSuite} on S3 (S3Proxy), read through the mirror: {@code StartAfter} listings from W, and the logs
 * listed from the newest commit already copied.
 */
class S3WatermarkTest extends WatermarkSuite {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    URI newStore() {
        return S3ProxyServer.shared()
                .newBucketUri("watermark-" + BUCKETS.incrementAndGet() + "-" + System.nanoTime() % 100000, "lake");
    }

    /** What the mirror listed when a lake was opened. */
    @Override
    List<String> listedRunKeys(URI uri) {
        try (Lake lake = open(uri, readerMargin)) {
            return lake.syncResult().rawObjects().stream().map(ObjectInfo::key).toList();
        }
    }

    @Test
    void aWarmRefreshWithNothingNewCostsAFixedNumberOfListsAndNoGets() throws Exception {
        URI uri = newStore();
        writeRuns(uri, 5);
        index(uri);
        Path dir = tmp.resolve("mirror");
        try (ObjectStore real = StoreUris.open(uri)) {
            CountingStore cold = new CountingStore(real);
            new Mirror(cold, dir, tmp.resolve("manifest.json"), 4).syncFromWatermarks(Mirror.Progress.NONE, MARGIN_MS);
            CountingStore warm = new CountingStore(real);
            Mirror.Result r = new Mirror(warm, dir, tmp.resolve("manifest.json"), 4)
                    .syncFromWatermarks(Mirror.Progress.NONE, MARGIN_MS);
            assertEquals(0, r.fetched());
            assertEquals(0, warm.gets.get(), "nothing new: nothing fetched");
            // _runlake/, the runs log (before), annotations/, runs/ folders, one experiment from W, both logs (after),
            // the old lake/_log/, environments/, models/, audit/
            assertEquals(11, warm.lists.get(), "LISTs of a warm refresh, whatever the number of runs");
            assertEquals(List.of(), r.rawObjects(), "no run object listed");
        }
    }
}
