package io.runlake.query;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

class FileRegistryViewsTest extends RegistryViewsSuite {
    @Override
    URI newStore(Path tmp) throws Exception {
        return Files.createDirectories(tmp.resolve("store")).toUri();
    }
}
