package io.runlake.samples;

import io.runlake.client.Run;
import io.runlake.client.RunSpec;
import io.runlake.client.SearchSpace;
import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import io.runlake.client.Trial;
import io.runlake.format.Layout;
import io.runlake.format.RunStatus;
import io.runlake.store.LocalPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A hyperparameter sweep of a small MLP on two interleaved spirals, tracked with RunLake: one parent
 * run, a grid of child runs, one child that diverges (recorded FAILED, the sweep goes on) and one child
 * trained data-parallel by two workers that each log into the same run.
 */
public final class SweepDemo {
    public static final String EXPERIMENT = "spirals";

    static final int POINTS_PER_CLASS = 1500;
    static final double TURNS = 1.25;
    static final double NOISE = 0.05;
    static final long DATA_SEED = 42;
    static final double VALIDATION_FRACTION = 0.25;
    static final double MOMENTUM = 0.9;
    /** Name of the child run whose learning rate is far too high. */
    public static final String DIVERGING_RUN = "lr-too-high";
    /** Name of the child run trained by two workers. */
    public static final String DATA_PARALLEL_RUN = "data-parallel-2w";

    private static final long ALL_REDUCE_TIMEOUT_MS = 60_000;

    private SweepDemo() {}

    /** One trial of the sweep: its run name, training config and number of workers. */
    record TrialPlan(String name, TrainConfig config, int workers) {
        /** The point the sweep records for it. */
        Map<String, Object> point() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("lr", config.learningRate());
            p.put("hidden_units", config.hiddenUnits());
            p.put("batch_size", config.batchSize());
            p.put("workers", workers);
            return p;
        }
    }

    /** What happened to one run. {@code valAccuracy} is NaN when the run did not get through an epoch. */
    public record RunResult(
            String runId,
            String name,
            RunStatus status,
            int workers,
            Map<String, Object> params,
            double valAccuracy,
            String error,
            Duration elapsed) {}

    /** The outcome of the whole sweep. */
    public record Summary(
            URI storeUri, String experiment, RunResult parent, List<RunResult> children, Duration elapsed) {
        public int totalRuns() {
            return 1 + children.size();
        }

        public long count(RunStatus status) {
            return (parent.status() == status ? 1 : 0)
                    + children.stream().filter(r -> r.status() == status).count();
        }

        /** The finished child with the highest final validation accuracy. */
        public Optional<RunResult> best() {
            return children.stream()
                    .filter(r -> r.status() == RunStatus.FINISHED && !Double.isNaN(r.valAccuracy()))
                    .max(Comparator.comparingDouble(RunResult::valAccuracy));
        }

        /** Where the experiment's runs are stored: {@code <store>/runs/experiment=<name>/}. */
        public String experimentLocation() {
            String root = storeUri.toString();
            return (root.endsWith("/") ? root : root + "/") + Layout.experimentPrefix(experiment);
        }
    }

    /** The searched grid: every learning rate × hidden units × batch size, once. */
    static final SearchSpace GRID = SearchSpace.create()
            .choice("lr", 0.01, 0.1, 0.3)
            .choice("hidden_units", 16, 32)
            .choice("batch_size", 16, 64);

    /** The trials: the 12 points of {@link #GRID}, a diverging run and a data-parallel run. */
    static List<TrialPlan> trials() {
        List<TrialPlan> trials = new ArrayList<>();
        long seed = 1;
        for (Map<String, Object> p : GRID.grid()) {
            double lr = ((Number) p.get("lr")).doubleValue();
            int hidden = ((Number) p.get("hidden_units")).intValue();
            int batch = ((Number) p.get("batch_size")).intValue();
            int epochs = batch == 16 ? 25 : 40;
            TrainConfig c = new TrainConfig(lr, hidden, 1, batch, epochs, MOMENTUM, seed++);
            trials.add(new TrialPlan(String.format(Locale.ROOT, "lr%s-h%d-b%d", fmt(lr), hidden, batch), c, 1));
        }
        // In the middle of the sweep, so the demo shows the sweep carrying on after a failure.
        trials.add(6, new TrialPlan(DIVERGING_RUN, new TrainConfig(50, 16, 1, 32, 25, MOMENTUM, seed++), 1));
        trials.add(new TrialPlan(DATA_PARALLEL_RUN, new TrainConfig(0.1, 16, 1, 32, 40, MOMENTUM, seed), 2));
        return trials;
    }

    /** A sweep name that is new each time: running the demo again starts a new sweep rather than resuming this one. */
    public static String newSweepName() {
        return "grid-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now());
    }

    /**
     * Runs the sweep into {@code tracker}'s store; the data set, sweep file and model files it writes (and logs)
     * go into {@code workDir}, which is created 0700 if missing.
     */
    public static Summary run(Tracker tracker, PrintStream out, Path workDir) throws Exception {
        return run(tracker, out, workDir, newSweepName());
    }

    /**
     * Runs (or, when a sweep of this name was cut short, resumes) the sweep {@code sweepName} through the
     * {@link Sweep} API: one parent run, one child run per trial.
     */
    public static Summary run(Tracker tracker, PrintStream out, Path workDir, String sweepName) throws Exception {
        long t0 = System.nanoTime();
        Dataset.Split data = Spirals.generate(POINTS_PER_CLASS, TURNS, NOISE, DATA_SEED)
                .split(VALIDATION_FRACTION, DATA_SEED)
                .standardized();
        List<TrialPlan> trials = trials();
        DataFiles files = DataFiles.write(data, workDir);
        out.printf("RunLake sweep demo: experiment '%s' in %s%n", EXPERIMENT, tracker.uri());
        out.printf(
                "data: two spirals, %d training and %d validation points; model: MLP with a tanh hidden layer, mini-batch SGD%n",
                data.train().size(), data.validation().size());

        List<Map<String, Object>> points = new ArrayList<>();
        for (TrialPlan t : trials) points.add(t.point());
        Map<String, Object> parentParams = new LinkedHashMap<>(dataParams(data));
        parentParams.put("trials", trials.size());
        Map<Integer, Map<String, Object>> childParams = new HashMap<>();
        Map<Integer, Long> started = new HashMap<>();
        List<RunResult> children = new ArrayList<>();
        Sweep sweep = Sweep.builder(tracker, EXPERIMENT, sweepName)
                .points(points)
                .maximize("val/accuracy")
                .parentSpec(
                        spec -> spec.params(parentParams).tag("kind", "sweep").tag("model", "mlp"))
                .onParentStart(parent -> {
                    parent.logConfig(
                            files.sweepConfig(trials)); // configuration-as-code: the grid as an artifact + params
                    out.printf("parent run %s (sweep '%s' of %d trials)%n", parent.id(), sweepName, trials.size());
                })
                .trialSpec((i, point, spec) -> {
                    childSpec(spec, trials.get(i), data);
                    childParams.put(i, spec.params());
                    started.put(i, System.nanoTime());
                })
                .onTrialEnd(t -> {
                    long t1 = started.getOrDefault(t.index(), System.nanoTime());
                    RunResult r = new RunResult(
                            t.runId(),
                            trials.get(t.index()).name(),
                            t.status(),
                            trials.get(t.index()).workers(),
                            childParams.get(t.index()),
                            t.value(),
                            t.error(),
                            Duration.ofNanos(System.nanoTime() - t1));
                    children.add(r);
                    out.println(line(t.index() + 1, trials.size(), r));
                })
                .build();
        Sweep.Result result = sweep.run(trial -> {
            TrialPlan plan = trials.get(trial.index());
            if (plan.workers() == 1) runTrial(trial, plan, data, files);
            else runDataParallel(tracker, trial, plan, data, files);
        });

        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        RunResult parent = new RunResult(
                result.parentRunId(), sweepName, result.parentStatus(), 1, parentParams, Double.NaN, null, elapsed);
        Summary summary = new Summary(tracker.uri(), EXPERIMENT, parent, List.copyOf(children), elapsed);
        printSummary(summary, out);
        return summary;
    }

    private static void runTrial(Trial trial, TrialPlan plan, Dataset.Split data, DataFiles files) throws Exception {
        track(
                trial,
                plan,
                files,
                () -> Trainer.train(plan.config(), data.train(), data.validation(), stats -> logEpoch(trial, stats)));
    }

    /**
     * Worker 0 (this thread) logs into the trial's run; worker 1 (another thread, with a tracker of its own as if it
     * were another process) joins it. Each trains on half of the training data; gradients are averaged
     * every step, so both keep identical weights. Each worker logs its own metrics.
     */
    private static void runDataParallel(
            Tracker tracker, Trial trial, TrialPlan plan, Dataset.Split data, DataFiles files) throws Exception {
        int workers = plan.workers();
        track(trial, plan, files, () -> {
            int paramCount = new Mlp(plan.config().layerSizes(data.train().features()), 0).parameterCount();
            AllReduce allReduce = new AllReduce(workers, paramCount, ALL_REDUCE_TIMEOUT_MS);
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int w = 1; w < workers; w++) {
                others.add(startWorker(tracker, trial.run().id(), w, workers, plan, data, allReduce));
            }
            Trainer.Result result;
            try {
                result = Trainer.train(
                        plan.config(),
                        data.train().shard(0, workers),
                        data.validation(),
                        0,
                        allReduce.forWorker(0),
                        stats -> logEpoch(trial, stats));
            } catch (Exception e) {
                allReduce.abort();
                // If this worker was only released because another one failed, report the real failure.
                if (e instanceof AllReduce.AbortedException) {
                    Exception other = workerFailure(others, 5_000);
                    if (other != null) throw other;
                }
                throw e;
            }
            Exception other = workerFailure(others, ALL_REDUCE_TIMEOUT_MS);
            if (other != null) throw other;
            return result; // replicas are identical: worker 0's model is the model
        });
    }

    /** Trains one trial: records the data inputs, then the model; a throw ends the trial FAILED (the sweep goes on). */
    @FunctionalInterface
    private interface Training {
        Trainer.Result train() throws Exception;
    }

    private static void track(Trial trial, TrialPlan plan, DataFiles files, Training training) throws Exception {
        Run run = trial.run();
        files.logInputs(run);
        Trainer.Result result;
        try {
            result = training.train();
        } catch (TrainingDivergedException e) {
            // the value that gave the divergence away is the run's last train/loss: charts show the blow-up
            run.log("train/loss", e.loss(), e.epoch());
            throw e;
        }
        logModel(run, result.model(), modelFile(files.dir(), plan.name()));
    }

    /** A worker that joins run {@code runId} through its own tracker, as a separate process would. */
    private static CompletableFuture<Void> startWorker(
            Tracker tracker,
            String runId,
            int worker,
            int workers,
            TrialPlan trial,
            Dataset.Split data,
            AllReduce allReduce) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try (Tracker own = Tracker.open(tracker.uri(), tracker.options())) {
                        Run run = own.joinRun(runId, worker);
                        try {
                            Trainer.train(
                                    trial.config(),
                                    data.train().shard(worker, workers),
                                    data.validation(),
                                    worker,
                                    allReduce.forWorker(worker),
                                    stats -> logEpoch(run, stats));
                            run.finish();
                        } catch (Throwable e) {
                            run.fail(e);
                            throw e;
                        }
                        done.complete(null);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                        allReduce.abort();
                    }
                },
                "sweep-worker-" + worker);
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Waits for the other workers; returns the first real failure among them (not a mere abort), or null. */
    private static Exception workerFailure(List<CompletableFuture<Void>> others, long timeoutMs) throws Exception {
        Exception aborted = null;
        for (int w = 1; w <= others.size(); w++) {
            try {
                others.get(w - 1).get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Exception failure = new IllegalStateException(
                        "worker " + w + " failed: " + e.getCause().getMessage(), e.getCause());
                if (!(e.getCause() instanceof AllReduce.AbortedException)) return failure;
                if (aborted == null) aborted = failure;
            }
        }
        return aborted;
    }

    private static void childSpec(RunSpec spec, TrialPlan trial, Dataset.Split data) {
        spec.name(trial.name())
                .params(trial.config().asParams())
                .param("workers", trial.workers())
                .params(dataParams(data))
                .tag("model", "mlp")
                .tag("dataset", "spirals");
        if (trial.workers() > 1) spec.tag("parallelism", "data-parallel");
    }

    private static Map<String, Object> dataParams(Dataset.Split data) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("data.points_per_class", POINTS_PER_CLASS);
        p.put("data.turns", TURNS);
        p.put("data.noise", NOISE);
        p.put("data.seed", DATA_SEED);
        p.put("data.train_size", data.train().size());
        p.put("data.validation_size", data.validation().size());
        return p;
    }

    /** Worker 0 logs into the trial: val/accuracy is the sweep's objective, reported through the trial. */
    private static void logEpoch(Trial trial, Trainer.EpochStats s) {
        logTraining(trial.run(), s);
        trial.run().log("val/loss", s.valLoss(), s.epoch());
        trial.report(s.epoch(), s.valAccuracy());
    }

    private static void logEpoch(Run run, Trainer.EpochStats s) {
        logTraining(run, s);
        run.log("val/loss", s.valLoss(), s.epoch());
        run.log("val/accuracy", s.valAccuracy(), s.epoch());
    }

    private static void logTraining(Run run, Trainer.EpochStats s) {
        run.log("train/loss", s.trainLoss(), s.epoch());
        run.log("train/accuracy", s.trainAccuracy(), s.epoch());
    }

    /**
     * Saves the model where a training job would keep it and logs it; the stored copy is content-addressed,
     * so overwriting this file next time cannot change what the run recorded.
     */
    private static void logModel(Run run, Mlp model, Path file) throws IOException {
        LocalPaths.createPrivateDirectories(file.getParent());
        Files.write(file, model.toBytes());
        run.logArtifact(file, "model.bin"); // copied (and hashed) before it returns
    }

    /** Where the demo keeps the model file of a trial ({@code runlake lineage <file>} traces it back). */
    public static Path modelFile(Path workDir, String trialName) {
        return workDir.resolve("models").resolve(trialName + ".bin");
    }

    private static String line(int i, int n, RunResult r) {
        Map<String, Object> p = r.params();
        String hp = String.format(
                Locale.ROOT,
                "lr=%-5s hidden=%-3s batch=%-3s epochs=%-3s seed=%-3s workers=%s",
                p.get("lr"),
                p.get("hidden_units"),
                p.get("batch_size"),
                p.get("epochs"),
                p.get("seed"),
                p.get("workers"));
        String outcome = r.status() == RunStatus.FINISHED
                ? String.format(Locale.ROOT, "val/accuracy=%.3f", r.valAccuracy())
                : String.valueOf(r.error());
        return String.format(
                Locale.ROOT,
                "  [%2d/%d] %-18s %s  %-8s %5.2fs  %s  %s",
                i,
                n,
                r.name(),
                hp,
                r.status(),
                r.elapsed().toMillis() / 1000.0,
                r.runId(),
                outcome);
    }

    private static void printSummary(Summary s, PrintStream out) {
        StringBuilder statuses = new StringBuilder();
        for (RunStatus st : RunStatus.values()) {
            long n = s.count(st);
            if (n > 0)
                statuses.append(statuses.length() == 0 ? "" : ", ")
                        .append(n)
                        .append(' ')
                        .append(st);
        }
        out.printf(
                Locale.ROOT,
                "%d runs (1 parent + %d children): %s, in %.1f s%n",
                s.totalRuns(),
                s.children().size(),
                statuses,
                s.elapsed().toMillis() / 1000.0);
        s.best()
                .ifPresent(b -> out.printf(
                        Locale.ROOT, "best: %s (run %s), val/accuracy %.3f%n", b.name(), b.runId(), b.valAccuracy()));
        out.printf("store: %s%n", s.storeUri());
        out.printf("runs written to: %s%n", s.experimentLocation());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /**
     * Where the demo keeps its files unless told: {@code demo-files/} inside a local store's folder (readers
     * ignore top-level folders the format does not define), else {@code ./runlake-demo-files}.
     */
    public static Path defaultWorkDir(URI store) {
        if ("file".equals(store.getScheme())) return Path.of(store).resolve("demo-files");
        return Path.of("runlake-demo-files").toAbsolutePath();
    }

    /** Runs the demo: {@code [store-uri [work-dir]]}, the store by default {@code RUNLAKE_URI} or ./runlake-data. */
    public static void main(String[] args) throws Exception {
        try (Tracker tracker = args.length > 0 ? Tracker.open(args[0]) : Tracker.open()) {
            run(tracker, System.out, args.length > 1 ? Path.of(args[1]) : defaultWorkDir(tracker.uri()));
        }
    }
}
