package io.runlake.client;

/**
 * A fixed-size columnar page of metric points. Pages are allocated once and recycled, so logging does
 * not allocate in steady state.
 */
final class MetricPage {
    final int[] keys;
    final long[] steps;
    final long[] timestamps;
    final double[] values;
    int size;

    MetricPage(int capacity) {
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
    static long bytesFor(int capacity) {
        return (long) capacity * (4 + 8 + 8 + 8);
    }
}
