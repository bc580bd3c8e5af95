package io.runlake.client;

import io.runlake.store.FileObjectStore;
import io.runlake.testing.ForwardingStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a run on a store that hangs on every object write, as a socket that never answers does, and dies the
 * instant {@code start()} returns: the start can only be in the local start journal. {@link CrashAfterStartTest}.
 */
public final class CrashAfterStartChild {
    public static void main(String[] args) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        FileObjectStore real = new FileObjectStore(Path.of(args[0]));
        ForwardingStore hanging = new ForwardingStore(real) {
            @Override
            public boolean putIfAbsent(String key, byte[] data) {
                if (!key.startsWith("_runlake/")) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.putIfAbsent(key, data);
            }
        };
        Tracker tracker = Tracker.open(
                hanging,
                TrackerOptions.defaults()
                        .withSpillRoot(Path.of(args[1]))
                        .withShutdownHook(false)
                        .withCloseTimeout(Duration.ofSeconds(20)));
        Run run = tracker.newRun("crashed").param("lr", 0.1).start();
        System.out.println("RUN " + run.id());
        System.out.flush();
        Runtime.getRuntime().halt(137); // as kill -9: no close, no shutdown hook, no background write finishes
    }
}
