package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.MetricSchema;
import io.runlake.parquet.HadoopFreeReadOptions;
import io.runlake.parquet.InMemoryInputFile;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.ZstdCodecs;
import io.runlake.testing.Lakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page-at-a-time encoder writes exactly the logged points (read back by DuckDB and by parquet-java) with the
 * encodings of FORMAT.md §7.5 and the same column statistics as parquet-java's record-at-a-time writer.
 */
class ShardEncoderTest {
    private static final String RUN = "01jq0000000000000000000000";
    private static final int WORKER = 3;

    @TempDir
    Path tmp;

    @Test
    void duckDbReadsBackEveryPointExactly() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 300; k++) keys.add("layer" + k + "/grad_norm");
        keys.add("special");
        int special = keys.size() - 1;
        Random r = new Random(7);
        // pages of odd sizes, a partly filled last page, and chunk boundaries inside pages
        List<MetricPage> pages = new ArrayList<>();
        for (int size : new int[] {70_001, 1, 513, 40_000}) {
            MetricPage p = new MetricPage(70_001);
            for (int i = 0; i < size; i++) {
                p.keys[i] = r.nextInt(special);
                p.steps[i] = r.nextBoolean() ? r.nextInt(1_000_000) : (1L << 53) + r.nextLong(Long.MAX_VALUE >> 1);
                p.timestamps[i] = 1_700_000_000_000L + r.nextInt(86_400_000);
                p.values[i] = Double.longBitsToDouble(r.nextLong()); // every bit pattern: subnormals, NaN payloads
            }
            p.size = size;
            pages.add(p);
        }
        MetricPage last = pages.get(pages.size() - 1);
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE
        };
        for (int i = 0; i < specials.length; i++) {
            last.keys[i] = special;
            last.steps[i] = Long.MAX_VALUE - i;
            last.values[i] = specials[i];
        }
        Path shard = tmp.resolve("shard.parquet");
        Files.write(shard, ShardEncoder.encode(new ShardEncoder.Batch("exp", RUN, WORKER, pages, keys)));

        List<List<Object>> rows = Lakes.query("SELECT run_id, worker, key, step, epoch_ms(timestamp), value FROM "
                + "read_parquet(" + Lakes.lit(shard) + ", file_row_number = true) ORDER BY file_row_number");
        int row = 0;
        for (MetricPage p : pages) {
            for (int i = 0; i < p.size; i++, row++) {
                List<Object> got = rows.get(row);
                String at = "row " + row;
                assertEquals(RUN, got.get(0), at);
                assertEquals(WORKER, got.get(1), at);
                assertEquals(keys.get(p.keys[i]), got.get(2), at);
                assertEquals(p.steps[i], got.get(3), at);
                assertEquals(p.timestamps[i], ((Number) got.get(4)).longValue(), at);
                double value = (Double) got.get(5);
                if (Double.isNaN(p.values[i])) assertTrue(Double.isNaN(value), at);
                else assertEquals(Double.doubleToRawLongBits(p.values[i]), Double.doubleToRawLongBits(value), at);
            }
        }
        assertEquals(row, rows.size());
        ParquetMetadata footer = footer(Files.readAllBytes(shard));
        Map<String, String> meta = footer.getFileMetaData().getKeyValueMetaData();
        assertEquals(
                java.util.Set.of(
                        MetricSchema.META_FORMAT_VERSION,
                        MetricSchema.META_EXPERIMENT,
                        MetricSchema.META_LAST_ACTIVITY,
                        MetricSchema.META_POINTS),
                meta.keySet());
        assertEquals(Long.toString(row), meta.get(MetricSchema.META_POINTS));
        assertEquals("exp", meta.get(MetricSchema.META_EXPERIMENT));
        assertEquals(
                Long.toString(pages.stream()
                        .flatMapToLong(p -> java.util.Arrays.stream(p.timestamps, 0, p.size))
                        .max()
                        .getAsLong()),
                meta.get(MetricSchema.META_LAST_ACTIVITY));
        assertEquals(MetricSchema.SHARD, footer.getFileMetaData().getSchema());
    }

    @Test
    void fixedEncodingsWithTheRecordWritersStatisticsReadBackByParquetJava() throws Exception {
        Random r = new Random(5);
        // one key, few keys interleaved, many keys sharing steps; more rows than one Parquet page holds
        for (int keyCount : new int[] {1, 4, 2_000}) {
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < keyCount; k++) keys.add("k" + k);
            List<MetricPage> pages = new ArrayList<>();
            long step = 0;
            for (int n = 0; n < 5; n++) {
                MetricPage p = new MetricPage(65_536);
                for (int i = 0; i < p.capacity(); i++, step++) {
                    p.keys[i] = (int) (step % keyCount);
                    p.steps[i] = step / keyCount;
                    p.timestamps[i] = 1_700_000_000_000L + (keyCount == 1 ? step : step / 100);
                    p.values[i] = i % 3 == 0 ? 0.001 : r.nextDouble();
                }
                p.size = p.capacity();
                pages.add(p);
            }
            MetricPage first = pages.get(0);
            double[] specials = {Double.NaN, -0.0, Double.NEGATIVE_INFINITY};
            for (int i = 0; i < specials.length; i++) first.values[i * 7] = specials[i];
            ShardEncoder.Batch batch = new ShardEncoder.Batch("exp", RUN, WORKER, pages, keys);
            byte[] shard = ShardEncoder.encode(batch);
            ParquetMetadata columnAtATime = footer(shard);
            ParquetMetadata recordAtATime = footer(recordAtATime(batch));
            Map<String, String> encodings = describe(columnAtATime);
            String at = keyCount + " keys";
            for (String dictionary : List.of(MetricSchema.RUN_ID, MetricSchema.WORKER, MetricSchema.KEY)) {
                assertTrue(encodings.get(dictionary).contains("RLE_DICTIONARY"), at + ": " + encodings);
            }
            assertTrue(encodings.get(MetricSchema.STEP).contains("[DELTA_BINARY_PACKED]"), at + ": " + encodings);
            assertTrue(encodings.get(MetricSchema.TIMESTAMP).contains("[DELTA_BINARY_PACKED]"), at + ": " + encodings);
            assertTrue(encodings.get(MetricSchema.VALUE).contains("[PLAIN]"), at + ": " + encodings);
            for (String column : encodings.values()) {
                assertTrue(column.contains("ZSTD") && column.endsWith("v2=true"), at + ": " + column);
                assertTrue(!column.contains("BYTE_STREAM_SPLIT"), at + ": " + column);
            }
            assertEquals(statistics(recordAtATime), statistics(columnAtATime), at);
            assertEquals(
                    columnAtATime.getBlocks().get(0).getRowCount(),
                    recordAtATime.getBlocks().get(0).getRowCount(),
                    at);
            assertReadBackByParquetJava(shard, batch);
        }
    }

    /** Per column chunk: min, max, null count and NaN count, as parquet-java reads them from the footer. */
    private static Map<String, String> statistics(ParquetMetadata footer) {
        Map<String, String> columns = new TreeMap<>();
        for (ColumnChunkMetaData c : footer.getBlocks().get(0).getColumns()) {
            var s = c.getStatistics();
            columns.put(
                    c.getPath().toDotString(),
                    s.genericGetMin() + ".." + s.genericGetMax() + " nulls=" + s.getNumNulls() + " values="
                            + c.getValueCount());
        }
        return columns;
    }

    /** parquet-java's own reader (not DuckDB) gets every point back in order. */
    private static void assertReadBackByParquetJava(byte[] shard, ShardEncoder.Batch batch) throws Exception {
        try (ParquetFileReader reader =
                ParquetFileReader.open(new InMemoryInputFile(shard), HadoopFreeReadOptions.with(new ZstdCodecs(3)))) {
            MessageColumnIO columns = new ColumnIOFactory().getColumnIO(MetricSchema.SHARD);
            PageReadStore rowGroup = reader.readNextRowGroup();
            RecordReader<Group> rows = columns.getRecordReader(rowGroup, new GroupRecordConverter(MetricSchema.SHARD));
            long read = 0;
            for (MetricPage p : batch.pages()) {
                for (int i = 0; i < p.size; i++, read++) {
                    Group g = rows.read();
                    assertEquals(batch.runId(), g.getString(MetricSchema.RUN_ID, 0));
                    assertEquals(batch.worker(), g.getInteger(MetricSchema.WORKER, 0));
                    assertEquals(batch.keyNames().get(p.keys[i]), g.getString(MetricSchema.KEY, 0));
                    assertEquals(p.steps[i], g.getLong(MetricSchema.STEP, 0));
                    assertEquals(p.timestamps[i], g.getLong(MetricSchema.TIMESTAMP, 0));
                    assertEquals(
                            Double.doubleToRawLongBits(p.values[i]),
                            Double.doubleToRawLongBits(g.getDouble(MetricSchema.VALUE, 0)));
                }
            }
            assertEquals(rowGroup.getRowCount(), read, "every row read");
            assertEquals(null, reader.readNextRowGroup(), "one row group");
        }
    }

    /** Per column: physical type, codec, encodings, whether data pages are v2. */
    private static Map<String, String> describe(ParquetMetadata footer) {
        Map<String, String> columns = new TreeMap<>();
        assertEquals(1, footer.getBlocks().size(), "one row group");
        for (BlockMetaData block : footer.getBlocks()) {
            for (ColumnChunkMetaData c : block.getColumns()) {
                columns.put(
                        c.getPath().toDotString(),
                        c.getPrimitiveType() + " " + c.getCodec() + " " + new java.util.TreeSet<>(c.getEncodings())
                                + " v2=" + c.getEncodingStats().usesV2Pages());
            }
        }
        return columns;
    }

    private static ParquetMetadata footer(byte[] parquet) throws Exception {
        try (ParquetFileReader reader =
                ParquetFileReader.open(new InMemoryInputFile(parquet), HadoopFreeReadOptions.with(new ZstdCodecs(3)))) {
            return reader.getFooter();
        }
    }

    /** The same points through parquet-java's record writer, with the settings FORMAT.md §7.5 names. */
    private static byte[] recordAtATime(ShardEncoder.Batch batch) throws Exception {
        InMemoryOutputFile out = new InMemoryOutputFile(1 << 20);
        Map<String, String> meta =
                footer(ShardEncoder.encode(batch)).getFileMetaData().getKeyValueMetaData();
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(out)
                .withConf(new PlainParquetConfiguration())
                .withType(MetricSchema.SHARD)
                .withExtraMetaData(meta)
                .withCodecFactory(new ZstdCodecs(3))
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(true)
                .withDictionaryEncoding(MetricSchema.VALUE, false)
                .withRowGroupSize(128L * 1024 * 1024)
                .withPageSize(1024 * 1024)
                .build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(MetricSchema.SHARD);
            for (MetricPage p : batch.pages()) {
                for (int i = 0; i < p.size; i++) {
                    writer.write(groups.newGroup()
                            .append(MetricSchema.RUN_ID, batch.runId())
                            .append(MetricSchema.WORKER, batch.worker())
                            .append(MetricSchema.KEY, batch.keyNames().get(p.keys[i]))
                            .append(MetricSchema.STEP, p.steps[i])
                            .append(MetricSchema.TIMESTAMP, p.timestamps[i])
                            .append(MetricSchema.VALUE, p.values[i]));
                }
            }
        }
        return out.toByteArray();
    }
}
