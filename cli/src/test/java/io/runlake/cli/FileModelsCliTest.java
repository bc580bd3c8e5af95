package io.runlake.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** The models CLI suite on a {@code file:} store. */
class FileModelsCliTest extends ModelsCliSuite {
    @Override
    URI newStore(Path tmp) throws Exception {
        return Files.createDirectories(tmp.resolve("store")).toUri();
    }
}
