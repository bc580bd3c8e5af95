package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.MetricSchema;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.PageValues;
import io.runlake.parquet.ZstdCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.DoubleStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Encodes pages of points into one Parquet shard (zstd, Parquet v2 pages: delta-encoded step and
 * timestamp, dictionary-encoded run id, worker and key, plain doubles) held in memory. Only encodings that every
 * major reader decodes with its defaults (FORMAT.md §7.5): never BYTE_STREAM_SPLIT.
 *
 * <p>Column at a time and page at a time: each Parquet page is encoded from the page arrays in one loop per column
 * with parquet-java's value encoders (delta, RLE/bit-packing) and handed to its page writer, which compresses it
 * and keeps the statistics and page indexes. parquet-java's column writers, fed one value at a time, hashed every
 * value into a dictionary, updated levels and checked page sizes per value: they held one core near 2.5–3 M
 * points/s (BENCHMARKS.md). Columns are independent, so they are encoded on as many threads as there are spare
 * cores, up to one per column.
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
    /** Row groups smaller than this are encoded on the calling thread alone. */
    private static final long PARALLEL_ROWS = 16_384;
    // rows per Parquet page: the value column's pages are then 1 MiB before compression, the others smaller
    private static final int PAGE_BYTES = 1024 * 1024;
    private static final int PAGE_ROWS = PAGE_BYTES / Double.BYTES;
    private static final ParquetProperties PROPERTIES = ParquetProperties.builder()
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
            .withDictionaryEncoding(true)
            // PLAIN doubles: every reader's defaults decode them (Spark's vectorized reader has no
            // BYTE_STREAM_SPLIT), and a dictionary measured larger on shards that interleave keys (BENCHMARKS.md)
            .withDictionaryEncoding(MetricSchema.VALUE, false)
            .withPageSize(PAGE_BYTES)
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
        // sized for the batch: zeroing a 1 MiB buffer cost more than encoding the few points of a short run's shard
        InMemoryOutputFile out = new InMemoryOutputFile((int) Math.min(1 << 20, 16 * 1024 + batch.points() * 12));
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
        // a small row group encodes faster than a helper thread wakes up (and a short run's end waits for it)
        int helpers = rows < PARALLEL_ROWS ? 0 : HELPERS;
        for (int h = 0; h < helpers; h++) ENCODERS.execute(encode);
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
     * One column chunk of a row group, encoded page by page in bulk loops and handed to a page store of its own
     * (which compresses the pages and records their statistics, column and offset indexes), so that columns
     * encode independently; the file gets them in schema order. The column is REQUIRED and flat: no levels, every
     * value is a row. The encodings are fixed per column (FORMAT.md §7.5): a dictionary for the run id, the
     * worker and the key (one or a few distinct values), delta for step and timestamp, PLAIN for the value.
     * Statistics come from parquet-java's own {@link Statistics} objects, so their rules (NaN, -0.0) are its.
     */
    private static final class Column {
        final int index;
        final Binary runId;
        final int worker;
        final Binary[] keys;
        final ColumnDescriptor descriptor;
        final ColumnChunkPageWriteStore store;
        final PageWriter pages;

        Column(int index, Binary runId, int worker, Binary[] keys) {
            this.index = index;
            this.runId = runId;
            this.worker = worker;
            this.keys = keys;
            MessageType schema = new MessageType(SCHEMA.getName(), SCHEMA.getType(index));
            this.descriptor = schema.getColumns().get(0);
            this.store = new ColumnChunkPageWriteStore(
                    ZSTD,
                    schema,
                    PROPERTIES.getAllocator(),
                    PROPERTIES.getColumnIndexTruncateLength(),
                    PROPERTIES.getPageWriteChecksumEnabled());
            this.pages = store.getPageWriter(descriptor);
        }

        void write(List<MetricPage> batch) throws IOException {
            switch (index) {
                case 0 ->
                    writeConstant(
                            batch, PageValues.plainBinaries(List.of(runId)), 1, stats -> stats.updateStats(runId));
                case 1 ->
                    writeConstant(
                            batch, PageValues.plainInts(new int[] {worker}, 1), 1, stats -> stats.updateStats(worker));
                case 2 -> writeKeys(batch);
                case 3 -> writeDelta(batch, p -> p.steps);
                case 4 -> writeDelta(batch, p -> p.timestamps);
                default -> writeValues(batch);
            }
        }

        /** A column holding one value in every row: a one-entry dictionary and all-zero indexes. */
        private void writeConstant(
                List<MetricPage> batch, BytesInput dictionary, int size, Consumer<Statistics<?>> stats)
                throws IOException {
            pages.writeDictionaryPage(new DictionaryPage(dictionary, size, Encoding.PLAIN));
            forEachPageOf(batch, (rows, from) -> {
                Statistics<?> s = newStats();
                stats.accept(s);
                try (RunLengthBitPackingHybridEncoder ids = ids(0, rows)) {
                    for (int i = 0; i < rows; i++) ids.writeInt(0);
                    writeDictionaryIds(rows, 0, ids, s);
                }
            });
        }

        /** Keys through a dictionary of the keys this row group uses, in key-id order. */
        private void writeKeys(List<MetricPage> batch) throws IOException {
            int[] dense = new int[keys.length];
            java.util.Arrays.fill(dense, -1);
            for (MetricPage p : batch) {
                int[] k = p.keys;
                for (int i = 0, n = p.size; i < n; i++) dense[k[i]] = 0;
            }
            List<Binary> used = new ArrayList<>();
            for (int k = 0; k < keys.length; k++) {
                if (dense[k] == 0) {
                    dense[k] = used.size();
                    used.add(keys[k]);
                }
            }
            pages.writeDictionaryPage(new DictionaryPage(PageValues.plainBinaries(used), used.size(), Encoding.PLAIN));
            int bitWidth = BytesUtils.getWidthFromMaxInt(used.size() - 1);
            boolean[] inPage = new boolean[used.size()];
            forEachPageOf(batch, (rows, slices) -> {
                java.util.Arrays.fill(inPage, false);
                try (RunLengthBitPackingHybridEncoder ids = ids(bitWidth, rows)) {
                    for (Slice sl : slices) {
                        int[] k = sl.page.keys;
                        for (int i = sl.from; i < sl.to; i++) {
                            int id = dense[k[i]];
                            inPage[id] = true;
                            ids.writeInt(id);
                        }
                    }
                    Statistics<?> s = newStats();
                    for (int id = 0; id < inPage.length; id++) if (inPage[id]) s.updateStats(used.get(id));
                    writeDictionaryIds(rows, bitWidth, ids, s);
                }
            });
        }

        private void writeDelta(List<MetricPage> batch, Function<MetricPage, long[]> column) throws IOException {
            forEachPageOf(batch, (rows, slices) -> {
                LongStatistics s = (LongStatistics) newStats();
                try (DeltaBinaryPackingValuesWriterForLong delta = new DeltaBinaryPackingValuesWriterForLong(
                        firstSlab(rows), PAGE_BYTES, PROPERTIES.getAllocator())) {
                    for (Slice sl : slices) {
                        long[] v = column.apply(sl.page);
                        for (int i = sl.from; i < sl.to; i++) {
                            delta.writeLong(v[i]);
                            s.updateStats(v[i]);
                        }
                    }
                    pages.writePageV2(
                            rows,
                            0,
                            rows,
                            BytesInput.empty(),
                            BytesInput.empty(),
                            Encoding.DELTA_BINARY_PACKED,
                            delta.getBytes(),
                            s);
                }
            });
        }

        private void writeValues(List<MetricPage> batch) throws IOException {
            forEachPageOf(batch, (rows, slices) -> {
                DoubleStatistics s = (DoubleStatistics) newStats();
                ByteBuffer plain = ByteBuffer.allocate(rows * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                DoubleBuffer doubles = plain.asDoubleBuffer();
                for (Slice sl : slices) {
                    double[] v = sl.page.values;
                    doubles.put(v, sl.from, sl.to - sl.from);
                    for (int i = sl.from; i < sl.to; i++) s.updateStats(v[i]);
                }
                pages.writePageV2(
                        rows,
                        0,
                        rows,
                        BytesInput.empty(),
                        BytesInput.empty(),
                        Encoding.PLAIN,
                        BytesInput.from(plain.array()),
                        s);
            });
        }

        private void writeDictionaryIds(int rows, int bitWidth, RunLengthBitPackingHybridEncoder ids, Statistics<?> s)
                throws IOException {
            pages.writePageV2(
                    rows,
                    0,
                    rows,
                    BytesInput.empty(),
                    BytesInput.empty(),
                    Encoding.RLE_DICTIONARY,
                    BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth}), ids.toBytes()),
                    s);
        }

        private Statistics<?> newStats() {
            return Statistics.createStats(descriptor.getPrimitiveType());
        }

        /** An encoder's first buffer: enough for a page of {@code rows} at ~9 bytes a value, up to 64 KiB. */
        private static int firstSlab(int rows) {
            return (int) Math.min(64 * 1024, Math.max(256, rows * 9L));
        }

        private static RunLengthBitPackingHybridEncoder ids(int bitWidth, int rows) {
            return new RunLengthBitPackingHybridEncoder(
                    bitWidth, firstSlab(rows), PAGE_BYTES, PROPERTIES.getAllocator());
        }

        void flushTo(ParquetFileWriter file) throws IOException {
            store.flushToFileWriter(file);
            store.close();
        }
    }

    /** Rows {@code [from, to)} of one page of points. */
    private record Slice(MetricPage page, int from, int to) {}

    /** Encodes one Parquet page from {@code rows} points spread over slices of metric pages. */
    private interface PageEncoder {
        void encode(int rows, List<Slice> slices) throws IOException;
    }

    /** Cuts the row group's points into Parquet pages of at most {@link #PAGE_ROWS} rows, the same in every column. */
    private static void forEachPageOf(List<MetricPage> batch, PageEncoder encoder) throws IOException {
        List<Slice> slices = new ArrayList<>();
        int rows = 0;
        for (MetricPage p : batch) {
            for (int from = 0; from < p.size; ) {
                int take = Math.min(p.size - from, PAGE_ROWS - rows);
                slices.add(new Slice(p, from, from + take));
                rows += take;
                from += take;
                if (rows == PAGE_ROWS) {
                    encoder.encode(rows, slices);
                    slices = new ArrayList<>();
                    rows = 0;
                }
            }
        }
        if (rows > 0) encoder.encode(rows, slices);
    }
}
