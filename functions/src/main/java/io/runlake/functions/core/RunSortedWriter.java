package io.runlake.functions.core;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.lake.HistorySummary;
import io.runlake.parquet.HadoopFreeReadOptions;
import io.runlake.parquet.PageValues;
import io.runlake.parquet.ZstdCodecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.DoubleStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes a tier-0 lake file from raw shards without a global sort (FORMAT.md §12.4): every shard holds one run, so
 * the file's order (run_id, key, step, worker, timestamp) is the runs in id order, each run's points sorted on their
 * own. A run's points are decoded column by column into primitive arrays, ordered by a stable counting sort on the
 * key then a natural merge sort per key (a writer logs steps in order, so a key's points are a few ascending
 * stretches, one per worker or shard), and encoded straight into parquet-java's column writers with the settings of
 * DuckDB's {@code COPY} it replaces: the same schema (optional columns, timestamps in microseconds), Parquet V1 pages
 * with dictionary or PLAIN (never BYTE_STREAM_SPLIT), zstd, the same row group size and footer.
 *
 * <p>Anything unusual — a shard it cannot decode, a row of another run, a null, a column it does not know, a run too
 * big for {@link #MAX_RUN_POINTS} — makes it decline ({@link Optional#empty()}) before it writes anything, and the
 * caller takes the general DuckDB path, which quarantines, refuses or spills as the spec says. A shard whose footer
 * says a newer format is refused here the same way ({@link FormatVersion#checkFooter}).
 */
final class RunSortedWriter {
    /**
     * At most this many points of one run in a batch are sorted on the heap (40 bytes each: 160 MB), so the compactor
     * stays under a 512 MB heap; a batch with a bigger run is sorted by DuckDB, which spills.
     */
    static final long MAX_RUN_POINTS = 4_000_000;

    /** Distinct key objects remembered per row group (PLAIN pages hand out a new Binary per row). */
    private static final int MAX_IDENTITY_KEYS = 1024;

    private static final int ZSTD_LEVEL = 3;
    private static final int PAGE_BYTES = 1 << 20;
    private static final ZstdCodecs CODECS = new ZstdCodecs(ZSTD_LEVEL);
    private static final ParquetReadOptions READ_OPTIONS = HadoopFreeReadOptions.with(CODECS);

    /** The lake file's schema: what DuckDB's {@code COPY} of the typed projection wrote before (§12.4). */
    static final MessageType LAKE_SCHEMA = new MessageType(
            "duckdb_schema",
            Types.optional(PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.stringType())
                    .named(MetricSchema.RUN_ID),
            Types.optional(PrimitiveTypeName.INT32)
                    .as(LogicalTypeAnnotation.intType(32, true))
                    .named(MetricSchema.WORKER),
            Types.optional(PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.stringType())
                    .named(MetricSchema.KEY),
            Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.intType(64, true))
                    .named(MetricSchema.STEP),
            Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS))
                    .named(MetricSchema.TIMESTAMP),
            Types.optional(PrimitiveTypeName.DOUBLE).named(MetricSchema.VALUE));

    /** What was written: rows and the run id range (for the table's add action). */
    record Written(long rows, String minRunId, String maxRunId) {}

    private RunSortedWriter() {}

    /**
     * Writes {@code shards} into {@code out}, or declines.
     *
     * @param shards object key → local copy
     * @throws FormatVersion.UnsupportedFormatException when a shard's footer says a newer format
     */
    static Optional<Written> write(Map<String, Path> shards, Path out, String experiment, int rowGroupRows)
            throws IOException {
        // runs in id order, each with its shards in key order (writer, then sequence)
        TreeMap<String, List<Shard>> runs = new TreeMap<>(RunSortedWriter::compareUtf8);
        for (Map.Entry<String, Path> e : new TreeMap<>(shards).entrySet()) {
            Optional<Layout.RunObject> run = Layout.parseRunObject(e.getKey());
            if (run.isEmpty()) return Optional.empty();
            ParquetMetadata footer;
            try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(e.getValue()), READ_OPTIONS)) {
                footer = r.getFooter();
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty(); // corrupt: the general path quarantines it
            }
            FormatVersion.checkFooter(
                    footer.getFileMetaData().getKeyValueMetaData().get(FormatVersion.FOOTER_KEY), e.getKey());
            runs.computeIfAbsent(run.get().runId(), k -> new ArrayList<>()).add(new Shard(e.getValue(), footer));
        }
        for (List<Shard> s : runs.values()) {
            long n = 0;
            for (Shard shard : s)
                n += shard.footer.getBlocks().stream()
                        .mapToLong(b -> b.getRowCount())
                        .sum();
            if (n > MAX_RUN_POINTS) return Optional.empty();
        }
        Writer writer = new Writer(out, experiment, rowGroupRows);
        try {
            for (Map.Entry<String, List<Shard>> run : runs.entrySet()) {
                RunPoints points = RunPoints.read(run.getKey(), run.getValue());
                if (points == null) {
                    writer.abort();
                    return Optional.empty();
                }
                points.sort();
                writer.write(points);
            }
            writer.finish();
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        return Optional.of(new Written(writer.rows, runs.firstKey(), runs.lastKey()));
    }

    private record Shard(Path path, ParquetMetadata footer) {}

    /** One run's points, column by column; {@code order} is the sorted permutation once {@link #sort} ran. */
    static final class RunPoints {
        final String runId;
        final List<String> keyNames = new ArrayList<>();
        int size;
        int[] keys;
        int[] workers;
        long[] steps;
        long[] timestampsMicros;
        double[] values;
        int[] order;

        RunPoints(String runId, int capacity) {
            this.runId = runId;
            keys = new int[capacity];
            workers = new int[capacity];
            steps = new long[capacity];
            timestampsMicros = new long[capacity];
            values = new double[capacity];
        }

        /** The run's points, or null when a shard holds something only the general path handles. */
        static RunPoints read(String runId, List<Shard> shards) {
            long total = 0;
            for (Shard s : shards)
                total += s.footer.getBlocks().stream()
                        .mapToLong(b -> b.getRowCount())
                        .sum();
            RunPoints p = new RunPoints(runId, Math.toIntExact(total));
            Binary run = utf8(runId);
            Map<Binary, Integer> keyIds = new HashMap<>();
            for (Shard s : shards) {
                MessageType schema = s.footer.getFileMetaData().getSchema();
                long timestampScale = timestampScale(schema);
                if (timestampScale == 0 || !hasMetricColumns(schema)) return null;
                LocalInputFile in = new LocalInputFile(s.path);
                // the footer read before: parsing it again costs as much as decoding a small shard's points
                try (ParquetFileReader r = new ParquetFileReader(in, s.footer, READ_OPTIONS, in.newStream())) {
                    PageReadStore group;
                    while ((group = r.readNextRowGroup()) != null) {
                        int rows = Math.toIntExact(group.getRowCount());
                        if (p.size + rows > total) return null; // the footer's row counts were wrong
                        ColumnReadStoreImpl columns = new ColumnReadStoreImpl(
                                group,
                                new DummyRecordConverter(schema).getRootConverter(),
                                schema,
                                s.footer.getFileMetaData().getCreatedBy());
                        if (!p.readGroup(columns, schema, rows, run, keyIds, timestampScale)) return null;
                    }
                } catch (IOException | RuntimeException undecodable) {
                    return null; // the general path quarantines it (§12.6)
                }
            }
            if (p.size != total) return null;
            return p;
        }

        private boolean readGroup(
                ColumnReadStoreImpl columns,
                MessageType schema,
                int rows,
                Binary run,
                Map<Binary, Integer> keyIds,
                long timestampScale) {
            int base = size;
            ColumnReader c = reader(columns, schema, MetricSchema.RUN_ID);
            Binary checked = null; // a dictionary page hands out the same Binary for the same value
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                Binary r = c.getBinary();
                if (r != checked) {
                    if (!run.equals(r)) return false; // another run's rows: the general path quarantines (§12.6)
                    checked = r;
                }
                c.consume();
            }
            c = reader(columns, schema, MetricSchema.WORKER);
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                workers[base + i] = c.getInteger();
                c.consume();
            }
            c = reader(columns, schema, MetricSchema.KEY);
            // identity first: a dictionary page hands out one Binary per distinct key, hashing its bytes is slower
            Map<Binary, Integer> byIdentity = new IdentityHashMap<>();
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                Binary k = c.getBinary();
                Integer id = byIdentity.get(k);
                if (id == null) {
                    id = keyIds.get(k);
                    if (id == null) {
                        id = keyNames.size();
                        keyNames.add(k.toStringUsingUTF8());
                        keyIds.put(k.copy(), id);
                    }
                    if (byIdentity.size() < MAX_IDENTITY_KEYS) byIdentity.put(k, id);
                }
                keys[base + i] = id;
                c.consume();
            }
            c = reader(columns, schema, MetricSchema.STEP);
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                steps[base + i] = c.getLong();
                c.consume();
            }
            c = reader(columns, schema, MetricSchema.TIMESTAMP);
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                timestampsMicros[base + i] = Math.multiplyExact(c.getLong(), timestampScale);
                c.consume();
            }
            c = reader(columns, schema, MetricSchema.VALUE);
            for (int i = 0; i < rows; i++) {
                if (isNull(c)) return false;
                values[base + i] = c.getDouble();
                c.consume();
            }
            size += rows;
            return true;
        }

        private static ColumnReader reader(ColumnReadStoreImpl columns, MessageType schema, String name) {
            return columns.getColumnReader(schema.getColumnDescription(new String[] {name}));
        }

        private static boolean isNull(ColumnReader c) {
            return c.getCurrentDefinitionLevel() < c.getDescriptor().getMaxDefinitionLevel();
        }

        /** Orders the points by (key, step, worker, timestamp), stably: equal points keep their shard order. */
        void sort() {
            // key ids in the order they were met -> ranks in string order (DuckDB's VARCHAR order: bytes)
            int k = keyNames.size();
            Integer[] byName = new Integer[k];
            for (int i = 0; i < k; i++) byName[i] = i;
            Arrays.sort(byName, (a, b) -> compareUtf8(keyNames.get(a), keyNames.get(b)));
            int[] rank = new int[k];
            List<String> sortedNames = new ArrayList<>(k);
            for (int r = 0; r < k; r++) {
                rank[byName[r]] = r;
                sortedNames.add(keyNames.get(byName[r]));
            }
            keyNames.clear();
            keyNames.addAll(sortedNames);
            int[] start = new int[k + 1];
            for (int i = 0; i < size; i++) {
                keys[i] = rank[keys[i]];
                start[keys[i] + 1]++;
            }
            for (int r = 0; r < k; r++) start[r + 1] += start[r];
            order = new int[size];
            int[] next = start.clone();
            for (int i = 0; i < size; i++) order[next[keys[i]]++] = i;
            int[] scratch = null;
            for (int r = 0; r < k; r++) {
                if (isSorted(start[r], start[r + 1])) continue;
                if (scratch == null) scratch = new int[size];
                mergeSort(start[r], start[r + 1], scratch);
            }
        }

        private boolean isSorted(int from, int to) {
            for (int i = from + 1; i < to; i++) {
                if (compare(order[i - 1], order[i]) > 0) return false;
            }
            return true;
        }

        /** Bottom-up natural merge sort of order[from, to): merges the ascending stretches already there. */
        private void mergeSort(int from, int to, int[] scratch) {
            List<Integer> bounds = new ArrayList<>();
            bounds.add(from);
            for (int i = from + 1; i < to; i++) {
                if (compare(order[i - 1], order[i]) > 0) bounds.add(i);
            }
            bounds.add(to);
            int[] src = order, dst = scratch;
            while (bounds.size() > 2) {
                List<Integer> merged = new ArrayList<>();
                int b = 0;
                for (; b + 2 < bounds.size(); b += 2) {
                    merged.add(bounds.get(b));
                    merge(src, dst, bounds.get(b), bounds.get(b + 1), bounds.get(b + 2));
                }
                if (b + 1 < bounds.size()) {
                    merged.add(bounds.get(b));
                    System.arraycopy(src, bounds.get(b), dst, bounds.get(b), bounds.get(b + 1) - bounds.get(b));
                }
                merged.add(to);
                bounds = merged;
                int[] t = src;
                src = dst;
                dst = t;
            }
            if (src != order) System.arraycopy(src, from, order, from, to - from);
        }

        private void merge(int[] src, int[] dst, int lo, int mid, int hi) {
            int i = lo, j = mid, o = lo;
            while (i < mid && j < hi) dst[o++] = compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[o++] = src[i++];
            while (j < hi) dst[o++] = src[j++];
        }

        /** (step, worker, timestamp) of two points of the same key. */
        private int compare(int a, int b) {
            int c = Long.compare(steps[a], steps[b]);
            if (c != 0) return c;
            c = Integer.compare(workers[a], workers[b]);
            if (c != 0) return c;
            return Long.compare(timestampsMicros[a], timestampsMicros[b]);
        }
    }

    /** Strings compared as their UTF-8 bytes, unsigned: the order of DuckDB's VARCHAR and of Parquet statistics. */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static Binary utf8(String s) {
        return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Microseconds per unit of the shard's timestamp column; 0 when it is not a timestamp this writer knows. */
    private static long timestampScale(MessageType schema) {
        if (!schema.containsField(MetricSchema.TIMESTAMP)) return 0;
        Type t = schema.getType(MetricSchema.TIMESTAMP);
        if (!t.isPrimitive() || t.asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.INT64) return 0;
        if (!(t.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation ts)) return 0;
        return switch (ts.getUnit()) {
            case MILLIS -> 1000;
            case MICROS -> 1;
            case NANOS -> 0;
        };
    }

    /** Exactly the metric columns with their physical types (a newer optional column goes the general way). */
    private static boolean hasMetricColumns(MessageType schema) {
        if (schema.getFieldCount() != MetricSchema.COLUMNS.size()) return false;
        for (MetricSchema.Column c : MetricSchema.COLUMNS) {
            if (!schema.containsField(c.name())) return false;
            Type t = schema.getType(c.name());
            if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) return false;
            PrimitiveType expected = c.parquetType().asPrimitiveType();
            if (t.asPrimitiveType().getPrimitiveTypeName() != expected.getPrimitiveTypeName()) return false;
        }
        return true;
    }

    /**
     * Collects sorted points into row groups of {@code rowGroupRows} and encodes each column of a row group a Parquet
     * page at a time, in bulk loops, with parquet-java's value encoders and page writer (which compresses the pages
     * and keeps statistics and page indexes). parquet-java's column writers, fed a point at a time, hashed and
     * compared every run id and key for the dictionary and the statistics: most of the compactor's time (profiled).
     * Encodings (FORMAT.md §12.4): dictionaries for run_id, worker and key (PLAIN_DICTIONARY, V1 pages), delta for
     * step and timestamp (a run's points are sorted by step, so their deltas are tiny), PLAIN for value.
     */
    private static final class Writer {
        private static final int PAGE_ROWS = PAGE_BYTES / Double.BYTES;

        private final ParquetFileWriter file;
        private final Map<String, String> footer;
        private final int rowGroupRows;
        private final ColumnDescriptor[] columns = LAKE_SCHEMA.getColumns().toArray(new ColumnDescriptor[0]);
        private final Path out;
        // the row group being collected, in file order; run ids and keys as ids into the group's dictionaries
        private final int[] runs;
        private final int[] workers;
        private final int[] keys;
        private final long[] steps;
        private final long[] timestamps;
        private final double[] values;
        private final List<Binary> runNames = new ArrayList<>();
        private final List<Binary> keyNames = new ArrayList<>();
        private final Map<String, Integer> keyIds = new HashMap<>();
        private int groupRows;
        long rows;

        Writer(Path out, String experiment, int rowGroupRows) throws IOException {
            this.out = out;
            this.rowGroupRows = rowGroupRows;
            this.footer = new LinkedHashMap<>();
            footer.put(FormatVersion.FOOTER_KEY, Integer.toString(FormatVersion.CURRENT));
            footer.put(MetricSchema.META_EXPERIMENT, experiment);
            this.file = new ParquetFileWriter(
                    new LocalOutputFile(out),
                    LAKE_SCHEMA,
                    ParquetFileWriter.Mode.OVERWRITE,
                    128L << 20,
                    0,
                    ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH,
                    ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH,
                    false);
            file.start();
            runs = new int[rowGroupRows];
            workers = new int[rowGroupRows];
            keys = new int[rowGroupRows];
            steps = new long[rowGroupRows];
            timestamps = new long[rowGroupRows];
            values = new double[rowGroupRows];
        }

        void write(RunPoints p) throws IOException {
            summarise(p);
            int run = -1;
            int[] keyOf = null;
            for (int n = 0; n < p.size; n++) {
                if (run < 0) {
                    // a run (again) in this row group: its dictionary entries
                    runNames.add(utf8(p.runId));
                    run = runNames.size() - 1;
                    keyOf = new int[p.keyNames.size()];
                    for (int k = 0; k < keyOf.length; k++) {
                        String name = p.keyNames.get(k);
                        keyOf[k] = keyIds.computeIfAbsent(name, x -> {
                            keyNames.add(utf8(x));
                            return keyNames.size() - 1;
                        });
                    }
                }
                int i = p.order[n];
                int g = groupRows++;
                runs[g] = run;
                workers[g] = p.workers[i];
                keys[g] = keyOf[p.keys[i]];
                steps[g] = p.steps[i];
                timestamps[g] = p.timestampsMicros[i];
                values[g] = p.values[i];
                rows++;
                if (groupRows == rowGroupRows) {
                    flushRowGroup();
                    run = -1;
                }
            }
        }

        /**
         * A history summary (FORMAT.md §12.4.1) of each of the run's metrics with at least
         * {@link HistorySummary#MIN_POINTS} points, into the footer: the points are in (key, step, ...) order.
         */
        private void summarise(RunPoints p) {
            for (int from = 0; from < p.size; ) {
                int key = p.keys[p.order[from]];
                int to = from;
                while (to < p.size && p.keys[p.order[to]] == key) to++;
                if (to - from >= HistorySummary.MIN_POINTS) {
                    HistorySummary.Builder b =
                            new HistorySummary.Builder(p.steps[p.order[from]], p.steps[p.order[to - 1]], to - from);
                    for (int n = from; n < to; n++) {
                        int i = p.order[n];
                        b.add(p.steps[i], Math.floorDiv(p.timestampsMicros[i], 1000), p.values[i]);
                    }
                    footer.put(
                            HistorySummary.footerKey(p.runId, p.keyNames.get(key)),
                            b.build().encode());
                }
                from = to;
            }
        }

        private void flushRowGroup() throws IOException {
            if (groupRows == 0) return;
            ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(
                    CODECS.getCompressor(CompressionCodecName.ZSTD),
                    LAKE_SCHEMA,
                    new HeapByteBufferAllocator(),
                    ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH);
            writeDictionaryColumn(pages.getPageWriter(columns[0]), columns[0], runNames, runs);
            writeWorkers(pages.getPageWriter(columns[1]));
            writeDictionaryColumn(pages.getPageWriter(columns[2]), columns[2], keyNames, keys);
            writeDelta(pages.getPageWriter(columns[3]), steps);
            writeDelta(pages.getPageWriter(columns[4]), timestamps);
            writeValues(pages.getPageWriter(columns[5]));
            file.startBlock(groupRows);
            pages.flushToFileWriter(file);
            file.endBlock();
            pages.close();
            groupRows = 0;
            runNames.clear();
            keyNames.clear();
            keyIds.clear();
        }

        /** Strings through a dictionary of the row group's distinct values; {@code ids}: each row's entry. */
        private void writeDictionaryColumn(
                PageWriter pages, ColumnDescriptor column, List<Binary> dictionary, int[] ids) throws IOException {
            pages.writeDictionaryPage(new DictionaryPage(
                    PageValues.plainBinaries(dictionary), dictionary.size(), Encoding.PLAIN_DICTIONARY));
            boolean[] inPage = new boolean[dictionary.size()];
            writeIdPages(pages, column, dictionary.size(), ids, (from, to, stats) -> {
                // each distinct string of the page once, not each row
                Arrays.fill(inPage, false);
                for (int i = from; i < to; i++) inPage[ids[i]] = true;
                for (int id = 0; id < inPage.length; id++) if (inPage[id]) stats.updateStats(dictionary.get(id));
            });
        }

        private void writeWorkers(PageWriter pages) throws IOException {
            // a handful of ranks: a dictionary of those present, ids in first-seen order
            Map<Integer, Integer> idOf = new HashMap<>();
            int[] ids = new int[groupRows];
            int[] dictionary = new int[Math.min(groupRows, 1 << 16)];
            int last = Integer.MIN_VALUE, lastId = -1;
            for (int i = 0; i < groupRows; i++) {
                int w = workers[i];
                if (w != last) {
                    Integer id = idOf.get(w);
                    if (id == null) {
                        id = idOf.size();
                        idOf.put(w, id);
                        if (id == dictionary.length) dictionary = Arrays.copyOf(dictionary, id * 2);
                        dictionary[id] = w;
                    }
                    last = w;
                    lastId = id;
                }
                ids[i] = lastId;
            }
            pages.writeDictionaryPage(new DictionaryPage(
                    PageValues.plainInts(dictionary, idOf.size()), idOf.size(), Encoding.PLAIN_DICTIONARY));
            writeIdPages(pages, columns[1], idOf.size(), ids, (from, to, stats) -> {
                for (int i = from; i < to; i++) stats.updateStats(workers[i]);
            });
        }

        /** Fills a page's statistics from rows {@code [from, to)}. */
        private interface PageStatistics {
            void fill(int from, int to, Statistics<?> stats);
        }

        /** The data pages of a dictionary-encoded column: each page's ids, bit-packed/RLE. */
        private void writeIdPages(
                PageWriter pages, ColumnDescriptor column, int dictionarySize, int[] ids, PageStatistics statistics)
                throws IOException {
            int bitWidth = BytesUtils.getWidthFromMaxInt(dictionarySize - 1);
            for (int from = 0; from < groupRows; from += PAGE_ROWS) {
                int to = Math.min(groupRows, from + PAGE_ROWS);
                Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
                statistics.fill(from, to, stats);
                writeV1(
                        pages,
                        to - from,
                        stats,
                        Encoding.PLAIN_DICTIONARY,
                        PageValues.dictionaryIds(bitWidth, ids, from, to));
            }
        }

        private void writeDelta(PageWriter pages, long[] column) throws IOException {
            for (int from = 0; from < groupRows; from += PAGE_ROWS) {
                int to = Math.min(groupRows, from + PAGE_ROWS);
                LongStatistics stats = (LongStatistics) Statistics.createStats(
                        LAKE_SCHEMA.getColumns().get(column == steps ? 3 : 4).getPrimitiveType());
                for (int i = from; i < to; i++) stats.updateStats(column[i]);
                try (DeltaBinaryPackingValuesWriterForLong delta = new DeltaBinaryPackingValuesWriterForLong(
                        64 * 1024, PAGE_BYTES, new HeapByteBufferAllocator())) {
                    for (int i = from; i < to; i++) delta.writeLong(column[i]);
                    writeV1(pages, to - from, stats, Encoding.DELTA_BINARY_PACKED, delta.getBytes());
                }
            }
        }

        private void writeValues(PageWriter pages) throws IOException {
            for (int from = 0; from < groupRows; from += PAGE_ROWS) {
                int to = Math.min(groupRows, from + PAGE_ROWS);
                DoubleStatistics stats = (DoubleStatistics) Statistics.createStats(columns[5].getPrimitiveType());
                for (int i = from; i < to; i++) stats.updateStats(values[i]);
                writeV1(pages, to - from, stats, Encoding.PLAIN, PageValues.plainDoubles(values, from, to));
            }
        }

        /** A V1 data page of an OPTIONAL column without nulls: definition levels all 1, then the values. */
        private static void writeV1(PageWriter pages, int rows, Statistics<?> stats, Encoding encoding, BytesInput data)
                throws IOException {
            pages.writePage(
                    BytesInput.concat(PageValues.allPresentV1(rows), data),
                    rows,
                    rows,
                    stats,
                    Encoding.BIT_PACKED,
                    Encoding.RLE,
                    encoding);
        }

        void finish() throws IOException {
            flushRowGroup();
            file.end(footer);
        }

        /** Drops what was written: the general path writes the file from scratch. */
        void abort() {
            try {
                file.abort();
                Files.deleteIfExists(out);
            } catch (IOException | RuntimeException e) {
                // the general path overwrites it
            }
        }
    }
}
