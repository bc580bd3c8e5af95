package io.runlake.functions.core;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

/** The maintenance suite on the {@code file:} store. */
class FileStoreFunctionsTest extends FunctionsSuite {
    @Override
    protected URI newStoreUri(String name) {
        try {
            return Files.createDirectories(tmp.resolve("stores").resolve(name)).toUri();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
