package io.runlake.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

/** The integration suite on the {@code file:} store. */
class FileStoreClientTest extends ClientSuite {
    @Override
    protected URI newStoreUri(String name) {
        try {
            return Files.createDirectories(tmp.resolve("stores").resolve(name)).toUri();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
