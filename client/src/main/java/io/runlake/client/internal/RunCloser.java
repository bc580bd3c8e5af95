package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Names;
import io.runlake.format.Redaction;
import io.runlake.format.RunEnd;
import io.runlake.format.RunStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one writer's part of a run: queues its last shard and end manifest behind everything already queued,
 * then waits for them within the close timeout, falling back to the local spill when the store is too slow.
 */
final class RunCloser {
    private static final Logger LOG = LoggerFactory.getLogger(RunCloser.class);

    private final RunIdentity id;
    private final DurableWriter out;
    private final WriterThread thread;
    private final MetricBuffer buffer;
    private final ShardWriter shards;
    private final Duration closeTimeout;
    /** Records the run's last system metrics reading before its last shard; null when they are off. */
    private final Runnable lastReading;

    RunCloser(
            RunIdentity id,
            DurableWriter out,
            WriterThread thread,
            MetricBuffer buffer,
            ShardWriter shards,
            Duration closeTimeout,
            Runnable lastReading) {
        this.id = id;
        this.out = out;
        this.thread = thread;
        this.buffer = buffer;
        this.shards = shards;
        this.closeTimeout = closeTimeout;
        this.lastReading = lastReading;
    }

    /** Queues the last shard and the end manifest, and shuts the writer thread once they are written. */
    Future<?> queueEnd(RunStatus endStatus, Throwable error) {
        RunEnd.ErrorInfo info = error == null ? null : errorInfo(error);
        Future<?> ending = thread.submit(() -> {
            if (lastReading != null) {
                try {
                    lastReading.run();
                } catch (RuntimeException e) {
                    LOG.debug("last system metrics reading failed", e); // never stands in the way of the end
                }
            }
            buffer.close();
            shards.writeShard();
            buffer.releasePages();
            RunEnd end = new RunEnd(
                    FormatVersion.CURRENT,
                    RunEnd.KIND,
                    id.experiment(),
                    id.runId(),
                    id.worker(),
                    id.writerId(),
                    endStatus.name(),
                    System.currentTimeMillis(),
                    info,
                    buffer.added(),
                    buffer.dropped(),
                    shards.shardsWritten());
            out.write(id.endManifestKey(), Json.write(end));
        });
        thread.shutdown();
        return ending;
    }

    private static RunEnd.ErrorInfo errorInfo(Throwable error) {
        StringWriter sw = new StringWriter();
        error.printStackTrace(new PrintWriter(sw));
        // messages often carry URLs (signed, or with credentials): FORMAT.md §7.2 "Redaction"; lone surrogates
        // cannot be stored as UTF-8 and become U+FFFD (§5)
        return new RunEnd.ErrorInfo(
                error.getClass().getName(),
                Redaction.redactText(Names.wellFormed(error.getMessage())),
                Redaction.redactText(Names.wellFormed(sw.toString())));
    }

    /**
     * Waits for the queued end until {@code deadlineNanos}. If the store has not taken everything by then,
     * the store is abandoned: the writer puts what is left (last shard, end manifest, queued events) into
     * the local spill, where this or the next process on the store pushes it. The writer is never
     * interrupted and nothing queued is discarded; an interrupt of the caller is restored on return.
     */
    void awaitEnd(Future<?> ending, long deadlineNanos) {
        boolean interrupted = false;
        try {
            interrupted = waitUntil(ending, deadlineNanos);
            if (!ending.isDone()) {
                LOG.warn(
                        "RunLake: run {} is still writing after {}; spilling the rest locally",
                        id.runId(),
                        closeTimeout);
                out.abandonStore();
                // local disk only from here on: as long again is ample even on a busy machine
                interrupted |= waitUntil(ending, System.nanoTime() + closeTimeout.toNanos());
                if (!ending.isDone()) {
                    LOG.error(
                            "RunLake: run {} could not write its last objects to the spill folder {} in time",
                            id.runId(),
                            out.spill().dir());
                }
            }
            if (ending.isDone()) reportFailure(ending);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (buffer.dropped() > 0) {
            LOG.warn("RunLake: run {} dropped {} points because the buffer was full", id.runId(), buffer.dropped());
        }
    }

    private void reportFailure(Future<?> ending) {
        try {
            ending.get();
        } catch (ExecutionException e) {
            LOG.error("RunLake: end of run {} failed", id.runId(), e.getCause());
        } catch (CancellationException | InterruptedException e) {
            LOG.error("RunLake: end of run {} was cancelled", id.runId());
        }
    }

    /** Waits for {@code f} until the deadline, through interrupts. @return whether an interrupt arrived */
    private static boolean waitUntil(Future<?> f, long deadlineNanos) {
        boolean interrupted = false;
        while (!f.isDone()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) break;
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (TimeoutException | ExecutionException | CancellationException e) {
                break;
            }
        }
        return interrupted;
    }
}
