package io.runlake.client;

import io.runlake.client.internal.ParamValues;
import io.runlake.client.internal.SuccessiveHalving;
import io.runlake.client.internal.SweepClaims;
import io.runlake.client.internal.SweepHistory;
import io.runlake.format.Json;
import io.runlake.format.Names;
import io.runlake.format.RunIds;
import io.runlake.format.RunStatus;
import io.runlake.runs.SweepTags;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A hyperparameter search tracked as one parent run (the sweep) with one child run per trial (FORMAT.md §9.5).
 * Points come from a {@link SearchSpace} (grid or seeded random) or an explicit list; successive halving optionally
 * stops trials whose reported objective falls behind at a rung.
 *
 * <p>A sweep is named within its experiment. Running a sweep again by the same name resumes it: the trials an earlier
 * attempt finished (FINISHED, FAILED, or pruned) are read back from the store and not run again; trials that crashed
 * or were killed run again under new run ids (tag {@code sweep.rerun_of}). Each attempt is a parent run of its own,
 * tagged with the sweep's name; the new one names the ones it resumes ({@code sweep.resumes}). Several processes (on
 * several machines) may run one sweep at the same time: each trial attempt is claimed in the store with put-if-absent
 * before it runs, so every trial runs in exactly one of them.
 *
 * <pre>{@code
 * Sweep.Result r = Sweep.builder(tracker, "mnist", "lr-search")
 *         .space(SearchSpace.create().logUniform("lr", 1e-4, 1e-1).choice("hidden", 64, 128))
 *         .random(20, 42)
 *         .successiveHalving(1, 3)
 *         .maximize("val/accuracy")
 *         .build()
 *         .run(trial -> {
 *             for (int epoch = 0; epoch < 27 && !trial.shouldStop(); epoch++) trial.report(epoch, train(trial, epoch));
 *         });
 * }</pre>
 */
public final class Sweep {
    // the names live in core (io.runlake.runs.SweepTags), where the readers find them too
    /** Tag on the parent and every trial: the sweep's name, which identifies it within the experiment. */
    public static final String TAG_NAME = SweepTags.NAME;
    /** Tag: {@code parent} or {@code trial}. */
    public static final String TAG_ROLE = SweepTags.ROLE;

    public static final String ROLE_PARENT = SweepTags.ROLE_PARENT;
    public static final String ROLE_TRIAL = SweepTags.ROLE_TRIAL;
    /** Tag on a trial: the point's index in the sweep (0-based). */
    public static final String TAG_TRIAL = SweepTags.TRIAL;
    /** Tag on a trial: the attempt number of its claim (FORMAT.md §9.5), 0 for the first run of the point. */
    public static final String TAG_ATTEMPT = SweepTags.ATTEMPT;
    /** Tag on a trial when it ends: {@code true} when early stopping ended it. */
    public static final String TAG_PRUNED = SweepTags.PRUNED;
    /** Tag on a trial when it ends: the last value it reported. */
    public static final String TAG_VALUE = SweepTags.VALUE;
    /** Tag on a trial when it ends: the highest rung it reached (successive halving only). */
    public static final String TAG_RUNG = SweepTags.RUNG;
    /** Tag prefix on a trial: {@code sweep.rung.<k>} is its value at rung k, set when it reaches the rung. */
    public static final String TAG_RUNG_VALUE_PREFIX = SweepTags.RUNG_VALUE_PREFIX;
    /** Tag on a trial run again after a crash: the run ids of the earlier tries, comma-separated. */
    public static final String TAG_RERUN_OF = SweepTags.RERUN_OF;
    /** Tag on a resumed sweep's parent: the parent run ids of the earlier attempts, comma-separated. */
    public static final String TAG_RESUMES = SweepTags.RESUMES;

    public static final String TAG_BEST_RUN = SweepTags.BEST_RUN;
    public static final String TAG_BEST_TRIAL = SweepTags.BEST_TRIAL;
    public static final String TAG_BEST_VALUE = SweepTags.BEST_VALUE;
    /** Param of the parent: the search space as JSON. */
    public static final String PARAM_SPACE = SweepTags.PARAM_SPACE;
    /** Param of the parent: sampler, number of trials, seed, objective, direction and pruner as JSON. */
    public static final String PARAM_METHOD = SweepTags.PARAM_METHOD;
    /** Metrics of the parent, one point per trial at step = trial index. */
    public static final String METRIC_VALUE = "sweep/value";

    public static final String METRIC_BEST = "sweep/best_value";

    /** Default time after which an attempt that wrote nothing is taken as dead (FORMAT.md §8.2's stale timeout). */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(15);

    /** The code of one trial: read the params, train, {@link Trial#report} the objective. */
    @FunctionalInterface
    public interface TrialBody {
        void run(Trial trial) throws Exception;
    }

    /** Adds to a trial's run spec before it starts (a name, tags, fixed params). */
    @FunctionalInterface
    public interface TrialSpec {
        void configure(int index, Map<String, Object> point, RunSpec spec);
    }

    /**
     * One trial's outcome. {@code value} is the last reported value (NaN if none); {@code earlier}: another attempt (an
     * earlier one, or another process running the sweep now) ran it. A trial another process still runs is RUNNING,
     * with a null run id while its run has not reached the store.
     */
    public record TrialResult(
            int index,
            String runId,
            Map<String, Object> params,
            RunStatus status,
            boolean pruned,
            double value,
            boolean earlier,
            String error) {}

    /** The sweep's outcome: the parent run of this attempt and every trial (earlier attempts' included), by index. */
    public record Result(
            String parentRunId, RunStatus parentStatus, List<String> resumed, List<TrialResult> trials, int rerun) {
        /** The best FINISHED, not pruned trial by its value. */
        public Optional<TrialResult> best(boolean maximize) {
            Comparator<TrialResult> byValue = Comparator.comparingDouble(TrialResult::value);
            return trials.stream()
                    .filter(t -> t.status() == RunStatus.FINISHED && !t.pruned() && !Double.isNaN(t.value()))
                    .max(maximize ? byValue : byValue.reversed());
        }

        /** Trials this attempt ran (not read back from an earlier one). */
        public long ranNow() {
            return trials.stream().filter(t -> !t.earlier()).count();
        }
    }

    private final Tracker tracker;
    private final String experiment;
    private final String name;
    private final List<Map<String, Object>> points;
    private final Map<String, Object> space;
    private final Map<String, Object> method;
    private final String objective;
    private final boolean maximize;
    private final Long pruneMinStep;
    private final int reductionFactor;
    private final Duration staleAfter;
    private final Consumer<RunSpec> parentSpec;
    private final TrialSpec trialSpec;
    private final Consumer<Run> parentStarted;
    private final Consumer<TrialResult> trialEnded;

    private Sweep(Builder b) {
        if (b.points == null)
            throw new IllegalStateException("sweep '" + b.name + "' has no points: call grid(), random() or points()");
        if (b.objective == null)
            throw new IllegalStateException("sweep '" + b.name + "' has no objective: call maximize() or minimize()");
        this.tracker = b.tracker;
        this.experiment = b.experiment;
        this.name = b.name;
        this.points = List.copyOf(b.points);
        this.space = b.space == null ? null : b.space.describe();
        this.objective = b.objective;
        this.maximize = b.maximize;
        this.pruneMinStep = b.pruneMinStep;
        this.reductionFactor = b.reductionFactor;
        this.staleAfter = b.staleAfter;
        this.parentSpec = b.parentSpec;
        this.trialSpec = b.trialSpec;
        this.parentStarted = b.parentStarted;
        this.trialEnded = b.trialEnded;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampler", b.sampler);
        m.put("trials", points.size());
        if (b.seed != null) m.put("seed", b.seed);
        m.put("objective", objective);
        m.put("direction", maximize ? "maximize" : "minimize");
        if (pruneMinStep != null)
            m.put(
                    "pruner",
                    SearchSpace.ordered(
                            "kind",
                            "successive_halving",
                            "min_step",
                            pruneMinStep,
                            "reduction_factor",
                            reductionFactor));
        this.method = m;
    }

    public static Builder builder(Tracker tracker, String experiment, String name) {
        return new Builder(tracker, experiment, name);
    }

    public String name() {
        return name;
    }

    public List<Map<String, Object>> points() {
        return points;
    }

    public boolean maximize() {
        return maximize;
    }

    public static final class Builder {
        private final Tracker tracker;
        private final String experiment;
        private final String name;
        private SearchSpace space;
        private List<Map<String, Object>> points;
        private String sampler;
        private Long seed;
        private String objective;
        private boolean maximize;
        private Long pruneMinStep;
        private int reductionFactor;
        private Duration staleAfter = DEFAULT_STALE_AFTER;
        private Consumer<RunSpec> parentSpec = s -> {};
        private TrialSpec trialSpec = (i, p, s) -> {};
        private Consumer<Run> parentStarted = r -> {};
        private Consumer<TrialResult> trialEnded = t -> {};

        private Builder(Tracker tracker, String experiment, String name) {
            this.tracker = tracker;
            this.experiment = Names.requireExperiment(experiment);
            this.name = Names.requireTagValue(TAG_NAME, Names.requireRunName(name));
        }

        public Builder space(SearchSpace space) {
            this.space = space;
            return this;
        }

        /** Every point of the space's grid, once. */
        public Builder grid() {
            return sample("grid", requireSpace().grid(), null);
        }

        /** {@code trials} points drawn from the space with {@code seed}: the same seed, the same points. */
        public Builder random(int trials, long seed) {
            return sample("random", requireSpace().random(trials, seed), seed);
        }

        /** Exactly these points, in this order (e.g. a grid with a few hand-picked points added). */
        public Builder points(List<Map<String, Object>> points) {
            List<Map<String, Object>> normalised = new ArrayList<>();
            for (Map<String, Object> p : points) {
                Map<String, Object> q = new LinkedHashMap<>();
                p.forEach((k, v) -> q.put(Names.requireKey("param name", k), ParamValues.normalise(k, v)));
                normalised.add(q);
            }
            return sample("points", normalised, null);
        }

        private Builder sample(String sampler, List<Map<String, Object>> points, Long seed) {
            if (points.isEmpty()) throw new IllegalArgumentException("sweep '" + name + "' has no points");
            this.sampler = sampler;
            this.points = points;
            this.seed = seed;
            return this;
        }

        private SearchSpace requireSpace() {
            if (space == null) throw new IllegalStateException("call space(...) before grid() or random()");
            return space;
        }

        public Builder maximize(String metric) {
            return objective(metric, true);
        }

        public Builder minimize(String metric) {
            return objective(metric, false);
        }

        private Builder objective(String metric, boolean max) {
            this.objective = Names.requireKey("metric name", metric);
            this.maximize = max;
            return this;
        }

        /**
         * Early stopping by asynchronous successive halving: rungs at {@code minStep}, {@code minStep·factor}, … ; a
         * trial whose value at a rung is not in the best 1/{@code factor} so far is told to stop.
         */
        public Builder successiveHalving(long minStep, int reductionFactor) {
            new SuccessiveHalving(minStep, reductionFactor, true); // checks the arguments
            this.pruneMinStep = minStep;
            this.reductionFactor = reductionFactor;
            return this;
        }

        /**
         * How long a claimed trial must have been silent before another process runs it again (default 15 minutes,
         * FORMAT.md §8.2's stale timeout).
         */
        public Builder staleAfter(Duration d) {
            this.staleAfter = d;
            return this;
        }

        /** Adds to the parent run's spec (more params or tags). */
        public Builder parentSpec(Consumer<RunSpec> configure) {
            this.parentSpec = configure;
            return this;
        }

        /** Adds to each trial's run spec (a name, tags, fixed params). */
        public Builder trialSpec(TrialSpec configure) {
            this.trialSpec = configure;
            return this;
        }

        /** Called with the parent run once it has started (to log a config file or inputs to it). */
        public Builder onParentStart(Consumer<Run> started) {
            this.parentStarted = started;
            return this;
        }

        /** Called after each trial this attempt runs has ended (progress output). */
        public Builder onTrialEnd(Consumer<TrialResult> ended) {
            this.trialEnded = ended;
            return this;
        }

        public Sweep build() {
            return new Sweep(this);
        }
    }

    /** What the trial body sees of early stopping; package-private so {@link Trial} can report to it. */
    static final class Evaluation {
        private final String objective;
        private final SuccessiveHalving pruner;
        private final Run run;
        private double lastValue = Double.NaN;
        private int nextRung;
        private boolean pruned;
        private long prunedAtStep = -1;

        Evaluation(String objective, SuccessiveHalving pruner, Run run) {
            this.objective = objective;
            this.pruner = pruner;
            this.run = run;
        }

        String objective() {
            return objective;
        }

        void report(long step, double value) {
            lastValue = value;
            if (pruner == null || pruned) return;
            while (step >= pruner.rungStep(nextRung)) {
                int rung = nextRung++;
                run.setTag(TAG_RUNG_VALUE_PREFIX + rung, Double.toString(value));
                if (!pruner.promote(rung, value)) {
                    pruned = true;
                    prunedAtStep = step;
                    return;
                }
            }
        }

        boolean pruned() {
            return pruned;
        }

        long prunedAtStep() {
            return prunedAtStep;
        }

        double lastValue() {
            return lastValue;
        }

        /** Rungs reached, -1 for none. */
        int rung() {
            return nextRung - 1;
        }
    }

    /**
     * Runs the trials not yet done, one after another, each in a child run of a new parent run; returns when every
     * trial is done or held by another process. Several processes may run one sweep at once (FORMAT.md §9.5): each
     * trial attempt is claimed with put-if-absent before it starts, a process that loses a claim moves on, and a
     * trial whose claimed run crashed is claimed again as the next attempt. A trial that throws ends FAILED and the
     * sweep goes on; an interrupt ends the trial and the parent KILLED.
     *
     * @throws IllegalStateException when an earlier attempt was started with other points
     */
    public Result run(TrialBody body) throws InterruptedException {
        long now = System.currentTimeMillis();
        List<SweepHistory.PastRun> past = readHistory(now);
        String spaceJson = space == null ? null : json(space);
        String methodJson = json(method);
        List<String> resumed = new ArrayList<>();
        for (SweepHistory.PastRun r : past) {
            if (!ROLE_PARENT.equals(r.tags().get(TAG_ROLE))) continue;
            resumed.add(r.runId());
            Map<String, String> params = r.state().params();
            if (!methodJson.equals(params.get(PARAM_METHOD))
                    || (spaceJson != null && !spaceJson.equals(params.get(PARAM_SPACE))))
                throw new IllegalStateException("sweep '" + name + "' of experiment '" + experiment
                        + "' was started (run " + r.runId() + ") with " + params.get(PARAM_METHOD) + " "
                        + params.get(PARAM_SPACE) + "; this one is " + methodJson + " " + spaceJson
                        + ": give it another name");
        }

        SuccessiveHalving pruner =
                pruneMinStep == null ? null : new SuccessiveHalving(pruneMinStep, reductionFactor, maximize);
        TrialResult[] done = new TrialResult[points.size()];
        Map<Integer, List<String>> crashed = new TreeMap<>();
        Map<String, SweepHistory.PastRun> byAttempt = new HashMap<>();
        collectTrials(past, now, done, crashed, byAttempt, pruner);
        SweepClaims claims = new SweepClaims(tracker.store(), experiment, name);
        Map<Integer, Integer> latestClaims = claims.latestAttempts();

        RunSpec spec = tracker.newRun(experiment)
                .name(name)
                .param(PARAM_METHOD, methodJson)
                .tag(TAG_NAME, name)
                .tag(TAG_ROLE, ROLE_PARENT);
        if (spaceJson != null) spec.param(PARAM_SPACE, spaceJson);
        if (!resumed.isEmpty()) spec.tag(TAG_RESUMES, String.join(",", resumed));
        parentSpec.accept(spec);
        Run parent = spec.start();
        String claimer = RunIds.newId();
        Best best = new Best();
        int rerun = 0;
        try {
            parentStarted.accept(parent);
            for (int i = 0; i < points.size(); i++) {
                if (done[i] != null) {
                    best.offer(parent, done[i]);
                    continue;
                }
                int attempt = nextAttempt(claims, i, latestClaims.get(i), byAttempt, now);
                if (attempt < 0 || !claims.claim(i, attempt, claimer, parent.id(), System.currentTimeMillis()))
                    continue;
                List<String> earlier = crashed.get(i);
                if (earlier != null) rerun++;
                done[i] = runTrial(parent, i, attempt, earlier, pruner, body);
                best.offer(parent, done[i]);
                trialEnded.accept(done[i]);
            }
            fillInOthers(done, best, parent);
        } catch (InterruptedException | RuntimeException | Error e) {
            if (e instanceof InterruptedException) parent.kill();
            else parent.fail(e);
            throw e;
        }
        parent.finish();
        return new Result(parent.id(), parent.status(), List.copyOf(resumed), List.of(done), rerun);
    }

    private List<SweepHistory.PastRun> readHistory(long now) {
        return SweepHistory.read(tracker.store(), experiment, TAG_NAME, name, now, staleAfter.toMillis());
    }

    /**
     * Sorts the sweep's past trial runs: done ones into {@code done}, crashed or killed ones into {@code crashed},
     * each by its claim ({@code trial/attempt}) into {@code byAttempt}; rung values go to the pruner.
     */
    private void collectTrials(
            List<SweepHistory.PastRun> past,
            long now,
            TrialResult[] done,
            Map<Integer, List<String>> crashed,
            Map<String, SweepHistory.PastRun> byAttempt,
            SuccessiveHalving pruner) {
        for (SweepHistory.PastRun r : past) {
            if (!ROLE_TRIAL.equals(r.tags().get(TAG_ROLE))) continue;
            int index = intTag(r, TAG_TRIAL);
            if (index < 0 || index >= points.size()) continue;
            int attempt = intTag(r, TAG_ATTEMPT);
            if (attempt >= 0) byAttempt.put(index + "/" + attempt, r);
            if (done[index] != null) continue;
            requireSamePoint(r, index);
            boolean pruned = "true".equals(r.tags().get(TAG_PRUNED));
            if (!isDone(r)) {
                if (!live(r, now))
                    crashed.computeIfAbsent(index, k -> new ArrayList<>()).add(r.runId());
                continue;
            }
            done[index] = new TrialResult(
                    index,
                    r.runId(),
                    points.get(index),
                    r.status(),
                    pruned,
                    parse(r.tags().get(TAG_VALUE)),
                    true,
                    r.state().error());
            if (pruner != null) {
                for (int k = 0; r.tags().containsKey(TAG_RUNG_VALUE_PREFIX + k); k++)
                    pruner.remember(k, parse(r.tags().get(TAG_RUNG_VALUE_PREFIX + k)));
            }
        }
    }

    private static boolean isDone(SweepHistory.PastRun r) {
        return r.status() == RunStatus.FINISHED
                || r.status() == RunStatus.FAILED
                || (r.status() == RunStatus.KILLED && "true".equals(r.tags().get(TAG_PRUNED)));
    }

    /**
     * A trial run without an end that was written to within the stale timeout; its shards' upload times count, since
     * a trial that only logs metrics writes no JSON objects for a long time.
     */
    private boolean live(SweepHistory.PastRun r, long now) {
        return (r.status() == RunStatus.RUNNING || r.status() == RunStatus.CRASHED)
                && r.lastTouchedMs() >= now - staleAfter.toMillis();
    }

    /**
     * The attempt of trial {@code i} this process may claim, or -1 while another process holds it: 0 when it was
     * never claimed; the next one when the latest attempt's run crashed or was killed, or when that attempt has no
     * run and was claimed longer ago than the stale timeout (its process died before starting it).
     */
    private int nextAttempt(
            SweepClaims claims, int i, Integer latest, Map<String, SweepHistory.PastRun> byAttempt, long now) {
        if (latest == null) return 0;
        SweepHistory.PastRun r = byAttempt.get(i + "/" + latest);
        if (r != null) return live(r, now) || isDone(r) ? -1 : latest + 1;
        long claimedAt = claims.claimedAtMs(i, latest).orElse(Long.MIN_VALUE);
        return claimedAt < now - staleAfter.toMillis() ? latest + 1 : -1;
    }

    /**
     * Reads the sweep again for the trials other processes ran meanwhile, so the result and the parent's best cover
     * them; a trial still held elsewhere is reported RUNNING (run id null if it has not started yet).
     */
    private void fillInOthers(TrialResult[] done, Best best, Run parent) {
        if (Arrays.stream(done).allMatch(Objects::nonNull)) return;
        TrialResult[] others = new TrialResult[points.size()];
        Map<String, SweepHistory.PastRun> byAttempt = new HashMap<>();
        long now = System.currentTimeMillis();
        List<SweepHistory.PastRun> past = readHistory(now);
        collectTrials(past, now, others, new TreeMap<>(), byAttempt, null);
        for (int i = 0; i < done.length; i++) {
            if (done[i] != null) continue;
            if (others[i] != null) {
                done[i] = others[i];
                best.offer(parent, done[i]);
                continue;
            }
            String runId = null;
            for (SweepHistory.PastRun r : past)
                if (ROLE_TRIAL.equals(r.tags().get(TAG_ROLE)) && intTag(r, TAG_TRIAL) == i) runId = r.runId();
            done[i] = new TrialResult(i, runId, points.get(i), RunStatus.RUNNING, false, Double.NaN, true, null);
        }
    }

    private TrialResult runTrial(
            Run parent, int index, int attempt, List<String> earlier, SuccessiveHalving pruner, TrialBody body)
            throws InterruptedException {
        Map<String, Object> point = points.get(index);
        RunSpec spec = tracker.newRun(experiment)
                .parent(parent.id())
                .params(point)
                .tag(TAG_NAME, name)
                .tag(TAG_ROLE, ROLE_TRIAL)
                .tag(TAG_TRIAL, Integer.toString(index))
                .tag(TAG_ATTEMPT, Integer.toString(attempt));
        if (earlier != null) spec.tag(TAG_RERUN_OF, String.join(",", earlier));
        trialSpec.configure(index, point, spec);
        Run run = spec.start();
        Evaluation evaluation = new Evaluation(objective, pruner, run);
        String error = null;
        try {
            body.run(new Trial(index, point, run, evaluation));
        } catch (TrialPrunedException e) {
            // recorded as pruned below
        } catch (InterruptedException e) {
            run.kill();
            throw e;
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            endTags(run, evaluation);
            run.fail(e);
            return new TrialResult(index, run.id(), point, run.status(), false, evaluation.lastValue(), false, error);
        } catch (Error e) {
            run.fail(e);
            throw e;
        }
        endTags(run, evaluation);
        if (evaluation.pruned()) run.kill();
        else run.finish();
        return new TrialResult(
                index, run.id(), point, run.status(), evaluation.pruned(), evaluation.lastValue(), false, error);
    }

    private static void endTags(Run run, Evaluation evaluation) {
        run.setTag(TAG_PRUNED, Boolean.toString(evaluation.pruned()));
        if (!Double.isNaN(evaluation.lastValue())) run.setTag(TAG_VALUE, Double.toString(evaluation.lastValue()));
        if (evaluation.rung() >= 0) run.setTag(TAG_RUNG, Integer.toString(evaluation.rung()));
    }

    /** The best finished trial so far, kept on the parent as tags and a metric. */
    private final class Best {
        private TrialResult best;

        void offer(Run parent, TrialResult t) {
            if (!Double.isNaN(t.value())) parent.log(METRIC_VALUE, t.value(), t.index());
            boolean counts = t.status() == RunStatus.FINISHED && !t.pruned() && !Double.isNaN(t.value());
            if (counts && (best == null || (maximize ? t.value() > best.value() : t.value() < best.value()))) {
                best = t;
                parent.setTag(TAG_BEST_RUN, t.runId());
                parent.setTag(TAG_BEST_TRIAL, Integer.toString(t.index()));
                parent.setTag(TAG_BEST_VALUE, Double.toString(t.value()));
            }
            if (best != null) parent.log(METRIC_BEST, best.value(), t.index());
        }
    }

    /** A non-negative integer tag of a past run; -1 when absent or not a number. */
    private static int intTag(SweepHistory.PastRun r, String tag) {
        try {
            return Integer.parseInt(r.tags().getOrDefault(tag, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A past trial's params must be its point's: otherwise the points changed and resuming would mix two sweeps. */
    private void requireSamePoint(SweepHistory.PastRun r, int index) {
        Map<String, String> recorded = r.state().params();
        for (Map.Entry<String, Object> e : points.get(index).entrySet()) {
            String text = recorded.get(e.getKey());
            if (text == null || !sameValue(text, e.getValue()))
                throw new IllegalStateException("sweep '" + name + "': trial " + index + " (run " + r.runId()
                        + ") has " + e.getKey() + "=" + text + ", but the point is " + e.getValue()
                        + ": the points changed; give the sweep another name");
        }
    }

    private static boolean sameValue(String recorded, Object value) {
        if (value instanceof Number n) {
            try {
                return ParamValues.same(new BigDecimal(recorded), n);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return recorded.equals(String.valueOf(value));
    }

    private static double parse(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "sweep '%s' of '%s': %s", name, experiment, method);
    }
}
