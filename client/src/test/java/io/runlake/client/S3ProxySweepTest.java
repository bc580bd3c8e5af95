package io.runlake.client;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;

/** Sweeps on S3 over HTTP, served by an in-process S3Proxy (the killed sweep's child process reaches it too). */
class S3ProxySweepTest extends SweepSuite {
    @Override
    protected URI newStoreUri(String name) {
        return S3ProxyServer.shared().newBucketUri(name.toLowerCase().replaceAll("[^a-z0-9-]", "-"), "lake");
    }
}
