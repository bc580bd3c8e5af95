package io.runlake.client.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The points of a shard not yet encoded, packed as the start journal keeps them (FORMAT.md §10.3, "packed shard"
 * records): a short run's {@code finish()} journals its last points this way and returns, and whoever writes the
 * journaled objects (the run's background writer, or the next process for a journal whose process has gone) encodes
 * them into the shard. Encoding a shard of a few points costs ~180 µs of parquet-java set-up; packing them costs a
 * copy.
 *
 * <p>Layout, big-endian: {@code int version (1)}, experiment, run id, {@code int worker}, {@code int key count} and
 * the key names, {@code int points}, then the columns: {@code int key id[points]}, {@code long step[points]},
 * {@code long timestamp[points]}, {@code double value[points]}. Strings are {@code int length} and UTF-8 bytes.
 */
final class PendingShard {
    private static final int VERSION = 1;
    /** Batches larger than this are encoded when they end, not packed: encoding is cheap per point there. */
    static final long MAX_POINTS = 16_384;

    private PendingShard() {}

    static byte[] pack(ShardEncoder.Batch batch) {
        int n = (int) batch.points();
        byte[] experiment = utf8(batch.experiment());
        byte[] runId = utf8(batch.runId());
        List<byte[]> keys = new ArrayList<>(batch.keyNames().size());
        int size = 4 + 4 + experiment.length + 4 + runId.length + 4 + 4 + 4 + n * (4 + 8 + 8 + 8);
        for (String k : batch.keyNames()) {
            byte[] b = utf8(k);
            keys.add(b);
            size += 4 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(VERSION);
        out.putInt(experiment.length).put(experiment);
        out.putInt(runId.length).put(runId);
        out.putInt(batch.worker());
        out.putInt(keys.size());
        for (byte[] k : keys) out.putInt(k.length).put(k);
        out.putInt(n);
        // bulk views do not move the buffer: the column offsets are kept by hand
        int at = out.position();
        for (MetricPage p : batch.pages()) at = putInts(out, at, p.keys, p.size);
        for (MetricPage p : batch.pages()) at = putLongs(out, at, p.steps, p.size);
        for (MetricPage p : batch.pages()) at = putLongs(out, at, p.timestamps, p.size);
        for (MetricPage p : batch.pages()) at = putDoubles(out, at, p.values, p.size);
        return out.array();
    }

    /** The shard's bytes, exactly as {@link ShardEncoder#encode} makes them from the points that were packed. */
    static byte[] encode(byte[] packed) {
        return ShardEncoder.encode(unpack(packed));
    }

    static ShardEncoder.Batch unpack(byte[] packed) {
        ByteBuffer in = ByteBuffer.wrap(packed);
        int version = in.getInt();
        if (version != VERSION) throw new IllegalArgumentException("packed shard version " + version + " unknown");
        String experiment = string(in);
        String runId = string(in);
        int worker = in.getInt();
        int keyCount = in.getInt();
        List<String> keys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) keys.add(string(in));
        int n = in.getInt();
        MetricPage page = new MetricPage(n);
        int at = in.position();
        in.slice(at, n * 4).asIntBuffer().get(page.keys);
        at += n * 4;
        in.slice(at, n * 8).asLongBuffer().get(page.steps);
        at += n * 8;
        in.slice(at, n * 8).asLongBuffer().get(page.timestamps);
        at += n * 8;
        in.slice(at, n * 8).asDoubleBuffer().get(page.values);
        at += n * 8;
        if (at != packed.length) throw new IllegalArgumentException("packed shard has trailing bytes");
        page.size = n;
        return new ShardEncoder.Batch(experiment, runId, worker, List.of(page), keys);
    }

    private static int putInts(ByteBuffer out, int at, int[] values, int n) {
        out.slice(at, n * 4).asIntBuffer().put(values, 0, n);
        return at + n * 4;
    }

    private static int putLongs(ByteBuffer out, int at, long[] values, int n) {
        out.slice(at, n * 8).asLongBuffer().put(values, 0, n);
        return at + n * 8;
    }

    private static int putDoubles(ByteBuffer out, int at, double[] values, int n) {
        out.slice(at, n * 8).asDoubleBuffer().put(values, 0, n);
        return at + n * 8;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer in) {
        int len = in.getInt();
        String s = new String(in.array(), in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }
}
