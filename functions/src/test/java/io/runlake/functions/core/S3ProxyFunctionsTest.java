package io.runlake.functions.core;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;

/** The maintenance suite on S3 over HTTP, served by an in-process S3Proxy. */
class S3ProxyFunctionsTest extends FunctionsSuite {
    @Override
    protected URI newStoreUri(String name) {
        return S3ProxyServer.shared().newBucketUri(name.toLowerCase().replaceAll("[^a-z0-9-]", "-"), "lake");
    }
}
