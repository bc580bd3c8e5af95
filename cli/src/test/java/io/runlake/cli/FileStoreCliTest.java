package io.runlake.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CLI suite on a {@code file:} store. */
class FileStoreCliTest extends CliSuite {
    @Override
    URI newStore(Path tmp) throws Exception {
        return Files.createDirectories(tmp.resolve("stores").resolve("lake")).toUri();
    }

    @Override
    boolean remote() {
        return false;
    }
}
