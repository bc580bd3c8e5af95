package io.runlake.client;

import java.net.URI;

/** The registry client suite on the {@code file:} store. */
class FileRegistryClientTest extends RegistryClientSuite {
    @Override
    protected URI newStoreUri(String name) {
        return tmp.resolve("stores").resolve(name).toUri();
    }
}
