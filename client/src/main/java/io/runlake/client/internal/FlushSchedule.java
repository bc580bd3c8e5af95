package io.runlake.client.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a writer's timed flushes happen (FORMAT.md §10.2). Buffered points become a shard once the previous shard
 * (of any trigger) is older than the current wait. The first five waits are the flush interval (the age limit)
 * over 32, 16, 8, 4 and 2, so a person watching sees the run come alive within a second with the default 30 s;
 * from then on the wait is the age limit, which bounds both how stale readers' points are and how many PUTs a
 * worker pays for. The ramp scales with the limit, so a writer configured for rare shards gets no early ones.
 * The size trigger (half the buffer's pages full) is {@link MetricBuffer}'s.
 */
final class FlushSchedule {
    /** Shards written before the wait reaches the age limit: each halves the distance to it. */
    static final int RAMP_SHARDS = 5;

    private final long ageLimitMillis;
    private final LongSupplier shardsWritten;
    private final LongSupplier lastShardMillis;

    FlushSchedule(Duration ageLimit, LongSupplier shardsWritten, LongSupplier lastShardMillis) {
        this.ageLimitMillis = Math.max(1, ageLimit.toMillis());
        this.shardsWritten = shardsWritten;
        this.lastShardMillis = lastShardMillis;
    }

    /** The wait between shards after the shards written so far. */
    long waitMillis() {
        long shards = shardsWritten.getAsLong();
        return shards >= RAMP_SHARDS ? ageLimitMillis : Math.max(1, ageLimitMillis >> (RAMP_SHARDS - shards));
    }

    /** Whether buffered points should become a shard now. */
    boolean due(long nowMillis) {
        return nowMillis - lastShardMillis.getAsLong() >= waitMillis();
    }

    /**
     * How long until the next check: when the wait runs out, or, if nothing was buffered then, the first wait of
     * the ramp later (under a second with the defaults), so a point logged after a quiet spell is not held longer.
     */
    long nextCheckMillis(long nowMillis) {
        long left = lastShardMillis.getAsLong() + waitMillis() - nowMillis;
        return left > 0 ? left : Math.max(1, ageLimitMillis >> RAMP_SHARDS);
    }
}
