package io.runlake.testing;

import static io.delta.kernel.internal.util.Utils.singletonCloseableIterator;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * The reference Delta reader for conformance tests: reads a Delta table folder with Delta Kernel's default engine
 * (scan files, then each file's physical data transformed into table rows, partition columns included), as any
 * third-party engine would. Timestamps come back as {@link Instant}, maps as {@link Map}, arrays as {@link List}.
 *
 * <p>Modules using it need, besides core's test-jar, the test dependencies {@code io.delta:delta-kernel-api},
 * {@code io.delta:delta-kernel-defaults}, {@code org.apache.hadoop:hadoop-client-api} and
 * {@code org.apache.hadoop:hadoop-client-runtime}.
 */
public final class DeltaKernelTables {
    private static final String FILE_SCHEME = "file:";

    private DeltaKernelTables() {}

    /** The latest version, found by listing {@code _delta_log} (no {@code _last_checkpoint} needed). */
    public static long version(Path tableRoot) {
        return snapshot(engine(), tableRoot).getVersion();
    }

    /** The configuration of a domain in the latest snapshot (domain metadata), empty when absent or removed. */
    public static Optional<String> domainMetadata(Path tableRoot, String domain) {
        return snapshot(engine(), tableRoot).getDomainMetadata(domain);
    }

    /** Every row of the latest snapshot, column name to value. */
    public static List<Map<String, Object>> rows(Path tableRoot) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Engine engine = engine();
        Scan scan = snapshot(engine, tableRoot).getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
        forEachScanFile(engine, scan, file -> {
            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
            try (CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                            .readParquetFiles(singletonCloseableIterator(status), physicalSchema, Optional.empty());
                    CloseableIterator<FilteredColumnarBatch> data =
                            Scan.transformPhysicalData(engine, scanState, file, physical)) {
                while (data.hasNext()) addRows(data.next(), rows);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return rows;
    }

    /** The data files of the latest snapshot, as local paths. */
    public static List<Path> liveFiles(Path tableRoot) {
        return liveFiles(tableRoot, Optional.empty());
    }

    /**
     * The data files a scan with this filter reads: Kernel skips files whose {@code stats} (minValues,
     * maxValues) rule the filter out, so this shows that the stats were parsed.
     */
    public static List<Path> liveFiles(Path tableRoot, Optional<Predicate> filter) {
        List<Path> files = new ArrayList<>();
        Engine engine = engine();
        ScanBuilder builder = snapshot(engine, tableRoot).getScanBuilder();
        Scan scan = filter.map(builder::withFilter).orElse(builder).build();
        forEachScanFile(engine, scan, file -> files.add(localPath(InternalScanFileUtils.getAddFileStatus(file))));
        return files;
    }

    public static long count(Path tableRoot, String experiment) {
        return rows(tableRoot).stream()
                .filter(r -> experiment.equals(r.get("experiment")))
                .count();
    }

    public static double sum(Path tableRoot, String column, String experiment) {
        return rows(tableRoot).stream()
                .filter(r -> experiment.equals(r.get("experiment")))
                .mapToDouble(r -> ((Number) r.get(column)).doubleValue())
                .sum();
    }

    /** Rows per partition value of {@code experiment}. */
    public static Map<String, Long> countsByExperiment(Path tableRoot) {
        Map<String, Long> counts = new HashMap<>();
        for (Map<String, Object> row : rows(tableRoot)) counts.merge((String) row.get("experiment"), 1L, Long::sum);
        return counts;
    }

    private static Engine engine() {
        return DefaultEngine.create(new Configuration());
    }

    private static Snapshot snapshot(Engine engine, Path tableRoot) {
        return Table.forPath(engine, tableRoot.toAbsolutePath().toString()).getLatestSnapshot(engine);
    }

    private static void forEachScanFile(Engine engine, Scan scan, Consumer<Row> action) {
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> files = batches.next().getRows()) {
                    while (files.hasNext()) action.accept(files.next());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addRows(FilteredColumnarBatch batch, List<Map<String, Object>> rows) {
        ColumnarBatch data = batch.getData();
        Optional<ColumnVector> selection = batch.getSelectionVector();
        StructType schema = data.getSchema();
        for (int i = 0; i < data.getSize(); i++) {
            if (selection.isPresent()
                    && (selection.get().isNullAt(i) || !selection.get().getBoolean(i))) continue;
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < schema.length(); c++) {
                row.put(schema.at(c).getName(), value(data.getColumnVector(c), i));
            }
            rows.add(row);
        }
    }

    private static Object value(ColumnVector v, int i) {
        if (v.isNullAt(i)) return null;
        DataType type = v.getDataType();
        if (type instanceof StringType) return v.getString(i);
        if (type instanceof IntegerType) return v.getInt(i);
        if (type instanceof LongType) return v.getLong(i);
        if (type instanceof DoubleType) return v.getDouble(i);
        if (type instanceof BooleanType) return v.getBoolean(i);
        if (type instanceof TimestampType || type instanceof TimestampNTZType) {
            return Instant.EPOCH.plus(v.getLong(i), ChronoUnit.MICROS);
        }
        if (type instanceof MapType) return map(v.getMap(i));
        if (type instanceof ArrayType) return list(v.getArray(i));
        if (type instanceof StructType struct) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int f = 0; f < struct.length(); f++) fields.put(struct.at(f).getName(), value(v.getChild(f), i));
            return fields;
        }
        throw new IllegalArgumentException("no conversion for Delta type " + type);
    }

    private static Map<Object, Object> map(MapValue m) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < m.getSize(); i++) out.put(value(m.getKeys(), i), value(m.getValues(), i));
        return out;
    }

    private static List<Object> list(ArrayValue a) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < a.getSize(); i++) out.add(value(a.getElements(), i));
        return out;
    }

    /** Kernel names files by Hadoop path strings: the scheme, then the path as it is on disk (not URI-encoded). */
    private static Path localPath(FileStatus status) {
        String path = status.getPath();
        return Path.of(path.startsWith(FILE_SCHEME) ? path.substring(FILE_SCHEME.length()) : path);
    }
}
