package io.runlake.client;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;

/** The integration suite on S3 over HTTP, served by an in-process S3Proxy. */
class S3ProxyClientTest extends ClientSuite {
    @Override
    protected URI newStoreUri(String name) {
        return S3ProxyServer.shared().newBucketUri(name.toLowerCase().replaceAll("[^a-z0-9-]", "-"), "lake");
    }
}
