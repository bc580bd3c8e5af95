package io.runlake.query;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;

class S3NamesRoundTripTest extends NamesRoundTripSuite {
    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared().newBucketUri("names-" + System.nanoTime() % 1000000, "lake");
    }
}
