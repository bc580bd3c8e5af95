package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUnavailableException;
import io.runlake.testing.ForwardingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage that hangs (not refuses) at the end of a run: finish() returns within the close timeout, and the
 * last shard and the end manifest wait in the local spill instead of being lost when the JVM exits.
 */
class SlowStoreCloseTest {
    @TempDir
    Path tmp;

    @Test
    void aHangingStoreAtCloseSpillsTheTail() throws Exception {
        hangingStoreAtClose(false);
    }

    /** An artifact upload queued when the run ends: finish() cannot journal the end and must spill it. */
    @Test
    void aHangingStoreAtCloseSpillsTheTailBehindAQueuedUpload() throws Exception {
        hangingStoreAtClose(true);
    }

    private void hangingStoreAtClose(boolean uploadQueued) throws Exception {
        Path lake = tmp.resolve("lake");
        CountDownLatch storeHangs = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean();
        ObjectStore hanging = new ForwardingStore(new FileObjectStore(lake)) {
            @Override
            public boolean putIfAbsent(String key, byte[] data) {
                if (hang.get() && storeHangs.getCount() > 0) {
                    try {
                        storeHangs.await(); // a socket that never answers
                    } catch (InterruptedException e) {
                        throw new StoreUnavailableException("request aborted", e);
                    }
                }
                return super.putIfAbsent(key, data);
            }
        };
        TrackerOptions options = TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMinutes(10))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO)
                .withCloseTimeout(Duration.ofSeconds(1));
        String runId;
        try (Tracker tracker = Tracker.open(hanging, options)) {
            Run run = tracker.startRun("slow");
            runId = run.id();
            for (int i = 0; i < 1000; i++) run.log("loss", i, i);
            hang.set(true); // from here on the store hangs
            if (uploadQueued) run.logArtifact(Files.writeString(tmp.resolve("model.bin"), "weights"));
            long t0 = System.nanoTime();
            run.finish();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 10_000, "finish() stalled for " + ms + " ms on a hanging store");
            // before the store answers (a JVM exiting now would lose anything still in memory), the tail
            // is already durable on local disk
            // (spilled, or journaled when the writer held nothing else: FORMAT.md §10.1)
            String local = localCopies(tmp.resolve("spill"));
            assertTrue(local.contains("/end/"), "end manifest not on local disk: " + local);
            assertTrue(local.contains("/metrics/"), "last shard not on local disk: " + local);
            if (uploadQueued)
                assertTrue(local.matches("(?s).*/end/[^\\n]*\\.json\\n.*"), "end manifest not spilled: " + local);
            storeHangs.countDown(); // the store answers again
            long deadline = System.currentTimeMillis() + 20_000;
            while (tracker.pushSpill() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            assertEquals(1, store.list(Layout.runPrefix("slow", runId) + "end/").size(), "end manifest lost");
            assertEquals(
                    List.of(List.of(1000L, 499500.0)),
                    query("select count(*), sum(value) from read_parquet("
                            + lit(lake.resolve(Layout.runPrefix("slow", runId) + "metrics/*.parquet")) + ")"));
        }
    }

    /** The spill's file names and the keys its start journals hold (a journal record holds its key as UTF-8). */
    private static String localCopies(Path spill) throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(spill)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.append(f).append('\n');
                if (f.getFileName().toString().contains(".journal")) {
                    out.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .append('\n');
                }
            }
        }
        return out.toString();
    }
}
