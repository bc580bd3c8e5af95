package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged artifact blob whose spill file another upload of the same bytes already took (and deleted) is uploaded,
 * not failed: two runs of one process that log the same model share one content-addressed spill file.
 */
class SpillUploadTest {
    @TempDir
    Path tmp;

    @Test
    void aBlobFileTakenByAnotherUploadOfTheSameBytesIsDone() throws Exception {
        byte[] bytes = "weights".getBytes(StandardCharsets.UTF_8);
        String key = Layout.artifactBlob("a".repeat(64));
        try (FileObjectStore store = new FileObjectStore(tmp.resolve("lake"))) {
            Path staged = Files.write(tmp.resolve("staged.bin"), bytes);
            Spill.upload(store, key, staged); // the first run's upload
            Files.delete(staged); // ... which deletes the shared spill file
            Spill.upload(store, key, staged); // the second run's upload of the same blob: done, no error
            assertArrayEquals(bytes, store.get(key).orElseThrow());
        }
    }

    @Test
    void aMissingFileWhoseKeyTheStoreLacksIsStillAFailure() throws Exception {
        String key = Layout.artifactBlob("b".repeat(64));
        try (FileObjectStore store = new FileObjectStore(tmp.resolve("lake"))) {
            assertThrows(NoSuchFileException.class, () -> Spill.upload(store, key, tmp.resolve("gone.bin")));
        }
    }
}
