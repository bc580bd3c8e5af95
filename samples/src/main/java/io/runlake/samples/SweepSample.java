package io.runlake.samples;

import io.runlake.client.SearchSpace;
import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A random search with early stopping, resumable: 20 points of learning rate, hidden units and batch size for the
 * spirals MLP, each trained up to 27 epochs; successive halving (rungs at epochs 3 and 9, factor 3) stops the trials
 * that fall behind. Stop it (Ctrl-C, or {@code kill -9}) and run it again: the finished trials are read back from the
 * store and only the rest run (FORMAT.md §9.5).
 *
 * <p>Run it from a fresh clone: {@code samples/run-sample.sh SweepSample [store-uri [sweep-name]]}.
 */
public final class SweepSample {
    static final SearchSpace SPACE = SearchSpace.create()
            .logUniform("lr", 0.003, 1.0)
            .choice("hidden_units", 8, 16, 32)
            .choice("batch_size", 16, 32, 64);

    private SweepSample() {}

    public static Sweep.Result run(Tracker tracker, String sweepName, int trials, PrintStream out)
            throws InterruptedException {
        Dataset.Split data = Spirals.generate(
                        SweepDemo.POINTS_PER_CLASS, SweepDemo.TURNS, SweepDemo.NOISE, SweepDemo.DATA_SEED)
                .split(SweepDemo.VALIDATION_FRACTION, SweepDemo.DATA_SEED)
                .standardized();
        Sweep.Result result = Sweep.builder(tracker, SweepDemo.EXPERIMENT, sweepName)
                .space(SPACE)
                .random(trials, 42)
                .successiveHalving(3, 3)
                .maximize("val/accuracy")
                .onTrialEnd(t -> out.printf(
                        Locale.ROOT,
                        "trial %2d %-8s%s %s val/accuracy=%.3f %s%n",
                        t.index(),
                        t.status(),
                        t.pruned() ? " (pruned)" : "",
                        t.runId(),
                        t.value(),
                        t.params()))
                .build()
                .run(trial -> {
                    TrainConfig config = new TrainConfig(
                            trial.getDouble("lr"),
                            trial.getInt("hidden_units"),
                            1,
                            trial.getInt("batch_size"),
                            27,
                            SweepDemo.MOMENTUM,
                            trial.index());
                    Trainer.train(config, data.train(), data.validation(), stats -> {
                        trial.run().log("train/loss", stats.trainLoss(), stats.epoch());
                        trial.report(stats.epoch(), stats.valAccuracy());
                        trial.pruneIfNeeded(); // throws: the trial ends KILLED, tagged sweep.pruned=true
                    });
                });
        out.printf(
                "sweep '%s': %d trials (%d run now, %d read back, %d re-run after a crash), parent run %s%n",
                sweepName,
                result.trials().size(),
                result.ranNow(),
                result.trials().size() - result.ranNow(),
                result.rerun(),
                result.parentRunId());
        result.best(true)
                .ifPresent(b -> out.printf(
                        Locale.ROOT,
                        "best: trial %d (run %s), val/accuracy %.3f, %s%n",
                        b.index(),
                        b.runId(),
                        b.value(),
                        b.params()));
        return result;
    }

    public static void main(String[] args) throws Exception {
        try (Tracker tracker = args.length > 0 ? Tracker.open(args[0]) : Tracker.open()) {
            run(tracker, args.length > 1 ? args[1] : "random-search", 20, System.out);
        }
    }
}
