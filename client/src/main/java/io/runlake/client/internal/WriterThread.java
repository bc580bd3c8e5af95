package io.runlake.client.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, id.threadName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code flush} every {@code every}; a failure is logged and the schedule goes on. */
    void schedule(Duration every, Runnable flush) {
        long millis = every.toMillis();
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        flush.run();
                    } catch (Throwable t) {
                        // keep the scheduled flush alive whatever happens
                        LOG.error("RunLake: background flush of run {} failed", runId, t);
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
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
