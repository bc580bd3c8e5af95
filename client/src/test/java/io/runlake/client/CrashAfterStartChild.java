package io.runlake.client;

import io.runlake.store.FileObjectStore;
import io.runlake.testing.ForwardingStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a run on a store that hangs on every object write, as a socket that never answers does, and dies the
 * instant {@code start()} returns (or, with a third argument {@code finish}, {@code finish()}): the run can only be
 * in the local start journal. {@link CrashAfterStartTest}.
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
                        .withCloseTimeout(Duration.ofMinutes(
                                10))); // longer than the test waits: a call that waits for the store fails it
        Run run = tracker.newRun("crashed").param("lr", 0.1).start();
        if (args.length > 2 && args[2].equals("finish")) {
            for (int step = 0; step < 5; step++) run.log("loss", 1.0 / (step + 1), step);
            run.finish(); // returns with the last shard and the end manifest only in the journal
        }
        System.out.println("RUN " + run.id());
        System.out.flush();
        Runtime.getRuntime().halt(137); // as kill -9: no close, no shutdown hook, no background write finishes
    }
}
