package io.runlake.client.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background writer of one run: everything a run writes (events, shards, artifact uploads, the end manifest) is
 * queued here and runs one task at a time, in queue order, so objects reach the store in the order they were logged
 * and the training thread never waits for storage. The tasks run on threads shared by all runs of the process (a
 * run does not start a thread of its own: that alone cost more than the rest of starting a run on a busy machine).
 */
final class WriterThread {
    private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);
    /** Runs the queues of all runs; grows while runs write at once (a store request can wait seconds), else reused. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemon("runlake-writer"));
    /** Queues the periodic flushes of all runs. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final String runId;
    private final Duration closeTimeout;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** A worker is draining {@link #queue}. */
    private boolean draining;
    /** The task a worker is running now; null between tasks. */
    private Runnable running;

    private boolean shutdown;
    private ScheduledFuture<?> nextFlush;

    WriterThread(RunIdentity id, Duration closeTimeout) {
        this.runId = id.runId();
        this.closeTimeout = closeTimeout;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("runlake-flush-timer"));
        t.setRemoveOnCancelPolicy(true); // runs end by the thousand: no dead timers left behind
        return t;
    }

    /**
     * Runs {@code flush} after each wait that {@code nextWaitMillis} gives, asked after the previous run ended (so
     * waits are measured from the end of the previous flush); a failure is logged and the schedule goes on until the
     * run ends.
     */
    void schedule(LongSupplier nextWaitMillis, Runnable flush) {
        Runnable guarded = () -> {
            try {
                flush.run();
            } catch (Throwable t) {
                // keep the scheduled flush alive whatever happens
                LOG.error("RunLake: background flush of run {} failed", runId, t);
            } finally {
                schedule(nextWaitMillis, flush);
            }
        };
        long millis = nextWaitMillis.getAsLong();
        synchronized (this) {
            if (shutdown) return;
            nextFlush = TIMER.schedule(() -> enqueueQuietly(guarded), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void enqueueQuietly(Runnable task) {
        try {
            execute(task);
        } catch (RejectedExecutionException e) {
            // the run has ended
        }
    }

    /**
     * A task that only writes objects already in the start journal: it touches neither the run's buffer nor its
     * shards, and losing the process while it waits loses nothing.
     */
    interface JournaledWrite extends Runnable {}

    /** A task that only adds to the run's buffer (a system metrics reading): it writes nothing. */
    interface BufferOnly extends Runnable {}

    /**
     * Shuts the queue if the task running is a {@link JournaledWrite} (or none) and every task queued is a
     * {@link JournaledWrite} or {@link BufferOnly}: then, once the caller has run the {@link BufferOnly} tasks, which
     * this removes from the queue and returns in order, nothing else can touch the run's buffer or shards, and the
     * caller may prepare the run's end itself and queue it with {@link #submitLast}.
     *
     * @return the buffer-only tasks to run now, or null if the queue was not shut
     */
    synchronized List<Runnable> shutdownIfOnlyJournaledWrites() {
        if (shutdown || (running != null && !(running instanceof JournaledWrite))) return null;
        for (Runnable t : queue) {
            if (!(t instanceof JournaledWrite) && !(t instanceof BufferOnly)) return null;
        }
        List<Runnable> bufferOnly = new ArrayList<>();
        queue.removeIf(t -> t instanceof BufferOnly && bufferOnly.add(t));
        shutdown();
        return bufferOnly;
    }

    /** Queues the run's last task behind everything queued, after {@link #shutdownIfOnlyJournaledWrites}. */
    Future<?> submitLast(Runnable task) {
        FutureTask<Void> f = new FutureTask<>(task, null);
        enqueue(f, true);
        return f;
    }

    /** Queues {@code task} behind everything queued before it. @throws RejectedExecutionException once shut down */
    void execute(Runnable task) {
        enqueue(task, false);
    }

    private void enqueue(Runnable task, boolean last) {
        synchronized (this) {
            if (shutdown && !last) throw new RejectedExecutionException("run " + runId + " has ended");
            queue.add(task);
            if (draining) return;
            draining = true;
        }
        WORKERS.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                running = task;
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("RunLake: background task of run {} failed", runId, t);
            }
        }
    }

    Future<?> submit(Runnable task) {
        FutureTask<Void> f = new FutureTask<>(task, null);
        execute(f);
        return f;
    }

    /** Queues {@code flush} unless one requested earlier has not run yet; ignored once the thread is shut down. */
    void requestFlush(Runnable flush) {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                execute(() -> {
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
        Future<?> f;
        try {
            f = submit(flush);
        } catch (RejectedExecutionException e) {
            return; // ended: the last shard is written by the end
        }
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
    synchronized void shutdown() {
        shutdown = true;
        if (nextFlush != null) nextFlush.cancel(false);
    }
}
