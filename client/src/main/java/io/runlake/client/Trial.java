package io.runlake.client;

import java.util.Map;

/**
 * One point of a {@link Sweep}, evaluated in its own child run. The body reads its params, trains, and reports the
 * objective as it goes; with early stopping on, it asks {@link #shouldStop()} after each report (or calls
 * {@link #pruneIfNeeded()}, which throws) and returns early when told. A trial that was told to stop ends
 * {@code KILLED} with the tag {@code sweep.pruned=true}; one that returns otherwise ends {@code FINISHED}; one that
 * throws ends {@code FAILED} and the sweep goes on.
 */
public final class Trial {
    private final int index;
    private final Map<String, Object> params;
    private final Run run;
    private final Sweep.Evaluation evaluation;

    Trial(int index, Map<String, Object> params, Run run, Sweep.Evaluation evaluation) {
        this.index = index;
        this.params = params;
        this.run = run;
        this.evaluation = evaluation;
    }

    /** The point's position in the sweep (0-based), recorded as the tag {@code sweep.trial}. */
    public int index() {
        return index;
    }

    /** The sampled point: param name → value (also the run's params). */
    public Map<String, Object> params() {
        return params;
    }

    /** The child run: log other metrics, artifacts and inputs to it; the sweep ends it. */
    public Run run() {
        return run;
    }

    public Object get(String name) {
        Object v = params.get(name);
        if (v == null) throw new IllegalArgumentException("trial " + index + " has no param '" + name + "'");
        return v;
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public int getInt(String name) {
        return Math.toIntExact(((Number) get(name)).longValue());
    }

    public String getString(String name) {
        return String.valueOf(get(name));
    }

    /**
     * Reports the objective at {@code step} (an epoch, a number of samples): logs it as the sweep's objective
     * metric and, with early stopping, compares it with the other trials at each rung it passes.
     */
    public void report(long step, double value) {
        run.log(evaluation.objective(), value, step);
        evaluation.report(step, value);
    }

    /** Whether early stopping has pruned this trial: the body should return now. */
    public boolean shouldStop() {
        return evaluation.pruned();
    }

    /** Throws {@link TrialPrunedException} when {@link #shouldStop()}; the sweep records the trial as pruned. */
    public void pruneIfNeeded() {
        if (shouldStop()) throw new TrialPrunedException(index, evaluation.prunedAtStep());
    }

    /** The last value reported, NaN before the first report. */
    public double value() {
        return evaluation.lastValue();
    }
}
