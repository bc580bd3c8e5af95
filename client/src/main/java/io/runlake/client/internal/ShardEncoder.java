package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.MetricSchema;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.ZstdCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Encodes pages of points into one Parquet shard (zstd, Parquet v2 pages: delta-encoded step and
 * timestamp, dictionary-encoded strings, plain doubles) held in memory. Only encodings that every major
 * reader decodes with its defaults (FORMAT.md §7.5): never BYTE_STREAM_SPLIT.
 */
public final class ShardEncoder {
    private static final ZstdCodecs CODECS = new ZstdCodecs(3);

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
        long lastActivity = Long.MIN_VALUE;
        for (MetricPage p : batch.pages) {
            for (int i = 0; i < p.size; i++) lastActivity = Math.max(lastActivity, p.timestamps[i]);
        }
        Map<String, String> meta = new HashMap<>();
        meta.put(MetricSchema.META_FORMAT_VERSION, Integer.toString(FormatVersion.CURRENT));
        meta.put(MetricSchema.META_EXPERIMENT, batch.experiment);
        meta.put(MetricSchema.META_LAST_ACTIVITY, Long.toString(lastActivity));
        meta.put(MetricSchema.META_POINTS, Long.toString(batch.points()));
        InMemoryOutputFile out = new InMemoryOutputFile(1 << 20);
        Binary[] keyBinaries = new Binary[batch.keyNames.size()];
        for (int i = 0; i < keyBinaries.length; i++) keyBinaries[i] = Binary.fromString(batch.keyNames.get(i));
        Cursor cursor = new Cursor(Binary.fromString(batch.runId), batch.worker, keyBinaries);
        try (ParquetWriter<Cursor> writer = new Builder(out, meta)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(CODECS)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(true)
                // PLAIN doubles: every reader's defaults decode them (Spark's vectorized reader has no
                // BYTE_STREAM_SPLIT), and a dictionary measured larger on shards that interleave keys (BENCHMARKS.md)
                .withDictionaryEncoding(MetricSchema.VALUE, false)
                .withRowGroupSize(128L * 1024 * 1024)
                .withPageSize(1024 * 1024)
                .build()) {
            for (MetricPage p : batch.pages) {
                cursor.page = p;
                for (int i = 0; i < p.size; i++) {
                    cursor.index = i;
                    writer.write(cursor);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One reusable "record": the writer reads the current point straight from the page arrays. */
    static final class Cursor {
        final Binary runId;
        final int worker;
        final Binary[] keys;
        MetricPage page;
        int index;

        Cursor(Binary runId, int worker, Binary[] keys) {
            this.runId = runId;
            this.worker = worker;
            this.keys = keys;
        }
    }

    private static final class PointWriteSupport extends WriteSupport<Cursor> {
        private final Map<String, String> meta;
        private RecordConsumer rc;

        PointWriteSupport(Map<String, String> meta) {
            this.meta = meta;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(MetricSchema.SHARD, meta);
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(MetricSchema.SHARD, meta);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.rc = recordConsumer;
        }

        @Override
        public void write(Cursor c) {
            MetricPage p = c.page;
            int i = c.index;
            rc.startMessage();
            rc.startField(MetricSchema.RUN_ID, 0);
            rc.addBinary(c.runId);
            rc.endField(MetricSchema.RUN_ID, 0);
            rc.startField(MetricSchema.WORKER, 1);
            rc.addInteger(c.worker);
            rc.endField(MetricSchema.WORKER, 1);
            rc.startField(MetricSchema.KEY, 2);
            rc.addBinary(c.keys[p.keys[i]]);
            rc.endField(MetricSchema.KEY, 2);
            rc.startField(MetricSchema.STEP, 3);
            rc.addLong(p.steps[i]);
            rc.endField(MetricSchema.STEP, 3);
            rc.startField(MetricSchema.TIMESTAMP, 4);
            rc.addLong(p.timestamps[i]);
            rc.endField(MetricSchema.TIMESTAMP, 4);
            rc.startField(MetricSchema.VALUE, 5);
            rc.addDouble(p.values[i]);
            rc.endField(MetricSchema.VALUE, 5);
            rc.endMessage();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Cursor, Builder> {
        private final Map<String, String> meta;

        Builder(OutputFile file, Map<String, String> meta) {
            super(file);
            this.meta = meta;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Cursor> getWriteSupport(Configuration conf) {
            return new PointWriteSupport(meta);
        }

        @Override
        protected WriteSupport<Cursor> getWriteSupport(ParquetConfiguration conf) {
            return new PointWriteSupport(meta);
        }
    }
}
