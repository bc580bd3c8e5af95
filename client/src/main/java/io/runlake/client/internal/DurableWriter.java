package io.runlake.client.internal;

import io.runlake.format.Layout;
import io.runlake.runs.Annotations;
import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes immutable objects to the store, or to the local spill when the store cannot take them in time,
 * and pushes the spill in the background.
 *
 * <p>The one rule of this class: when {@link #write} returns, the object is either acknowledged by the
 * store or fsynced in the spill. Store requests run on threads of their own and are waited for at most
 * {@code storeWait}: a store that hangs with the connection open, crawls or resets costs the caller that
 * wait once, never an object, and interrupts of the calling thread never abort a write. After a failure
 * every write goes to the spill until the spill has been pushed, so objects reach the store in the order
 * they were written (an end manifest never overtakes its run's shards).
 */
public final class DurableWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableWriter.class);
    private static final long BACKOFF_MS = 5_000;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Journaled batches not yet written beyond which a run's end is waited for again. */
    private static final int MAX_JOURNALED_IN_FLIGHT = 4096;

    private final ObjectStore store;
    private final Spill spill;
    private final StartJournal journal;
    private final Duration storeWait;
    /**
     * Journaled objects being written at once, at most. Nobody waits for them (they are safe in the journal), so for a
     * store served on this machine they are written by as many threads as there are cores: a loop of short runs
     * otherwise had dozens of threads in the kernel's file system code (or a local S3 server) and the training thread
     * waited for a core, 5–10× the time its own work took. Remote stores are network waits: no limit.
     */
    private final Semaphore journaledWriters;
    /** Store requests run here so a hung request holds one of these threads, never a caller. */
    private final ExecutorService requests;

    private final ScheduledExecutorService drainer;
    private volatile long skipStoreUntil;
    /** Objects wait in the spill: later writes queue behind them. */
    private volatile boolean spillPending;
    /** Counts objects put into the spill, so a drain knows whether one arrived while it was pushing. */
    private final AtomicLong spilled = new AtomicLong();
    /** Journaled objects not yet written: the count, as an array to lock and wait on. */
    private final long[] journaledInFlight = new long[1];
    /** Requests started before this instant are given up on at once (a close ran out of time). */
    private volatile long abandonedBefore = Long.MIN_VALUE;

    private volatile String lastError;
    /** The store's format marker check, until it has passed: nothing is written to an unchecked store. */
    private volatile Runnable formatCheck;

    /**
     * @param formatCheck reads (or creates) the store's format marker and throws if this writer may not write
     *     there; run now, and if the store does not answer in time, again before anything leaves the spill
     * @throws FormatVersion.UnsupportedFormatException or {@link StoreException} if the check fails for a
     *     reason other than an unreachable store
     */
    public DurableWriter(ObjectStore store, Spill spill, Duration storeWait, Runnable formatCheck) {
        this.store = store;
        this.spill = spill;
        this.journal = new StartJournal(spill.dir());
        this.journaledWriters = new Semaphore(
                store.servedOnThisMachine() ? Runtime.getRuntime().availableProcessors() : Integer.MAX_VALUE, true);
        this.storeWait = storeWait;
        this.requests = Executors.newCachedThreadPool(daemon("runlake-store-request"));
        this.formatCheck = formatCheck;
        if (!checkFormat()) {
            LOG.warn(
                    "RunLake: {} did not answer ({}); logging to {} until it does",
                    store.uri(),
                    lastError,
                    spill.dir());
        }
        this.drainer = Executors.newSingleThreadScheduledExecutor(daemon("runlake-spill"));
        drainer.scheduleWithFixedDelay(this::drainQuietly, 0, BACKOFF_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * @return whether the marker check has passed; false while the store is unreachable
     * @throws RuntimeException what the check threw, for anything but an unreachable store
     */
    private boolean checkFormat() {
        Runnable check = formatCheck;
        if (check == null) return true;
        try {
            if (!call(check::run, true)) return false;
        } catch (RuntimeException e) {
            requests.shutdown();
            throw e;
        }
        formatCheck = null;
        return true;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    ObjectStore store() {
        return store;
    }

    Spill spill() {
        return spill;
    }

    /** Stores the object now if the store answers within {@code storeWait}, else spills it; never throws for storage trouble. */
    public void write(String key, byte[] data) {
        writeOrSpill(key, data);
    }

    /** @return false if the object is lost: neither the store nor the spill folder took it */
    private boolean writeOrSpill(String key, byte[] data) {
        if (storeUsable()) {
            try {
                if (call(() -> store.putIfAbsentIdempotent(key, data))) return true;
            } catch (ObjectConflictException e) {
                // another object already holds this key: ours is kept aside for a person, never dropped
                spill.setAside(key, data);
                return true;
            }
        }
        try {
            spill.put(key, data);
            spilled.incrementAndGet();
            spillPending = true;
            return true;
        } catch (IOException e) {
            LOG.error(
                    "RunLake: store unreachable ({}) and spill folder {} is not writable: {}; object {} lost",
                    lastError,
                    spill.dir(),
                    e.toString(),
                    key);
            return false;
        }
    }

    /**
     * Objects of a run start or end, recorded by {@link #journal} and written to the store later by
     * {@link #writeJournaled}.
     */
    public record Journaled(List<StartJournal.Entry> entries, StartJournal.Ticket ticket) {}

    /**
     * Makes the objects of a run start safe from the death of this process without a store request or an fsync on the
     * caller's thread: appended to the start journal (FORMAT.md §10.1). If the journal cannot be written, they are
     * written now, as {@link #write} does.
     *
     * @param objects key, bytes, key, bytes, ...: in the order they must reach the store
     */
    public Journaled journal(List<StartJournal.Entry> objects) {
        Journaled j = tryJournal(objects);
        if (j != null) return j;
        for (StartJournal.Entry o : objects) write(o.key(), o.data());
        return new Journaled(List.of(), null);
    }

    /** Appends {@code objects} to the start journal; null (logged) if it cannot be written. */
    Journaled tryJournal(List<StartJournal.Entry> objects) {
        try {
            Journaled j = new Journaled(objects, journal.append(objects));
            synchronized (journaledInFlight) {
                journaledInFlight[0]++;
            }
            return j;
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "RunLake: cannot append to the start journal in {} ({}); writing through the store",
                    spill.dir(),
                    e);
            return null;
        }
    }

    /**
     * Whether a run's end may be journaled instead of waited for: fewer than {@value #MAX_JOURNALED_IN_FLIGHT}
     * journaled batches wait for the store, nothing waits in the spill (a journal is uploaded
     * before the spill, so an end journaled now must not overtake a shard of its run that waits there) and the
     * store's marker has been checked.
     */
    boolean mayJournalEnds() {
        synchronized (journaledInFlight) {
            // a store that cannot keep up makes ends wait again: memory and the journal stay bounded
            if (journaledInFlight[0] >= MAX_JOURNALED_IN_FLIGHT) return false;
        }
        return !spillPending && formatCheck == null;
    }

    /** Writes journaled objects to the store (or the spill), in order; then the journal no longer needs them. */
    public void writeJournaled(Journaled j) {
        boolean kept = true;
        try {
            for (StartJournal.Entry o : j.entries()) {
                byte[] object = objectOrSetAside(o);
                if (object == null) continue;
                journaledWriters.acquireUninterruptibly(); // released within the store wait: call() never waits longer
                try {
                    kept &= writeOrSpill(o.key(), object);
                } finally {
                    journaledWriters.release();
                }
            }
            if (j.ticket() != null && kept) journal.written(j.ticket());
        } finally {
            if (j.ticket() != null) {
                synchronized (journaledInFlight) {
                    journaledInFlight[0]--;
                    journaledInFlight.notifyAll();
                }
            }
        }
    }

    /**
     * Waits until every journaled object has been written (to the store or the spill), at most until
     * {@code deadlineNanos}; then gives up on the store so that what is left goes to the spill, and waits as long again
     * for the local disk. Whatever is still unwritten after that stays in the journal for the next process.
     *
     * @return journaled objects' batches still unwritten
     */
    public long awaitJournaledWrites(long deadlineNanos) {
        long left = waitForJournaled(deadlineNanos);
        if (left > 0) {
            abandonStore();
            left = waitForJournaled(System.nanoTime() + Math.max(storeWait.toNanos(), POLL_NANOS));
        }
        return left;
    }

    /**
     * For this process's own reads: waits until every object journaled so far has been written (to the store or the
     * spill), at most the store wait; never gives up on the store.
     */
    public void awaitJournaledWrites() {
        waitForJournaled(System.nanoTime() + storeWait.toNanos());
    }

    private long waitForJournaled(long deadlineNanos) {
        boolean interrupted = false;
        try {
            synchronized (journaledInFlight) {
                while (journaledInFlight[0] > 0) {
                    long leftNanos = deadlineNanos - System.nanoTime();
                    if (leftNanos <= 0) break;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(journaledInFlight, leftNanos);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return journaledInFlight[0];
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Uploads a file already in the spill (a staged artifact blob) if the store takes it now; otherwise
     * it stays there for the drainer. Either way it is durable already.
     */
    void pushStaged(String key, Path staged) {
        spilled.incrementAndGet();
        if (!storeUsable()) {
            spillPending = true;
            return;
        }
        try {
            if (call(() -> Spill.upload(store, key, staged))) {
                Files.deleteIfExists(staged);
                return;
            }
        } catch (ObjectConflictException e) {
            LOG.error("RunLake: {}", e.getMessage());
        } catch (IOException e) {
            LOG.warn("RunLake: cannot remove staged file {}: {}", staged, e.toString());
            return;
        }
        spillPending = true;
    }

    /**
     * Gives up on store requests in flight and skips the store for a while: used when a close runs out of
     * time, so that what is still being written goes to the spill now.
     */
    void abandonStore() {
        spillPending = true;
        skipStoreUntil = System.currentTimeMillis() + BACKOFF_MS;
        abandonedBefore = System.nanoTime();
    }

    private boolean storeUsable() {
        return !spillPending && formatCheck == null && System.currentTimeMillis() >= skipStoreUntil;
    }

    @FunctionalInterface
    interface StoreCall {
        void run() throws IOException;
    }

    /**
     * Runs one store request on a request thread and waits for it at most {@code storeWait}, ignoring
     * interrupts (they are restored on return).
     *
     * @return true if the store acknowledged; false if it failed or did not answer in time
     * @throws ObjectConflictException if a different object already exists at the key
     */
    private boolean call(StoreCall request) {
        return call(request, false);
    }

    /** @param rethrow rethrow what the request threw unless the store was unreachable (not only conflicts) */
    private boolean call(StoreCall request, boolean rethrow) {
        long started = System.nanoTime();
        Future<?> f;
        try {
            f = requests.submit(() -> {
                request.run();
                return null;
            });
        } catch (RejectedExecutionException e) {
            return false;
        }
        long deadline = started + storeWait.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                if (started < abandonedBefore) {
                    storeFailed("request abandoned: the close timeout ran out");
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    storeFailed("no answer within " + storeWait.toMillis() + " ms");
                    return false;
                }
                try {
                    f.get(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS);
                    return true;
                } catch (TimeoutException e) {
                    // poll again: the close may abandon the store meanwhile
                } catch (InterruptedException e) {
                    interrupted = true; // an interrupt never costs an object: finish waiting, then restore it
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof ObjectConflictException conflict) throw conflict;
                    if (rethrow
                            && !(cause instanceof StoreUnavailableException)
                            && cause instanceof RuntimeException r) {
                        throw r;
                    }
                    storeFailed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
                    if (!(cause instanceof StoreException) && !(cause instanceof IOException)) {
                        LOG.debug("unexpected store failure", cause);
                    }
                    return false;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void storeFailed(String why) {
        lastError = why;
        if (skipStoreUntil < System.currentTimeMillis()) {
            LOG.warn(
                    "RunLake: cannot write to {} ({}); spilling to {} and retrying in the background",
                    store.uri(),
                    why,
                    spill.dir());
        }
        skipStoreUntil = System.currentTimeMillis() + BACKOFF_MS;
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.debug("spill drain failed", e);
        }
    }

    /** @return objects still waiting in the spill */
    public synchronized int drain() {
        try {
            if (!checkFormat()) return spill.pending().size();
        } catch (RuntimeException e) {
            LOG.error("RunLake: not uploading the spill {} to {}: {}", spill.dir(), store.uri(), e.getMessage());
            return spill.pending().size();
        }
        long spilledBefore = spilled.get();
        // run starts left in the journals of ended processes go first: their runs' other objects wait behind them
        int left = StartJournal.recover(spill.dir(), this::uploadJournaled);
        if (left == 0 && !spill.isEmpty()) {
            left = spill.drain((key, file) -> {
                announceLate(key);
                if (!call(() -> Spill.upload(store, key, file))) {
                    throw new StoreUnavailableException("cannot push " + key + ": " + lastError, null);
                }
            });
        } else if (left > 0) {
            left += spill.pending().size();
        }
        if (left == 0) {
            // an object spilled while this drain ran may not have been seen: it keeps later writes queued
            if (spilled.get() == spilledBefore) {
                if (spillPending) LOG.info("RunLake: spill for {} uploaded", store.uri());
                skipStoreUntil = 0;
                spillPending = false;
            }
        } else {
            skipStoreUntil = System.currentTimeMillis() + BACKOFF_MS;
        }
        return left;
    }

    /**
     * Before a start or worker manifest reaches the store late (from the spill or an ended process's journal), a
     * {@code reopen} annotation of its run (FORMAT.md §10.1): a runs index may have passed the run's id with its
     * watermark meanwhile, and readers list what is below it only for open and reopened runs. The writer's later
     * objects need none: until its end manifest lands the run has a writer that has not ended, so no index settles it.
     */
    private void announceLate(String key) {
        Optional<Layout.RunObject> ro = Layout.parseRunObject(key);
        if (ro.isEmpty()) return;
        Layout.RunObjectKind kind = ro.get().kind();
        if (kind != Layout.RunObjectKind.START && kind != Layout.RunObjectKind.WORKER) return;
        String experiment = ro.get().experiment(), runId = ro.get().runId();
        if (!call(() -> Annotations.reopen(store, experiment, runId, "late upload of " + key))) {
            throw new StoreUnavailableException("cannot announce the late upload of " + key + ": " + lastError, null);
        }
    }

    private void uploadJournaled(StartJournal.Entry entry) {
        String key = entry.key();
        announceLate(key);
        byte[] data = objectOrSetAside(entry);
        if (data == null) return;
        try {
            if (!call(() -> store.putIfAbsentIdempotent(key, data))) {
                throw new StoreUnavailableException("cannot push " + key + ": " + lastError, null);
            }
        } catch (ObjectConflictException e) {
            // A shard key names its writer's random id: only the ended process can have put it there, from the
            // same points; an encoder of another version may have made other bytes of them.
            if (!entry.packedShard()) spill.setAside(key, data);
        }
    }

    /**
     * The bytes of a journaled object; for packed points that cannot be encoded (never expected: a journal of a
     * later version), null, after keeping the record in the spill's conflicts folder for a person.
     */
    private byte[] objectOrSetAside(StartJournal.Entry entry) {
        try {
            return entry.object();
        } catch (RuntimeException e) {
            LOG.error("RunLake: cannot encode the journaled points of {}; kept aside as packed points", entry.key(), e);
            spill.setAside(entry.key() + ".packed", entry.data());
            return null;
        }
    }

    /** Pushes the spill until {@code deadlineNanos}; what is left waits for the next process on this store. */
    public int drainUntil(long deadlineNanos) {
        int left = System.nanoTime() < deadlineNanos ? drain() : spill.pending().size();
        boolean interrupted = false;
        while (left > 0 && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(Math.min(1000, Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            left = drain();
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (left > 0) {
            LOG.warn(
                    "RunLake: {} objects for {} are still in {}; they are uploaded the next time a tracker opens this store",
                    left,
                    store.uri(),
                    spill.dir());
        }
        return left;
    }

    @Override
    public void close() {
        journal.close();
        drainer.shutdown();
        requests.shutdown();
    }
}
