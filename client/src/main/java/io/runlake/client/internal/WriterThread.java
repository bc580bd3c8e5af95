package io.runlake.client.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread of a writer. Everything a run writes (events, shards, artifact uploads, the
 * end manifest) is queued here, so objects reach the store in the order they were logged and the training
 * thread never waits for storage.
 */
final class WriterThread {
    private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);

    private final String runId;
    private final Duration closeTimeout;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean flushQueued = new AtomicBoolean();

    WriterThread(RunIdentity id, Duration closeTimeout) {
        this.runId = id.runId();
        this.closeTimeout = closeTimeout;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, id.threadName());
            t.setDaemon(true);
            return t;
        });
        // a timed flush still waiting when the run ends is dropped: the end writes the last shard itself
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = executor;
    }

    /**
     * Runs {@code flush} after each wait that {@code nextWaitMillis} gives, asked after the previous run; a failure
     * is logged and the schedule goes on until the thread is shut down.
     */
    void schedule(LongSupplier nextWaitMillis, Runnable flush) {
        Runnable tick = new Runnable() {
            @Override
            public void run() {
                try {
                    flush.run();
                } catch (Throwable t) {
                    // keep the scheduled flush alive whatever happens
                    LOG.error("RunLake: background flush of run {} failed", runId, t);
                }
                scheduleNext(this, nextWaitMillis);
            }
        };
        scheduleNext(tick, nextWaitMillis);
    }

    private void scheduleNext(Runnable tick, LongSupplier nextWaitMillis) {
        try {
            executor.schedule(tick, nextWaitMillis.getAsLong(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shut down: the run has ended and its last shard is queued
        }
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    /** Queues {@code flush} unless one requested earlier has not run yet; ignored once the thread is shut down. */
    void requestFlush(Runnable flush) {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    flushQueued.set(false);
                    flush.run();
                });
            } catch (RejectedExecutionException e) {
                flushQueued.set(false);
            }
        }
    }

    /** Runs {@code flush} behind everything queued and waits for it at most the close timeout (then it spills). */
    void flushAndWait(Runnable flush) {
        Future<?> f = executor.submit(flush);
        try {
            f.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("RunLake: flush of run {} is still writing after {}", runId, closeTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("RunLake: flush of run {} failed", runId, e.getCause());
        }
    }

    /** Accepts no new tasks; what is queued still runs. */
    void shutdown() {
        executor.shutdown();
    }
}
