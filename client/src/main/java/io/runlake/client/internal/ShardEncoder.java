package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.MetricSchema;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.ZstdCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Encodes pages of points into one Parquet shard (zstd, Parquet v2 pages: delta-encoded step and
 * timestamp, dictionary-encoded strings, plain doubles) held in memory. Only encodings that every major
 * reader decodes with its defaults (FORMAT.md §7.5): never BYTE_STREAM_SPLIT.
 *
 * <p>Column at a time: each column's parquet-java column writer is fed straight from the page arrays,
 * instead of one record at a time through a record consumer (which dispatched every field of every row and
 * was the write path's bottleneck). Columns are independent, so they are encoded on as many threads as there
 * are spare cores, up to one per column. The writers, and so the encodings, dictionary fallbacks, statistics
 * and page layout rules, are parquet-java's.
 */
public final class ShardEncoder {
    private static final BytesInputCompressor ZSTD = new ZstdCodecs(3).getCompressor(CompressionCodecName.ZSTD);
    private static final MessageType SCHEMA = MetricSchema.SHARD;
    private static final long ROW_GROUP_BYTES = 128L * 1024 * 1024;
    // rows per row group: 128 MiB at the ~8 bytes a point takes encoded
    private static final long ROW_GROUP_ROWS = ROW_GROUP_BYTES / 8;
    private static final int COLUMNS = SCHEMA.getFieldCount();
    // threads that encode columns of a row group beside the calling thread: one per spare core
    private static final int HELPERS =
            Math.min(COLUMNS - 1, Runtime.getRuntime().availableProcessors() - 1);
    private static final ExecutorService ENCODERS = HELPERS < 1 ? null : encoders();
    // rows written before the store checks page sizes: long enough for tight loops, short enough that pages
    // stay near the 1 MiB target (parquet-java checks every 100 rows at the earliest)
    private static final int CHUNK = 256;
    private static final ParquetProperties PROPERTIES = ParquetProperties.builder()
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
            .withDictionaryEncoding(true)
            // PLAIN doubles: every reader's defaults decode them (Spark's vectorized reader has no
            // BYTE_STREAM_SPLIT), and a dictionary measured larger on shards that interleave keys (BENCHMARKS.md)
            .withDictionaryEncoding(MetricSchema.VALUE, false)
            .withPageSize(1024 * 1024)
            .build();

    private ShardEncoder() {}

    private static ExecutorService encoders() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(HELPERS, r -> {
            Thread t = new Thread(r, "runlake-shard-encoder-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Points to encode: whole pages, with the key names their key ids refer to. */
    public record Batch(String experiment, String runId, int worker, List<MetricPage> pages, List<String> keyNames) {
        long points() {
            long n = 0;
            for (MetricPage p : pages) n += p.size;
            return n;
        }
    }

    public static byte[] encode(Batch batch) {
        InMemoryOutputFile out = new InMemoryOutputFile(1 << 20);
        Binary runId = Binary.fromString(batch.runId);
        Binary[] keys = new Binary[batch.keyNames.size()];
        for (int i = 0; i < keys.length; i++) keys[i] = Binary.fromString(batch.keyNames.get(i));
        try {
            ParquetFileWriter file = new ParquetFileWriter(
                    out,
                    SCHEMA,
                    ParquetFileWriter.Mode.CREATE,
                    ROW_GROUP_BYTES,
                    ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
                    null,
                    PROPERTIES);
            file.start();
            List<MetricPage> group = new ArrayList<>();
            long rows = 0;
            for (MetricPage p : batch.pages) {
                if (rows > 0 && rows + p.size > ROW_GROUP_ROWS) {
                    writeRowGroup(file, group, rows, runId, batch.worker, keys);
                    group.clear();
                    rows = 0;
                }
                group.add(p);
                rows += p.size;
            }
            writeRowGroup(file, group, rows, runId, batch.worker, keys);
            file.end(footer(batch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Encodes the columns of one row group, in parallel where cores are free, then writes them in order. */
    private static void writeRowGroup(
            ParquetFileWriter file, List<MetricPage> pages, long rows, Binary runId, int worker, Binary[] keys)
            throws IOException {
        if (rows == 0) return;
        Column[] columns = new Column[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) columns[c] = new Column(c, runId, worker, keys);
        // the caller and one helper per spare core take the next column until none is left; helpers that start
        // late (the pool is shared by every run of the process) find nothing to do and are not waited for
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(COLUMNS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable encode = () -> {
            for (int c; (c = next.getAndIncrement()) < COLUMNS; ) {
                try {
                    columns[c].write(pages);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0; h < HELPERS; h++) ENCODERS.execute(encode);
        encode.run();
        boolean interrupted = false;
        while (done.getCount() > 0) {
            try {
                done.await();
            } catch (InterruptedException e) {
                interrupted = true; // the shard is needed either way: finish it, then restore the interrupt
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure.get() != null) throw new IllegalStateException("encoding a shard column failed", failure.get());
        file.startBlock(rows);
        for (Column column : columns) column.flushTo(file);
        file.endBlock();
    }

    private static Map<String, String> footer(Batch batch) {
        long lastActivity = Long.MIN_VALUE;
        for (MetricPage p : batch.pages) {
            long[] ts = p.timestamps;
            for (int i = 0, n = p.size; i < n; i++) lastActivity = Math.max(lastActivity, ts[i]);
        }
        Map<String, String> meta = new HashMap<>();
        meta.put(MetricSchema.META_FORMAT_VERSION, Integer.toString(FormatVersion.CURRENT));
        meta.put(MetricSchema.META_EXPERIMENT, batch.experiment);
        meta.put(MetricSchema.META_LAST_ACTIVITY, Long.toString(lastActivity));
        meta.put(MetricSchema.META_POINTS, Long.toString(batch.points()));
        return meta;
    }

    /**
     * One column chunk of a row group, with a page store of its own so that columns encode independently; the
     * file gets them in schema order. The column is REQUIRED and flat, so all its levels are 0.
     */
    private static final class Column {
        final int index;
        final Binary runId;
        final int worker;
        final Binary[] keys;
        final ColumnChunkPageWriteStore pages;
        final ColumnWriteStore store;
        final ColumnWriter writer;

        Column(int index, Binary runId, int worker, Binary[] keys) {
            this.index = index;
            this.runId = runId;
            this.worker = worker;
            this.keys = keys;
            MessageType schema = new MessageType(SCHEMA.getName(), SCHEMA.getType(index));
            this.pages = new ColumnChunkPageWriteStore(
                    ZSTD,
                    schema,
                    PROPERTIES.getAllocator(),
                    PROPERTIES.getColumnIndexTruncateLength(),
                    PROPERTIES.getPageWriteChecksumEnabled());
            this.store = PROPERTIES.newColumnWriteStore(schema, pages, pages);
            this.writer = store.getColumnWriter(schema.getColumns().get(0));
        }

        void write(List<MetricPage> batch) {
            for (MetricPage p : batch) {
                for (int from = 0; from < p.size; from += CHUNK) {
                    int to = Math.min(p.size, from + CHUNK);
                    switch (index) {
                        case 0 -> {
                            for (int i = from; i < to; i++) writer.write(runId, 0, 0);
                        }
                        case 1 -> {
                            for (int i = from; i < to; i++) writer.write(worker, 0, 0);
                        }
                        case 2 -> {
                            int[] k = p.keys;
                            for (int i = from; i < to; i++) writer.write(keys[k[i]], 0, 0);
                        }
                        case 3 -> {
                            long[] s = p.steps;
                            for (int i = from; i < to; i++) writer.write(s[i], 0, 0);
                        }
                        case 4 -> {
                            long[] t = p.timestamps;
                            for (int i = from; i < to; i++) writer.write(t[i], 0, 0);
                        }
                        default -> {
                            double[] v = p.values;
                            for (int i = from; i < to; i++) writer.write(v[i], 0, 0);
                        }
                    }
                    // the store checks page sizes as rows end: pages break between chunks
                    for (int i = from; i < to; i++) store.endRecord();
                }
            }
        }

        void flushTo(ParquetFileWriter file) throws IOException {
            store.flush();
            pages.flushToFileWriter(file);
            store.close();
        }
    }
}
