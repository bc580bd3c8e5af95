package io.runlake.query;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

class S3RegistryViewsTest extends RegistryViewsSuite {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared()
                .newBucketUri("registry-views-" + BUCKETS.incrementAndGet() + "-" + System.nanoTime() % 100000, "lake");
    }
}
