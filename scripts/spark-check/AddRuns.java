import io.runlake.client.Run;
import io.runlake.client.Tracker;

/**
 * Adds one round of small runs to a store, in experiments whose names need escaping, so that a loop of
 * {@code AddRuns} + {@code ./runlake compact} builds a Delta log with many commits, merges and checkpoints.
 * Run from the repository root: {@code java -cp cli/target/runlake.jar scripts/spark-check/AddRuns.java STORE ROUND}.
 */
public class AddRuns {
    static final String[] EXPERIMENTS = {"my exp/v2", "100% ü/α=β", "spirals"};

    public static void main(String[] args) throws Exception {
        int round = Integer.parseInt(args[1]);
        try (Tracker tracker = Tracker.open(args[0])) {
            for (String experiment : EXPERIMENTS) {
                for (int r = 0; r < 2; r++) {
                    try (Run run = tracker.newRun(experiment)
                            .name("round" + round + "-" + r)
                            .param("lr", 0.01 * (r + 1))
                            .start()) {
                        for (int step = 0; step < 20; step++) {
                            run.log("loss", 1.0 / (1 + step + round + r), step);
                            run.log("val/accuracy", 0.5 + 0.02 * step + 0.001 * round + 0.0001 * r, step);
                        }
                        run.log("edge", round % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY, 0);
                    }
                }
            }
        }
    }
}
