package io.runlake.ui;

import io.runlake.client.ArtifactRef;
import io.runlake.client.Run;
import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.query.LakeOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Stores the UI tests read, written by the client as a team's would be. */
final class UiStores {
    static final String EXPERIMENT = "mnist";
    /** A run name that would run script if a page put it into HTML unescaped. */
    static final String XSS_NAME = "<img src=x onerror=alert(1)>";

    static final String MODEL = "fraud/eu <i>v2</i>";
    static final String NOTE = "Best so far: <b>lr 0.02</b>, **keep**";

    /** Experiment and name of a sweep run by the Sweep API; the name would run script if put into HTML. */
    static final String SWEEP_EXPERIMENT = "sweeps";

    static final String SWEEP = "lr <b>search</b>";

    static final String FAILED_RUN = "lr-too-high";
    static final String ERROR = "loss diverged to NaN at step 40";
    static final String ARTIFACT_TEXT = "weights of the best model\n";
    /** Points of the long curve of run "long" (downsampled by the server). */
    static final int LONG_POINTS = 20_000;

    private UiStores() {}

    static Tracker tracker(URI uri, Path tmp) {
        return Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofMillis(200))
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO));
    }

    static LakeOptions lakeOptions(Path tmp) {
        return LakeOptions.defaults().withCacheDir(tmp.resolve("cache"));
    }

    /**
     * Experiment {@value #EXPERIMENT}: a sweep parent with three children (lr 0.1, 0.03, 0.01; batch 64 in all),
     * one of them FAILED with {@value #ERROR}; a run named {@value #XSS_NAME} with an artifact and an input; and a
     * run "long" with {@value #LONG_POINTS} points of loss. Experiment "other": one run. Experiment {@value
     * #SWEEP_EXPERIMENT}: the sweep {@value #SWEEP} of three trials, one or more pruned.
     */
    static void write(URI uri, Path tmp) throws Exception {
        try (Tracker t = tracker(uri, tmp)) {
            Run parent = t.newRun(EXPERIMENT).name("sweep").start();
            double[] lrs = {0.1, 0.03, 0.01};
            String[] names = {FAILED_RUN, "lr-0.03", "lr-0.01"};
            for (int i = 0; i < lrs.length; i++) {
                Run r = t.newRun(EXPERIMENT)
                        .name(names[i])
                        .parent(parent.id())
                        .param("lr", lrs[i])
                        .param("batch", 64)
                        .tag("stage", "sweep")
                        .start();
                for (int s = 0; s < 50; s++) {
                    r.log("loss", Math.exp(-s * lrs[i]) + i * 0.01, s);
                    r.log("accuracy", 1 - Math.exp(-s * lrs[i]), s);
                }
                if (i == 0) r.fail(new IllegalStateException(ERROR));
                else r.finish();
            }
            parent.finish();
            Run x = t.newRun(EXPERIMENT)
                    .name(XSS_NAME)
                    .param("lr", 0.02)
                    .param("batch", 32)
                    .start();
            for (int s = 0; s < 20; s++) x.log("loss", 1.0 / (s + 1), s);
            Path model = Files.writeString(tmp.resolve("model.txt"), ARTIFACT_TEXT);
            ArtifactRef weights = x.logArtifact(model, "model.txt");
            Path train = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,2\n");
            x.logInput("train", train.toString(), "train");
            t.registerModel(MODEL, x, weights, Map.of("loss", 0.05));
            x.finish();
            t.models().setAlias(MODEL, "champion", 1, "first <b>one</b>");
            t.annotate(x.id()).setNote(NOTE); // after the fact (FORMAT.md §8.4), Markdown with markup in it
            Run longRun = t.newRun(EXPERIMENT)
                    .name("long")
                    .param("lr", 0.001)
                    .param("batch", 64)
                    .start();
            for (int s = 0; s < LONG_POINTS; s++) longRun.log("loss", 1.0 / Math.sqrt(s + 1), s);
            longRun.finish();
            Run o = t.newRun("other").name("solo").param("depth", 3).start();
            o.log("rmse", 0.5, 0);
            o.finish();
            // three trials, best first: successive halving (rungs at steps 2, 4, 8) prunes at least the second
            Sweep.builder(t, SWEEP_EXPERIMENT, SWEEP)
                    .points(List.of(Map.of("lr", 0.3), Map.of("lr", 0.1), Map.of("lr", 0.01)))
                    .successiveHalving(2, 2)
                    .maximize("acc")
                    .build()
                    .run(trial -> {
                        for (int s = 0; s < 10; s++) {
                            double acc = 1 - Math.exp(-(s + 1) * trial.getDouble("lr"));
                            trial.run().log("acc", acc, s);
                            trial.report(s, acc);
                            trial.pruneIfNeeded();
                        }
                    });
        }
    }
}
