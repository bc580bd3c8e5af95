package io.runlake.client.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric pages that ended runs gave back, for the next runs of this process: a run no longer allocates and zeroes
 * its whole buffer (32 MiB by default) when it starts, and a process running many short runs one after the other
 * reuses the same few pages.
 */
final class PagePool {
    /** Kept at most: two default buffers. Pages beyond it are left to the garbage collector. */
    private static final long MAX_BYTES = 2 * 32L * 1024 * 1024;

    private static final Map<Integer, ArrayDeque<MetricPage>> FREE = new HashMap<>();
    private static long bytes;

    private PagePool() {}

    /** A recycled empty page of {@code capacity} points, or a new one. */
    static MetricPage take(int capacity) {
        synchronized (FREE) {
            ArrayDeque<MetricPage> pages = FREE.get(capacity);
            MetricPage p = pages == null ? null : pages.poll();
            if (p != null) {
                bytes -= MetricPage.bytesFor(capacity);
                return p;
            }
        }
        return new MetricPage(capacity);
    }

    /** Gives back pages no longer used (their points written). */
    static void give(List<MetricPage> pages) {
        synchronized (FREE) {
            for (MetricPage p : pages) {
                long b = MetricPage.bytesFor(p.capacity());
                if (bytes + b > MAX_BYTES) return;
                p.size = 0;
                FREE.computeIfAbsent(p.capacity(), c -> new ArrayDeque<>()).add(p);
                bytes += b;
            }
        }
    }
}
