package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.ForwardingStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finish()} of a short run returns once its end is journaled (FORMAT.md §10.1), before the store has it; the
 * tracker's own reads still see the run: annotating it, or reading it through {@link Tracker#store()}, right after.
 */
class ReadYourWritesTest {
    @TempDir
    Path tmp;

    @Test
    void aFinishedRunIsSeenByItsTrackerAtOnce() throws Exception {
        FileObjectStore real = new FileObjectStore(tmp.resolve("lake"));
        CountDownLatch storeAnswers = new CountDownLatch(1);
        ForwardingStore slow = new ForwardingStore(real) {
            @Override
            public boolean putIfAbsent(String key, byte[] data) {
                if (key.startsWith("runs/") || key.startsWith("run-ids/")) {
                    try {
                        storeAnswers.await(); // a store far away, answering when the test says
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.putIfAbsent(key, data);
            }
        };
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO)
                .withCloseTimeout(Duration.ofSeconds(60));
        try (Tracker tracker = Tracker.open(slow, options)) {
            Run run = tracker.newRun("e").param("lr", 0.1).start();
            run.log("loss", 0.5, 1);
            run.finish();
            String ends = Layout.runPrefix("e", run.id()) + "end/";
            assertTrue(real.list(ends).isEmpty(), "finish() waited for the store: the test proves nothing");
            Thread answer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                storeAnswers.countDown();
            });
            answer.start();
            assertEquals(1, tracker.store().list(ends).size(), "the end manifest, as this tracker reads the store");
            tracker.annotate(run.id()).setNote("checked right after finish");
            answer.join();
        }
    }
}
