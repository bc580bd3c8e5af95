package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class S3LakeTest extends LakeSuite {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared()
                .newBucketUri("query-" + BUCKETS.incrementAndGet() + "-" + System.nanoTime() % 100000, "lake");
    }

    @Test
    void cacheFetchesOnlyNewObjects() throws Exception {
        URI u = newStore(tmp);
        try (Tracker t = tracker(u, tmp.resolve("c1"))) {
            Run r = t.newRun("e").name("a").start();
            r.log("loss", 1, 0);
            r.finish();
        }
        LakeOptions opts = LakeOptions.defaults().withCacheDir(tmp.resolve("cache-inc"));
        int first;
        try (Lake lake = Lake.open(u, opts)) {
            first = lake.syncResult().fetched();
            assertTrue(first >= 3, "start, shard, end: " + lake.syncResult());
        }
        try (Lake lake = Lake.open(u, opts)) {
            assertEquals(0, lake.syncResult().fetched(), "warm open costs only the LIST");
        }
        try (Tracker t = tracker(u, tmp.resolve("c2"))) {
            Run r = t.newRun("e").name("b").start();
            r.log("loss", 2, 0);
            r.finish();
        }
        try (Lake lake = Lake.open(u, opts)) {
            assertEquals(3, lake.syncResult().fetched(), lake.syncResult().toString());
            assertEquals(2, lake.sql("SELECT * FROM runs").size());
        }
    }
}
