package io.runlake.samples;

/**
 * Thrown when the training loss stops being a sensible number (usually: learning rate far too high). Carries the
 * loss that gave it away and the epoch it happened in, so the run can log that last value before it is recorded
 * FAILED: a diverged run that logged nothing would hide its blow-up from every chart.
 */
public class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final double loss;

    public TrainingDivergedException(String message, int epoch, double loss) {
        super(message);
        this.epoch = epoch;
        this.loss = loss;
    }

    /** The epoch in which training diverged. */
    public int epoch() {
        return epoch;
    }

    /** The loss that was out of bounds (NaN, infinite or above {@link Trainer#DIVERGED_LOSS}). */
    public double loss() {
        return loss;
    }
}
