package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction deletes raw shards while other processes list the same folders. A file or folder that disappears
 * between reading its parent and stat-ing it must simply be absent from the listing, as with an S3 LIST; it must
 * never fail the listing (CI once failed a concurrent-compactor test this way).
 */
class FileStoreListWhileDeletingTest {

    @Test
    void filesAndFoldersDeletedDuringAListAreSkipped(@TempDir Path root) throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        List<String> keys = new ArrayList<>();
        for (int run = 0; run < 40; run++) {
            for (int shard = 0; shard < 25; shard++)
                keys.add("runs/experiment=e/run=r" + run + "/metrics/s" + shard + ".parquet");
        }
        keys.add("runs/experiment=e/kept.json");
        for (String k : keys) store.putIfAbsent(k, data);

        AtomicBoolean done = new AtomicBoolean();
        Thread deleter = new Thread(() -> {
            // Delete every shard file, then every run folder, while the lister keeps listing.
            for (String k : keys) if (!k.endsWith("kept.json")) store.delete(k);
            try (Stream<Path> s = Files.walk(root.resolve("runs/experiment=e"))) {
                s.sorted(Comparator.reverseOrder())
                        .filter(p -> p.getFileName().toString().startsWith("run=")
                                || p.getFileName().toString().equals("metrics"))
                        .forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // folders vanish under the walk too; what is left is checked below
            }
            done.set(true);
        });
        deleter.start();
        int lists = 0;
        while (!done.get() || lists < 3) {
            List<ObjectInfo> seen = assertDoesNotThrow(() -> store.list("runs/"));
            assertTrue(
                    seen.stream().anyMatch(o -> o.key().equals("runs/experiment=e/kept.json")),
                    "an untouched object is always listed");
            lists++;
        }
        deleter.join();
        assertTrue(store.list("runs/").size() == 1, "only the untouched object remains");
    }
}
