package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.functions.core.CompactorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileReadDuringMaintenanceTest extends ReadDuringMaintenanceSuite {
    @Override
    URI newStore(Path tmp) throws Exception {
        return Files.createDirectories(tmp.resolve("store")).toUri();
    }

    /**
     * The compactor commits and deletes the shards after this reader listed them and read the log, before it
     * reads them: the reader lists and reads the log again and takes the points from the new lake file.
     */
    @Test
    void shardsDeletedAfterTheLogWasReadAreReloadedNotSkipped() throws Exception {
        URI uri = writeStore();
        AtomicInteger snapshots = new AtomicInteger();
        try (Lake lake = Lake.open(uri, options(), Mirror.Progress.NONE, phase -> {
            if (phase.startsWith("snapshot + view") && snapshots.incrementAndGet() == 1) compact(uri, graceZero());
        })) {
            assertAllPoints(lake, "shards compacted and deleted between the log and the read");
            assertEquals(2, snapshots.get(), "the log was read again");
            assertEquals(1, lake.reloads());
        }
    }

    /** Live lake files merged away and deleted after the reader read the log: it reloads and reads the merged file. */
    @Test
    void lakeFilesMergedAwayAfterTheLogWasReadAreReloaded() throws Exception {
        URI uri = writeStore();
        compact(uri, graceZero().withBatch(128 * CompactorOptions.MiB, 2).withFiles(64 * 1024, 100, 500_000));
        AtomicInteger snapshots = new AtomicInteger();
        try (Lake lake = Lake.open(uri, options(), Mirror.Progress.NONE, phase -> {
            if (phase.startsWith("snapshot + view") && snapshots.incrementAndGet() == 1)
                compact(uri, graceZero().withFiles(64 * 1024, 2, 500_000));
        })) {
            assertAllPoints(lake, "live files merged and deleted between the log and the read");
            assertEquals(2, snapshots.get(), "the log was read again");
            assertEquals(1, lake.reloads());
        }
    }

    /** The same when the shards were validated by an earlier open (cached), so the views are the first to read them. */
    @Test
    void validatedShardsDeletedBeforeTheViewsReadThemAreReloaded() throws Exception {
        URI uri = writeStore();
        try (Lake lake = Lake.open(uri, options())) {
            assertAllPoints(lake, "first open");
        }
        AtomicInteger planned = new AtomicInteger();
        try (Lake lake = Lake.open(uri, options(), Mirror.Progress.NONE, phase -> {
            if (phase.startsWith("write validation") && planned.incrementAndGet() == 1) compact(uri, graceZero());
        })) {
            assertAllPoints(lake, "shards compacted and deleted before the views read them");
            assertEquals(2, planned.get());
            assertEquals(1, lake.reloads());
        }
    }

    /** A store that changes under every attempt: a bounded number of reloads, then one clear error (no partial answer). */
    @Test
    void aStoreThatKeepsChangingFailsWithOneClearError() throws Exception {
        URI uri = writeStore();
        Path root = Path.of(uri);
        AtomicInteger attempts = new AtomicInteger();
        QueryException e = assertThrows(
                QueryException.class,
                () -> Lake.open(uri, options(), Mirror.Progress.NONE, phase -> {
                            if (!phase.startsWith("snapshot + view")) return;
                            attempts.incrementAndGet();
                            try (Stream<Path> files = Files.walk(root.resolve(Layout.RUNS))) {
                                List<Path> shards = files.filter(
                                                p -> p.toString().endsWith(".parquet"))
                                        .sorted()
                                        .toList();
                                Files.delete(shards.get(0)); // a listed shard disappears after every listing
                            } catch (IOException io) {
                                throw new UncheckedIOException(io);
                            }
                        })
                        .close());
        assertTrue(e.getMessage().startsWith("the store keeps changing while it is read"), e.getMessage());
        assertTrue(
                e.getMessage().contains(".parquet") && e.getMessage().contains(attempts.get() + " attempts"),
                e.getMessage());
        assertTrue(attempts.get() > 1 && attempts.get() <= 10, attempts.toString());
    }
}
