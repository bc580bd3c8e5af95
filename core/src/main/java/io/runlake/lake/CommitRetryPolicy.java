package io.runlake.lake;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often {@link LakeCommitter} tries again after losing the race for a log version, and how long it
 * waits in between: exponential backoff with full jitter (a random wait between {@code minBackoff} and the
 * doubled cap), so writers that collided once spread out instead of colliding again.
 *
 * <p>A writer that loses {@code n - 1} races has seen {@code n - 1} other commits land, so with N writers
 * racing once each, {@code maxAttempts >= N} always suffices.
 *
 * @param maxAttempts attempts (the first one included) before the commit fails [50]
 * @param minBackoff shortest wait after a lost race [10 ms]
 * @param maxBackoff longest wait after a lost race [2 s]
 */
public record CommitRetryPolicy(int maxAttempts, Duration minBackoff, Duration maxBackoff) {

    public CommitRetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= minBackoff <= maxBackoff: " + minBackoff + ", " + maxBackoff);
        }
    }

    public static CommitRetryPolicy defaults() {
        return new CommitRetryPolicy(50, Duration.ofMillis(10), Duration.ofSeconds(2));
    }

    public CommitRetryPolicy withMaxAttempts(int attempts) {
        return new CommitRetryPolicy(attempts, minBackoff, maxBackoff);
    }

    public CommitRetryPolicy withBackoff(Duration min, Duration max) {
        return new CommitRetryPolicy(maxAttempts, min, max);
    }

    /** The wait after {@code lostRaces} lost races (1 or more). */
    public Duration backoff(int lostRaces, RandomGenerator random) {
        long min = minBackoff.toMillis();
        long cap = Math.min(maxBackoff.toMillis(), min << Math.min(lostRaces, 20));
        return Duration.ofMillis(cap <= min ? min : random.nextLong(min, cap + 1));
    }
}
