package io.runlake.client;

import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes immutable objects to the store, or to the local spill when the store cannot take them, and
 * pushes the spill in the background. After a failure the store is skipped for a short back-off, so a
 * dead endpoint costs one timeout, not one per object.
 */
final class DurableWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableWriter.class);
    private static final long BACKOFF_MS = 5_000;

    private final ObjectStore store;
    private final Spill spill;
    private final ScheduledExecutorService drainer;
    private volatile long skipStoreUntil;
    /** Objects wait in the spill: later writes queue behind them so that, e.g., an end never overtakes its shards. */
    private volatile boolean spillPending;
    private volatile String lastError;

    DurableWriter(ObjectStore store, Spill spill) {
        this.store = store;
        this.spill = spill;
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runlake-spill");
            t.setDaemon(true);
            return t;
        });
        drainer.scheduleWithFixedDelay(this::drainQuietly, 0, BACKOFF_MS, TimeUnit.MILLISECONDS);
    }

    ObjectStore store() {
        return store;
    }

    Spill spill() {
        return spill;
    }

    /** Writes now if the store is healthy, else spills; never throws for storage trouble. */
    void write(String key, byte[] data) {
        if (!spillPending && System.currentTimeMillis() >= skipStoreUntil) {
            try {
                store.putIfAbsentIdempotent(key, data);
                return;
            } catch (ObjectConflictException e) {
                LOG.error("RunLake: {}", e.getMessage());
                return;
            } catch (StoreException | IllegalStateException e) {
                storeFailed(e);
            }
        }
        try {
            spill.put(key, data);
            spillPending = true;
        } catch (IOException e) {
            LOG.error("RunLake: store unreachable ({}) and spill folder {} is not writable: {}; object {} lost",
                    lastError, spill.dir(), e.toString(), key);
        }
    }

    /** Uploads a staged (spilled) file now if possible; otherwise it stays in the spill for the drainer. */
    void pushStaged(String key, Path staged) {
        if (System.currentTimeMillis() < skipStoreUntil) return;
        try {
            if (store.head(key).isEmpty()) {
                store.putFileIfAbsent(key, staged);
            }
            java.nio.file.Files.deleteIfExists(staged);
        } catch (StoreException e) {
            storeFailed(e);
            spillPending = true; // the staged blob now waits in the spill
        } catch (IOException e) {
            LOG.warn("RunLake: cannot remove staged file {}: {}", staged, e.toString());
        }
    }

    /** From now on (until the spill is pushed) writes go to the spill: used when a close runs out of time. */
    void spillFromNow() {
        spillPending = true;
        skipStoreUntil = System.currentTimeMillis() + BACKOFF_MS;
    }

    private void storeFailed(RuntimeException e) {
        lastError = e.getMessage();
        if (skipStoreUntil < System.currentTimeMillis()) {
            LOG.warn("RunLake: cannot write to {} ({}); spilling to {} and retrying in the background",
                    store.uri(), e.getMessage(), spill.dir());
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
    synchronized int drain() {
        if (spill.isEmpty()) {
            spillPending = false;
            return 0;
        }
        int left = spill.drain(store);
        if (left == 0) {
            skipStoreUntil = 0;
            spillPending = false;
            LOG.info("RunLake: spill for {} uploaded", store.uri());
        } else {
            skipStoreUntil = System.currentTimeMillis() + BACKOFF_MS;
        }
        return left;
    }

    /** Pushes the spill for up to {@code timeout}; what is left waits for the next process on this store. */
    int drainFor(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int left = drain();
        while (left > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = drain();
        }
        if (left > 0) {
            LOG.warn("RunLake: {} objects for {} are still in {}; they are uploaded the next time a tracker opens this store",
                    left, store.uri(), spill.dir());
        }
        return left;
    }

    @Override
    public void close() {
        drainer.shutdownNow();
    }
}
