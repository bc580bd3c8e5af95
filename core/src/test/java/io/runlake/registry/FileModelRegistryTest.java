package io.runlake.registry;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry suite on a local folder. */
class FileModelRegistryTest extends ModelRegistrySuite {
    @TempDir
    Path dir;

    @Override
    protected URI newStoreUri(String name) {
        return dir.resolve(name).toUri();
    }
}
