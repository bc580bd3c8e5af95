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
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A queued end. {@code journaled}: the last shard and end manifest are in the start journal already, so the run's
     * end survives this process and nobody needs to wait for {@code written}.
     */
    record Ending(Future<?> written, boolean journaled) {}

    /**
     * Queues the last shard and the end manifest behind everything already queued, and shuts the writer queue. When
     * everything queued only writes journaled objects (a short run whose start is still being written), the end is
     * prepared on the caller's thread and journaled like the start (FORMAT.md §10.1), so {@code finish()} costs an
     * encode and an append instead of two store writes.
     */
    Ending queueEnd(RunStatus endStatus, Throwable error) {
        RunEnd.ErrorInfo info = error == null ? null : errorInfo(error);
        List<Runnable> bufferOnly = out.mayJournalEnds() ? thread.shutdownIfOnlyJournaledWrites() : null;
        if (bufferOnly != null) {
            bufferOnly.forEach(RunCloser::runQuietly); // queued readings, so that they keep their place before the end
            List<StartJournal.Entry> last = lastObjects(endStatus, info, true);
            DurableWriter.Journaled journaled = out.tryJournal(last);
            if (journaled != null) {
                return new Ending(thread.submitLast(() -> out.writeJournaled(journaled)), true);
            }
            // no journal: written by the writer, behind the run's start
            return new Ending(thread.submitLast(() -> writeAll(last)), false);
        }
        Future<?> ending = thread.submit(() -> writeAll(lastObjects(endStatus, info, false)));
        thread.shutdown();
        return new Ending(ending, false);
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.debug("a queued task of an ending run failed", e);
        }
    }

    private void writeAll(List<StartJournal.Entry> objects) {
        for (StartJournal.Entry o : objects) out.write(o.key(), o.object());
    }

    /**
     * The run's last shard (if any points are left) and its end manifest, in the order they must be written.
     *
     * @param journaled they go to the start journal: a small last shard is packed, not encoded (PendingShard), so
     *     that the calling thread does not pay for the encoding
     */
    private List<StartJournal.Entry> lastObjects(RunStatus endStatus, RunEnd.ErrorInfo info, boolean journaled) {
        if (lastReading != null) {
            try {
                lastReading.run();
            } catch (RuntimeException e) {
                LOG.debug("last system metrics reading failed", e); // never stands in the way of the end
            }
        }
        buffer.close();
        List<StartJournal.Entry> objects = new ArrayList<>(2);
        StartJournal.Entry shard = journaled ? shards.packOrEncodeShard() : shards.encodeShard();
        if (shard != null) objects.add(shard);
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
        objects.add(new StartJournal.Entry(id.endManifestKey(), Json.write(end)));
        return objects;
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
        warnIfDropped();
    }

    void warnIfDropped() {
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
