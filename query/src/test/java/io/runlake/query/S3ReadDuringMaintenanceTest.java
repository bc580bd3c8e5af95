package io.runlake.query;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

class S3ReadDuringMaintenanceTest extends ReadDuringMaintenanceSuite {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared()
                .newBucketUri("race-" + BUCKETS.incrementAndGet() + "-" + System.nanoTime() % 100000, "lake");
    }

    /** Another open of the same cache refreshes it: the local copies of the deleted shards go too. */
    @Override
    void afterMaintenance(URI uri) {
        try (Lake other = Lake.open(uri, options())) {
            assertAllPoints(other, "another open after compaction");
        }
    }
}
