package io.runlake.cli;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;

/** The models CLI suite on S3 over HTTP, served by an in-process S3Proxy. */
class S3ProxyModelsCliTest extends ModelsCliSuite {
    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared().newBucketUri("models-cli-" + System.nanoTime() % 1_000_000_000L, "lake");
    }
}
