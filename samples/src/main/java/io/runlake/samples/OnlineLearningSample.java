package io.runlake.samples;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.store.StoreUris;
import java.io.PrintStream;
import java.util.Random;

/**
 * Streaming / online learning: a logistic-regression model learns from an endless stream whose concept
 * drifts half-way (the true decision boundary rotates). There are no epochs, so the run logs one point
 * per event with its wall-clock timestamp, and evaluation happens in time windows on the query side, with
 * the SQL of {@link #windowedAccuracySql(String)}, which {@link #main} prints as a {@code runlake sql} command:
 *
 * <pre>{@code
 * select time_bucket(interval '1 second', timestamp) as time_window, avg(value) as accuracy, count(*) as events
 * from metrics where run_id = '<id>' and key = 'online/correct' group by time_window order by time_window
 * }</pre>
 *
 * <p>Run it from a fresh clone: {@code samples/run-sample.sh OnlineLearningSample [store-uri]}.
 */
public final class OnlineLearningSample {
    private OnlineLearningSample() {}

    /** Streams {@code events} examples, sleeping {@code pauseMicros} between them, and returns the run id. */
    public static String run(Tracker tracker, int events, long pauseMicros, PrintStream out) {
        Random rnd = new Random(7);
        double[] w = new double[3];
        double lr = 0.05;
        Run run = tracker.newRun("online")
                .name("drifting-stream")
                .seed(7)
                .param("model", "logistic-regression")
                .param("learning_rate", lr)
                .param("drift_at_event", events / 2)
                .tag("mode", "streaming")
                .start();
        try (run) {
            for (int i = 0; i < events; i++) {
                double angle = i < events / 2 ? 0.3 : 2.0; // the concept drifts at half-time
                double x1 = rnd.nextGaussian();
                double x2 = rnd.nextGaussian();
                int y = Math.cos(angle) * x1 + Math.sin(angle) * x2 > 0 ? 1 : 0;
                double z = w[0] + w[1] * x1 + w[2] * x2;
                double p = 1 / (1 + Math.exp(-z));
                // prequential evaluation: score the event before learning from it
                run.log("online/correct", (p > 0.5 ? 1 : 0) == y ? 1.0 : 0.0, i);
                run.log(
                        "online/log_loss",
                        -(y == 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12))),
                        i);
                double g = p - y;
                w[0] -= lr * g;
                w[1] -= lr * g * x1;
                w[2] -= lr * g * x2;
                if (pauseMicros > 0) sleepMicros(pauseMicros);
            }
        }
        out.println("online run " + run.id() + ": " + events + " events streamed into experiment 'online' of "
                + tracker.uri());
        return run.id();
    }

    private static void sleepMicros(long micros) {
        try {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Accuracy per wall-clock second of an online run, over the {@code metrics} view of {@code runlake sql}. */
    public static String windowedAccuracySql(String runId) {
        return "select time_bucket(interval '1 second', timestamp) as time_window, avg(value) as accuracy, "
                + "count(*) as events from metrics where run_id = '" + runId + "' and key = 'online/correct' "
                + "group by time_window order by time_window";
    }

    /** Streams 20,000 events into {@code args[0]} (default: RUNLAKE_URI, else ./runlake-data). */
    public static void main(String[] args) {
        String uri = args.length > 0 ? args[0] : StoreUris.defaultUri().toString();
        String runId;
        try (Tracker tracker = Tracker.open(uri)) {
            runId = run(tracker, 20_000, 200, System.out);
        }
        System.out.println(
                "accuracy per second: ./runlake sql --uri " + uri + " \"" + windowedAccuracySql(runId) + "\"");
    }
}
