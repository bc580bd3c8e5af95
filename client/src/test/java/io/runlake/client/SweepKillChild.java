package io.runlake.client;

import io.runlake.format.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep whose process dies in the middle: trials before {@code args[2]} finish, then that trial starts, waits until
 * the store holds everything written so far, prints {@code HANG} and never returns; {@link SweepSuite} kills it with
 * SIGKILL.
 */
public final class SweepKillChild {
    public static void main(String[] args) throws Exception {
        int hangAt = Integer.parseInt(args[2]);
        Tracker tracker = SweepSuite.openChildTracker(args[0], args[1]);
        List<Run> finished = new ArrayList<>();
        SweepSuite.sweep(tracker).build().run(trial -> {
            if (trial.index() == hangAt) {
                trial.report(0, SweepSuite.score(trial));
                trial.run().flush();
                awaitStored(tracker, finished, trial.run());
                System.out.println("HANG " + trial.run().id());
                Thread.sleep(Long.MAX_VALUE);
            }
            trial.report(0, SweepSuite.score(trial));
            finished.add(trial.run());
        });
    }

    /** Waits until the earlier trials' end manifests and this trial's start manifest are in the store. */
    private static void awaitStored(Tracker tracker, List<Run> finished, Run hanging) throws InterruptedException {
        while (true) {
            boolean all = tracker.store()
                    .head(Layout.startManifest(hanging.experiment(), hanging.id()))
                    .isPresent();
            for (Run r : finished)
                all &= !tracker.store()
                        .list(Layout.runPrefix(r.experiment(), r.id()) + "end/")
                        .isEmpty();
            if (all) return;
            Thread.sleep(50);
        }
    }
}
