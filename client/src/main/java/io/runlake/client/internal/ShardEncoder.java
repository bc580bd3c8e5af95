package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.MetricSchema;
import io.runlake.parquet.InMemoryOutputFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
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
 * <p>Column at a time: parquet-java's column writers are fed straight from the page arrays, a run of
 * {@value #CHUNK} rows per column before the next column, instead of one record at a time through a
 * record consumer (which dispatches every field of every row and was the write path's bottleneck). The
 * writers, and so the encodings, dictionary fallbacks, statistics and page layout rules, are parquet-java's.
 */
public final class ShardEncoder {
    private static final BytesInputCompressor ZSTD = new ZstdCodecFactory(3).getCompressor(CompressionCodecName.ZSTD);
    private static final MessageType SCHEMA = MetricSchema.SHARD;
    private static final long ROW_GROUP_BYTES = 128L * 1024 * 1024;
    // rows written to every column before the store checks page sizes: long enough for tight per-column loops,
    // short enough that pages stay near the 1 MiB target (parquet-java checks every 100 rows at the earliest)
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
            RowGroup group = new RowGroup(Binary.fromString(batch.runId), batch.worker, keys);
            for (MetricPage p : batch.pages) {
                group.write(p);
                if (group.store.getBufferedSize() >= ROW_GROUP_BYTES) {
                    group.flushTo(file);
                    group = new RowGroup(group.runId, group.worker, keys);
                }
            }
            group.flushTo(file);
            file.end(footer(batch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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

    /** The column writers of one row group; every column is REQUIRED and flat, so all levels are 0. */
    private static final class RowGroup {
        final Binary runId;
        final int worker;
        final Binary[] keys;
        final ColumnChunkPageWriteStore pages;
        final ColumnWriteStore store;
        final ColumnWriter runIds;
        final ColumnWriter workers;
        final ColumnWriter keyNames;
        final ColumnWriter steps;
        final ColumnWriter timestamps;
        final ColumnWriter values;
        long rows;

        RowGroup(Binary runId, int worker, Binary[] keys) {
            this.runId = runId;
            this.worker = worker;
            this.keys = keys;
            this.pages = new ColumnChunkPageWriteStore(
                    ZSTD,
                    SCHEMA,
                    PROPERTIES.getAllocator(),
                    PROPERTIES.getColumnIndexTruncateLength(),
                    PROPERTIES.getPageWriteChecksumEnabled());
            this.store = PROPERTIES.newColumnWriteStore(SCHEMA, pages, pages);
            List<ColumnDescriptor> columns = SCHEMA.getColumns();
            this.runIds = store.getColumnWriter(columns.get(0));
            this.workers = store.getColumnWriter(columns.get(1));
            this.keyNames = store.getColumnWriter(columns.get(2));
            this.steps = store.getColumnWriter(columns.get(3));
            this.timestamps = store.getColumnWriter(columns.get(4));
            this.values = store.getColumnWriter(columns.get(5));
        }

        void write(MetricPage p) {
            for (int from = 0; from < p.size; from += CHUNK) {
                int to = Math.min(p.size, from + CHUNK);
                for (int i = from; i < to; i++) runIds.write(runId, 0, 0);
                for (int i = from; i < to; i++) workers.write(worker, 0, 0);
                int[] k = p.keys;
                for (int i = from; i < to; i++) keyNames.write(keys[k[i]], 0, 0);
                long[] s = p.steps;
                for (int i = from; i < to; i++) steps.write(s[i], 0, 0);
                long[] t = p.timestamps;
                for (int i = from; i < to; i++) timestamps.write(t[i], 0, 0);
                double[] v = p.values;
                for (int i = from; i < to; i++) values.write(v[i], 0, 0);
                // rows end only after every column holds them: page boundaries fall between chunks
                for (int i = from; i < to; i++) store.endRecord();
                rows += to - from;
            }
        }

        void flushTo(ParquetFileWriter file) throws IOException {
            if (rows > 0) {
                file.startBlock(rows);
                store.flush();
                pages.flushToFileWriter(file);
                file.endBlock();
            }
            store.close();
        }
    }
}
