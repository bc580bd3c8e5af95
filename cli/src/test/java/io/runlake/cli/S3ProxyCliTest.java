package io.runlake.cli;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;

/** The CLI suite on S3 over HTTP, served by an in-process S3Proxy. */
class S3ProxyCliTest extends CliSuite {
    @Override
    URI newStore(Path tmp) {
        return S3ProxyServer.shared().newBucketUri("cli-" + System.nanoTime() % 1_000_000_000L, "lake");
    }

    @Override
    boolean remote() {
        return true;
    }
}
