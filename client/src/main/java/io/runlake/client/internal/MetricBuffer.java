package io.runlake.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bounded in-memory buffer between the training thread and the background writer: at most a fixed number of
 * pages, taken when first needed from the process's {@link PagePool} and given back when the run ends;
 * {@link #add} copies one point into the current page under a short lock and never blocks (it allocates only
 * when the pool has no page to give, as for the first run of a process). When every page is waiting to be written, new points are dropped and
 * counted (FORMAT.md and README, "Full buffer policy"): the training loop never stalls on storage.
 */
final class MetricBuffer {
    private final ArrayDeque<MetricPage> free = new ArrayDeque<>();
    private final ArrayDeque<MetricPage> filled = new ArrayDeque<>();
    private final int flushPages;
    private final int pageCapacity;
    private final int maxPages;
    /** Pages taken from the pool, at most {@link #maxPages}. */
    private int taken;

    private final Runnable onFlushNeeded;
    private MetricPage current;
    private long[] nextStep = new long[64];
    private long added;
    private long dropped;
    private boolean closed;

    MetricBuffer(int pageCapacity, int pages, int flushPages, Runnable onFlushNeeded) {
        if (pages < 2) throw new IllegalArgumentException("buffer needs at least 2 pages");
        this.pageCapacity = pageCapacity;
        this.maxPages = pages;
        this.flushPages = Math.max(1, Math.min(flushPages, pages - 1));
        this.onFlushNeeded = onFlushNeeded;
    }

    /** Makes room for step counters of keys 0..keys-1. */
    synchronized void ensureKeys(int keys) {
        if (keys > nextStep.length) nextStep = Arrays.copyOf(nextStep, Math.max(keys, nextStep.length * 2));
    }

    /**
     * Adds a point. A negative {@code step} means "the next step of this key": one past the highest step
     * logged for it so far.
     *
     * @return false if the point was dropped because the buffer is full
     */
    boolean add(int key, long step, long timestamp, double value) {
        boolean signal = false;
        synchronized (this) {
            if (closed) {
                dropped++; // raced with the end of the run: the final shard is already being written
                return false;
            }
            long[] steps = nextStep;
            if (step < 0) {
                step = steps[key];
            }
            if (step >= steps[key]) steps[key] = step + 1;
            MetricPage p = current;
            if (p == null) {
                p = free.poll();
                if (p == null && taken < maxPages) {
                    p = PagePool.take(pageCapacity);
                    taken++;
                }
                if (p == null) {
                    dropped++;
                    return false;
                }
                current = p;
            }
            int n = p.size;
            p.keys[n] = key;
            p.steps[n] = step;
            p.timestamps[n] = timestamp;
            p.values[n] = value;
            p.size = n + 1;
            added++;
            if (n + 1 == p.keys.length) {
                filled.add(p);
                current = null;
                signal = filled.size() == flushPages;
            }
        }
        if (signal) onFlushNeeded.run();
        return true;
    }

    /** No point is accepted after this; called right before the final drain of a run. */
    synchronized void close() {
        closed = true;
    }

    /** Takes every page holding points, including the partly filled current one. */
    synchronized List<MetricPage> drain() {
        List<MetricPage> out = new ArrayList<>(filled);
        filled.clear();
        if (current != null && current.size > 0) {
            out.add(current);
            current = null;
        }
        return out;
    }

    /** Returns written pages to the pool. */
    synchronized void recycle(List<MetricPage> pages) {
        for (MetricPage p : pages) {
            p.size = 0;
            free.add(p);
        }
    }

    /** After the run's last shard: its pages go back to the process's pool for later runs. */
    synchronized void releasePages() {
        PagePool.give(List.copyOf(free));
        taken -= free.size();
        free.clear();
    }

    synchronized long added() {
        return added;
    }

    synchronized void countDropped(long points) {
        dropped += points;
    }

    synchronized long dropped() {
        return dropped;
    }
}
