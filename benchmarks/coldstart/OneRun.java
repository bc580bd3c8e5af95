import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.nio.file.Path;

/** Writes one small finished run (2 metrics × 100 steps, one shard) into the store folder args[0]. */
public class OneRun {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        TrackerOptions options = TrackerOptions.defaults()
                .withShutdownHook(false)
                .withSpillRoot(dir.resolveSibling("spill"));
        try (Tracker tracker = Tracker.open(dir.toUri(), options);
                Run run = tracker.newRun("cold start").name("one").param("lr", 0.01).start()) {
            for (int step = 0; step < 100; step++) {
                run.log("loss", 1.0 / (step + 1), step);
                run.log("accuracy", step / 100.0, step);
            }
        }
    }
}
