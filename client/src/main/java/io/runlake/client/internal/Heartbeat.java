package io.runlake.client.internal;

import java.time.Duration;

/**
 * Keeps a quiet run visibly alive: when no shard has been written for the heartbeat interval, logs one
 * {@value #KEY} point (seconds since the run started), so readers can tell a live run from a dead one.
 */
final class Heartbeat {
    static final String KEY = MetricKeys.RESERVED_PREFIX + "heartbeat";

    private final MetricBuffer buffer;
    private final MetricKeys keys;
    private final ShardWriter shards;
    private final long intervalMillis;
    private final long startedNanos = System.nanoTime();

    Heartbeat(MetricBuffer buffer, MetricKeys keys, ShardWriter shards, Duration interval) {
        this.buffer = buffer;
        this.keys = keys;
        this.shards = shards;
        this.intervalMillis = interval.toMillis();
    }

    /** Runs on the writer thread, before its periodic flush. */
    void beatIfQuiet() {
        long now = System.currentTimeMillis();
        if (now - shards.lastShardMillis() >= intervalMillis) {
            buffer.add(keys.internalIdOf(KEY), -1, now, (System.nanoTime() - startedNanos) / 1e9);
        }
    }
}
