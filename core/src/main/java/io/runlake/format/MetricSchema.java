package io.runlake.format;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The metric point columns, each declared once (FORMAT.md §7.5): name, Parquet type, SQL type and meaning. Raw
 * shards and compacted lake files share them; the Parquet schema writers use, the typed projection readers
 * use and the column checks are all derived from {@link #COLUMNS}. Column order is part of the format.
 *
 * <p>Adding a column: append it with {@code required = false}; files written before it lack it, and readers read
 * it as NULL there (§7.5, "Schema evolution").
 */
public final class MetricSchema {
    /** One column of a metric point. {@code required}: a file without it is not a metric file. */
    public record Column(String name, Type parquetType, String sqlType, boolean required, String doc) {
        /** {@code CAST(name AS type) AS name}: how every reader reads it, so a file's own types never leak. */
        public String cast() {
            return "CAST(" + name + " AS " + sqlType + ") AS " + name;
        }

        /** {@code NULL::type AS name}: the column of a file written before it existed. */
        public String nullValue() {
            return "NULL::" + sqlType + " AS " + name;
        }
    }

    public static final String RUN_ID = "run_id";
    public static final String WORKER = "worker";
    public static final String KEY = "key";
    public static final String STEP = "step";
    public static final String TIMESTAMP = "timestamp";
    public static final String VALUE = "value";

    public static final List<Column> COLUMNS = List.of(
            new Column(RUN_ID, string(RUN_ID), "VARCHAR", true, "Run id; every row of a shard is the run of its key."),
            new Column(
                    WORKER, Types.required(PrimitiveTypeName.INT32).named(WORKER), "INTEGER", true, "Writer's rank."),
            new Column(KEY, string(KEY), "VARCHAR", true, "Metric key."),
            new Column(STEP, Types.required(PrimitiveTypeName.INT64).named(STEP), "BIGINT", true, "Step, >= 0."),
            new Column(
                    TIMESTAMP,
                    Types.required(PrimitiveTypeName.INT64)
                            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
                            .named(TIMESTAMP),
                    "TIMESTAMPTZ",
                    true,
                    "When the point was logged (ms, UTC)."),
            new Column(
                    VALUE,
                    Types.required(PrimitiveTypeName.DOUBLE).named(VALUE),
                    "DOUBLE",
                    true,
                    "IEEE 754 binary64; NaN, +-Infinity and -0.0 allowed."));

    private static final Map<String, Column> BY_NAME =
            COLUMNS.stream().collect(Collectors.toUnmodifiableMap(Column::name, Function.identity()));

    /** Metric keys starting with this are written by RunLake itself (heartbeats: FORMAT.md §9.3). */
    public static final String RESERVED_KEY_PREFIX = "runlake/";

    /** Footer key-value metadata written into every shard. */
    public static final String META_FORMAT_VERSION = "runlake.format_version";

    public static final String META_EXPERIMENT = "runlake.experiment";
    public static final String META_LAST_ACTIVITY = "runlake.last_activity_ms";
    public static final String META_POINTS = "runlake.points";

    public static final MessageType SHARD = new MessageType(
            "runlake_metric", COLUMNS.stream().map(Column::parquetType).toList());

    private MetricSchema() {}

    private static Type string(String name) {
        return Types.required(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(name);
    }

    public static Column column(String name) {
        Column c = BY_NAME.get(name);
        if (c == null) throw new IllegalArgumentException("no metric column '" + name + "'");
        return c;
    }

    /** The names of the columns a file must have to be a metric file; files may lack optional ones. */
    public static List<String> requiredNames() {
        return COLUMNS.stream().filter(Column::required).map(Column::name).toList();
    }

    /** The typed projection of the named columns, in the given order, for a file that has all of them. */
    public static String castProjection(List<String> names) {
        return names.stream().map(n -> column(n).cast()).collect(Collectors.joining(", "));
    }

    /** The typed projection of every column in schema order, for files that have all of them. */
    public static String castProjection() {
        return castProjection(COLUMNS.stream().map(Column::name).toList());
    }

    /**
     * The typed projection of the named columns for a file that has only {@code present} of them: a missing
     * optional column reads as NULL.
     */
    public static String castProjection(List<String> names, Set<String> present) {
        return names.stream()
                .map(n -> present.contains(n) ? column(n).cast() : column(n).nullValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * The FROM item that reads metric points from Parquet files ({@code files}: SQL, a literal or a list). While
     * every column is required it is a plain {@code read_parquet}; once an optional column exists, files written
     * before it (which lack it) are read with that column NULL, never refused or skipped (FORMAT.md §7.5).
     */
    public static String readPoints(String files, String... options) {
        return readPoints(COLUMNS, files, options);
    }

    static String readPoints(List<Column> columns, String files, String... options) {
        if (columns.stream().allMatch(Column::required)) return DuckSql.readParquet(files, options);
        String[] byName = Arrays.copyOf(options, options.length + 1);
        byName[options.length] = "union_by_name = true";
        String typedEmpty = columns.stream().map(Column::nullValue).collect(Collectors.joining(", "));
        return "(SELECT * FROM (SELECT " + typedEmpty + ") WHERE false\n  UNION ALL BY NAME SELECT * FROM "
                + DuckSql.readParquet(files, byName) + ")";
    }

    /** A typed all-NULL row of the named columns, for a scan over no files. */
    public static String nullRow(List<String> names) {
        return names.stream().map(n -> column(n).nullValue()).collect(Collectors.joining(", "));
    }
}
