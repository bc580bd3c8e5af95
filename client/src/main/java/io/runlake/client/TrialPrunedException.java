package io.runlake.client;

/** Thrown by {@link Trial#pruneIfNeeded()}: early stopping ended the trial; the sweep records it as pruned. */
public final class TrialPrunedException extends RuntimeException {
    public TrialPrunedException(int trial, long step) {
        super("trial " + trial + " pruned at step " + step, null, false, false);
    }
}
