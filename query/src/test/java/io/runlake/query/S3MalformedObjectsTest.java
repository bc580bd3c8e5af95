package io.runlake.query;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;

class S3MalformedObjectsTest extends MalformedObjectsSuite {
    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared().newBucketUri("malformed-" + System.nanoTime() % 1000000, "lake");
    }
}
