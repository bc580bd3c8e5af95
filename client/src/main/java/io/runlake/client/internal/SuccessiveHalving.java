package io.runlake.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018; the rule of Optuna's {@code SuccessiveHalvingPruner}): rung
 * {@code k} is at step {@code minStep * reductionFactor^k}. A trial reaching a rung records its value there and goes
 * on only if that value is among the best {@code max(1, n / reductionFactor)} of the {@code n} values recorded at that
 * rung so far, its own included. Trials run one after another, so nothing waits for a rung to fill. NaN is the worst
 * value. Not thread-safe.
 */
public final class SuccessiveHalving {
    private final long minStep;
    private final int reductionFactor;
    private final boolean maximize;
    private final Map<Integer, List<Double>> rungs = new HashMap<>();

    public SuccessiveHalving(long minStep, int reductionFactor, boolean maximize) {
        if (minStep < 1 || reductionFactor < 2)
            throw new IllegalArgumentException("successive halving needs min step >= 1 and reduction factor >= 2");
        this.minStep = minStep;
        this.reductionFactor = reductionFactor;
        this.maximize = maximize;
    }

    public long minStep() {
        return minStep;
    }

    public int reductionFactor() {
        return reductionFactor;
    }

    /** The step of rung {@code k}. */
    public long rungStep(int k) {
        long s = minStep;
        for (int i = 0; i < k; i++) s = Math.multiplyExact(s, reductionFactor);
        return s;
    }

    /** Adds a value an earlier trial recorded at rung {@code k} (a resumed sweep reads them back from the store). */
    public void remember(int rung, double value) {
        rungs.computeIfAbsent(rung, k -> new ArrayList<>()).add(value);
    }

    /** Records {@code value} at rung {@code k}; true when the trial may go on. */
    public boolean promote(int rung, double value) {
        List<Double> values = rungs.computeIfAbsent(rung, k -> new ArrayList<>());
        values.add(value);
        int keep = Math.max(1, values.size() / reductionFactor);
        long better = values.stream().filter(v -> better(v, value)).count();
        return better < keep;
    }

    private boolean better(double a, double b) {
        if (Double.isNaN(a)) return false;
        if (Double.isNaN(b)) return true;
        return maximize ? a > b : a < b;
    }
}
