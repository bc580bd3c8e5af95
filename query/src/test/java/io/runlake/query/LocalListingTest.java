package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast folder walk lists exactly what {@link FileObjectStore#list} lists (keys, sizes, ETags, times). */
class LocalListingTest {
    @TempDir
    Path tmp;

    @Test
    void sameAsFileObjectStore() throws Exception {
        Path root = tmp.resolve("store");
        // Enough run folders for the parallel walk, plus files at every depth, an empty folder, a staging folder
        // and links.
        for (int e = 0; e < 3; e++) {
            for (int r = 0; r < 40; r++) {
                Path run = Files.createDirectories(root.resolve("runs/experiment=e" + e + "/run=r" + r));
                Files.writeString(run.resolve("run.json"), "{\"r\":" + r + "}");
                Path end = Files.createDirectories(run.resolve("end"));
                Files.writeString(end.resolve("w00000-x.json"), "end" + r);
                Files.setLastModifiedTime(end.resolve("w00000-x.json"), FileTime.fromMillis(1_700_000_000_123L + r));
                if (r % 3 == 0)
                    Files.createDirectories(run.resolve("metrics/deeper/still"))
                            .resolve("a.parquet")
                            .toFile()
                            .createNewFile();
                if (r % 7 == 0) Files.createDirectories(run.resolve("events"));
            }
            Files.writeString(root.resolve("runs/experiment=e" + e + "/loose.txt"), "x");
        }
        Files.writeString(root.resolve("runs/top.json"), "{}");
        Files.createDirectories(root.resolve("runs/.runlake-tmp"));
        Files.writeString(root.resolve("runs/.runlake-tmp/part"), "tmp");
        Files.createDirectories(root.resolve(".runlake-tmp/runs"));
        Files.writeString(root.resolve(".runlake-tmp/runs/x"), "tmp");
        Files.createDirectories(root.resolve("lake/_log"));
        Files.writeString(root.resolve("lake/_log/a.json"), "{}");
        try {
            Files.createSymbolicLink(
                    root.resolve("runs/experiment=e0/run=r1/linked.json"), root.resolve("runs/top.json"));
            Files.createSymbolicLink(root.resolve("runs/experiment=e0/linkdir"), root.resolve("lake"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // no links on this file system
        }
        FileObjectStore store = new FileObjectStore(root);
        for (String prefix :
                List.of("runs/", "runs/experiment=e1/", "runs/experiment=e1/run=r3", "lake/", "", "missing/")) {
            List<ObjectInfo> expected = store.list(prefix);
            List<ObjectInfo> got = LocalListing.list(root, prefix);
            assertEquals(expected, got, "prefix '" + prefix + "'");
        }
        assertTrue(LocalListing.list(root, "runs/").size() > 200);
    }
}
