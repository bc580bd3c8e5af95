package io.runlake.query.bench;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a store of many short finished runs through the client (issue 14's workload: each run has 10 params and 5
 * metrics), for timing one-shot commands such as {@code runlake leaderboard} over it (BENCHMARKS.md, "CLI start-up").
 * Code capture and the system-metrics sampler are off, so the store holds only what the runs log.
 *
 * <pre>
 * java -cp benchmarks/target/runlake-benchmarks.jar io.runlake.query.bench.ManyRunsStore /tmp/runs-2000 2000 10
 * </pre>
 *
 * Arguments: the store folder (must not exist), the number of runs [2000], steps per metric [10].
 */
public final class ManyRunsStore {
    static final String EXPERIMENT = "sweep";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/runlake-runs-2000");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (Files.exists(dir)) throw new IllegalArgumentException(dir + " exists; pass a new folder");
        TrackerOptions options = TrackerOptions.defaults()
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO)
                .withSpillRoot(Files.createTempDirectory("runlake-bench-spill"));
        Random random = new Random(42);
        long t0 = System.nanoTime();
        try (Tracker tracker = Tracker.open(dir.toUri(), options)) {
            for (int i = 0; i < runs; i++) {
                double lr = Math.pow(10, -4 + 3 * random.nextDouble());
                try (Run run = tracker.newRun(EXPERIMENT)
                        .name("trial-" + i)
                        .param("lr", lr)
                        .param("batch_size", 16 << (i % 4))
                        .param("optimizer", new String[] {"adam", "sgd", "adamw"}[i % 3])
                        .param("layers", 1 + i % 5)
                        .param("hidden_units", 32 << (i % 3))
                        .param("dropout", Math.round(random.nextDouble() * 500) / 1000.0)
                        .param("weight_decay", 1e-4 * (1 + i % 7))
                        .param("epochs", steps)
                        .param("seed", i)
                        .param("augment", i % 2 == 0)
                        .start()) {
                    for (int step = 0; step < steps; step++) {
                        double decay = Math.exp(-step * lr * 10);
                        run.log("train/loss", decay + random.nextDouble() * 0.05, step);
                        run.log("val/loss", decay + 0.1 + random.nextDouble() * 0.05, step);
                        run.log("train/accuracy", 1 - decay * 0.9, step);
                        run.log("val/accuracy", 1 - decay * 0.95 - random.nextDouble() * 0.02, step);
                        run.log("lr", lr, step);
                    }
                    run.finish();
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d runs (10 params, 5 metrics x %d steps) in %s: %.1f s%n",
                runs,
                steps,
                dir,
                (System.nanoTime() - t0) / 1e9);
    }
}
