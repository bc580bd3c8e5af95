package io.runlake.client.internal;

/**
 * A fixed-size columnar page of metric points. Pages are allocated once and recycled, so logging does
 * not allocate in steady state.
 */
public final class MetricPage {
    public final int[] keys;
    public final long[] steps;
    public final long[] timestamps;
    public final double[] values;
    public int size;

    public MetricPage(int capacity) {
        keys = new int[capacity];
        steps = new long[capacity];
        timestamps = new long[capacity];
        values = new double[capacity];
    }

    int capacity() {
        return keys.length;
    }

    boolean isFull() {
        return size == keys.length;
    }

    /** Bytes held by one page of {@code capacity} points. */
    public static long bytesFor(int capacity) {
        return (long) capacity * (4 + 8 + 8 + 8);
    }

    /** How many pages of {@code capacity} points fit in {@code bufferBytes}; at least 2. */
    static int pagesIn(long bufferBytes, int capacity) {
        return (int) Math.max(2, bufferBytes / bytesFor(capacity));
    }
}
