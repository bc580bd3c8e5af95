package io.runlake.client;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;

/** The registry client suite on S3 over HTTP, served by an in-process S3Proxy. */
class S3ProxyRegistryClientTest extends RegistryClientSuite {
    @Override
    protected URI newStoreUri(String name) {
        return S3ProxyServer.shared().newBucketUri(name.toLowerCase().replaceAll("[^a-z0-9-]", "-"), "lake");
    }
}
