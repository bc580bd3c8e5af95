package io.runlake.client.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the buffered points of one writer into a Parquet shard and writes it; runs on the writer thread only (or on
 * the thread ending the run once the writer queue is shut, see {@link RunCloser}).
 */
final class ShardWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ShardWriter.class);

    private final RunIdentity id;
    private final MetricBuffer buffer;
    private final MetricKeys keys;
    private final DurableWriter out;
    // atomic: after a close timeout the last tasks may run on the closing thread while the writer finishes
    private final AtomicLong shardSeq = new AtomicLong();
    private final AtomicLong shardsWritten = new AtomicLong();
    private long lastShardMillis = System.currentTimeMillis();

    ShardWriter(RunIdentity id, MetricBuffer buffer, MetricKeys keys, DurableWriter out) {
        this.id = id;
        this.buffer = buffer;
        this.keys = keys;
        this.out = out;
    }

    /** Writes what the buffer holds as one shard; does nothing when it is empty. */
    void writeShard() {
        StartJournal.Entry shard = encodeShard();
        if (shard != null) out.write(shard.key(), shard.data()); // encoded, never packed
    }

    /**
     * Encodes what the buffer holds as the run's next shard and counts it as written: the caller writes it (or
     * journals it) next. @return the shard's key and bytes; null when the buffer is empty or the encoder failed
     */
    StartJournal.Entry encodeShard() {
        return nextShard(false);
    }

    /**
     * Like {@link #encodeShard}, but a batch of at most {@link PendingShard#MAX_POINTS} points is packed instead of
     * encoded (a {@link StartJournal.Entry#packedShard} entry): for a run's end, which journals it and leaves the
     * encoding to whoever writes it.
     */
    StartJournal.Entry packOrEncodeShard() {
        return nextShard(true);
    }

    private StartJournal.Entry nextShard(boolean mayPack) {
        List<MetricPage> pages = buffer.drain();
        if (pages.isEmpty()) return null;
        byte[] shard;
        boolean packed;
        try {
            ShardEncoder.Batch batch =
                    new ShardEncoder.Batch(id.experiment(), id.runId(), id.worker(), pages, keys.snapshot());
            packed = mayPack && batch.points() <= PendingShard.MAX_POINTS;
            shard = packed ? PendingShard.pack(batch) : ShardEncoder.encode(batch);
        } catch (Throwable t) {
            // Never expected; but a broken encoder must be loud and counted, not silently stop the writer.
            long lost = 0;
            for (MetricPage p : pages) lost += p.size;
            buffer.countDropped(lost);
            LOG.error("RunLake: cannot encode a shard of run {}; {} points lost", id.runId(), lost, t);
            return null;
        } finally {
            buffer.recycle(pages);
        }
        shardsWritten.incrementAndGet();
        lastShardMillis = System.currentTimeMillis();
        return new StartJournal.Entry(id.metricShardKey(shardSeq.getAndIncrement()), shard, packed);
    }

    long shardsWritten() {
        return shardsWritten.get();
    }

    long lastShardMillis() {
        return lastShardMillis;
    }
}
