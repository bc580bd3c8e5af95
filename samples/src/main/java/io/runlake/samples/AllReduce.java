package io.runlake.samples;

import java.util.Arrays;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * In-process all-reduce for data-parallel training: each step, every worker contributes its gradient
 * and waits until all have, then all continue with the mean. If one worker fails, {@link #abort()}
 * releases the others at once with an exception instead of leaving them waiting.
 */
final class AllReduce {
    private final int workers;
    private final double[][] contributions;
    private final double[] mean;
    private final long timeoutMs;
    private final Phaser phaser;

    AllReduce(int workers, int length, long timeoutMs) {
        if (workers < 1) throw new IllegalArgumentException("workers must be positive: " + workers);
        this.workers = workers;
        this.contributions = new double[workers][length];
        this.mean = new double[length];
        this.timeoutMs = timeoutMs;
        this.phaser = new Phaser(workers) {
            @Override
            protected boolean onAdvance(int phase, int registeredParties) {
                // Runs in the last arriving worker before any worker is released.
                Arrays.fill(mean, 0);
                for (double[] c : contributions) {
                    for (int i = 0; i < mean.length; i++) mean[i] += c[i];
                }
                for (int i = 0; i < mean.length; i++) mean[i] /= AllReduce.this.workers;
                return false;
            }
        };
    }

    /** The gradient averaging of worker {@code worker}, for {@link Trainer#train}. */
    Trainer.GradientSync forWorker(int worker) {
        if (worker < 0 || worker >= workers) throw new IllegalArgumentException("worker " + worker + " of " + workers);
        return gradient -> {
            if (gradient.length != mean.length) {
                throw new IllegalArgumentException(
                        "gradient has " + gradient.length + " values, expected " + mean.length);
            }
            System.arraycopy(gradient, 0, contributions[worker], 0, gradient.length);
            int phase = phaser.arrive();
            if (phase < 0) throw aborted(worker);
            try {
                phaser.awaitAdvanceInterruptibly(phase, timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                abort();
                throw new IllegalStateException(
                        "worker " + worker + " waited " + timeoutMs + " ms for the other workers' gradients");
            }
            if (phaser.isTerminated()) throw aborted(worker);
            System.arraycopy(mean, 0, gradient, 0, gradient.length);
        };
    }

    /** Releases every waiting worker with an exception; later calls fail at once. */
    void abort() {
        phaser.forceTermination();
    }

    private static AbortedException aborted(int worker) {
        return new AbortedException("worker " + worker + " stopped: another worker of the data-parallel run failed");
    }

    /** Thrown to a worker released because another worker failed. */
    static final class AbortedException extends IllegalStateException {
        AbortedException(String message) {
            super(message);
        }
    }
}
