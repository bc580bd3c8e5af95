package io.runlake.query;

import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link WatermarkSuite} on a {@code file:} store, read in place (run folders below W are not walked). */
class FileWatermarkTest extends WatermarkSuite {
    private Path root;

    @Override
    URI newStore() throws Exception {
        root = Files.createDirectories(tmp.resolve("store"));
        return root.toUri();
    }

    @Override
    List<String> listedRunKeys(URI uri) {
        try (FileObjectStore store = new FileObjectStore(root)) {
            RunsListing runs = RunsListing.of(
                    store, RunsListing.reopenedRuns(root, store.list("annotations/")), readerMargin.toMillis());
            return runs.listInPlace(root).stream().map(ObjectInfo::key).toList();
        }
    }
}
