package io.runlake.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

/** Sweeps on the {@code file:} store. */
class FileStoreSweepTest extends SweepSuite {
    @Override
    protected URI newStoreUri(String name) {
        try {
            return Files.createDirectories(tmp.resolve("stores").resolve(name)).toUri();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
