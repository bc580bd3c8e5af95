package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers keep their background requests few to a store that works on the training machine's cores (a folder, an S3
 * server on a loopback address), and not to a remote one: told from the URI alone, without a DNS lookup.
 */
class ServedOnThisMachineTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderAndALoopbackEndpointAreOnThisMachineARemoteEndpointIsNot() {
        assertTrue(new FileObjectStore(tmp).servedOnThisMachine());
        for (String host :
                new String[] {"localhost", "LOCALHOST", "minio.localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            assertTrue(S3ObjectStore.isLoopback(host), host);
        }
        for (String host :
                new String[] {"s3.amazonaws.com", "127.example.com", "10.0.0.1", "::2", "localhost.example"}) {
            assertFalse(S3ObjectStore.isLoopback(host), host);
        }
        assertFalse(S3ObjectStore.isLoopback(null));
        assertTrue(S3ObjectStore.isLoopback(URI.create("http://[::1]:9000").getHost()));
    }
}
