package io.runlake.client;

import java.nio.file.Path;
import java.time.Duration;

/** A training job that never ends by itself; {@link KillNineTest} kills it with SIGKILL. */
public final class KillNineChild {
    public static void main(String[] args) {
        Tracker tracker = Tracker.open(
                Path.of(args[0]).toUri(),
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofMillis(100))
                        .withSpillRoot(Path.of(args[1])));
        Run run = tracker.newRun("killed").param("lr", 0.1).start();
        System.out.println("RUN " + run.id());
        for (long i = 0; ; i++) {
            run.log("loss", 1.0 / (i + 1), i);
            if ((i + 1) % 1000 == 0) {
                run.flush();
                System.out.println("FLUSHED " + (i + 1));
            }
        }
    }
}
