package io.runlake.client;

import io.runlake.format.Layout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of several processes running {@link SweepSuite#sweep} at once: its first trial waits until the store holds
 * {@code args[2]} claims (every process has claimed one, so they overlap), then each trial it runs prints
 * {@code RAN <index>}.
 */
public final class SweepShareChild {
    public static void main(String[] args) throws Exception {
        int processes = Integer.parseInt(args[2]);
        Tracker tracker = SweepSuite.openChildTracker(args[0], args[1]);
        AtomicBoolean first = new AtomicBoolean(true);
        try (tracker) {
            SweepSuite.sweep(tracker)
                    .onTrialEnd(t -> System.out.println("RAN " + t.index()))
                    .build()
                    .run(trial -> {
                        if (first.getAndSet(false)) awaitClaims(tracker, processes);
                        trial.report(0, SweepSuite.score(trial));
                    });
        }
    }

    private static void awaitClaims(Tracker tracker, int n) throws InterruptedException {
        String prefix = Layout.sweepClaimsPrefix(SweepSuite.EXPERIMENT, "grid-6");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos(); // a failure guard only
        while (tracker.store().list(prefix).size() < n) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the other processes never claimed");
            Thread.sleep(20);
        }
    }
}
