package io.runlake.format;

import java.util.Collection;

/**
 * The one home of how RunLake's SQL asks DuckDB to read local files (FORMAT.md §14): compaction, indexing,
 * reports, the query views and the SQL printed for users all build their {@code read_parquet}/{@code read_json}
 * calls here.
 *
 * <p>DuckDB infers Hive partitions from every {@code name=value} folder of a path unless told not to, and a
 * partition column replaces the file's column of the same name: a store, cache or work folder below
 * {@code /data/value=7/} would read every value as 7, below {@code key=x/} every key as {@code x}. So every call
 * says {@code hive_partitioning = false}. Where a reader needs the experiment of a file, it takes it from the
 * file's key (relative to the store root), never from the absolute path.
 */
public final class DuckSql {
    /** The partitioning every read states. */
    public static final String NO_HIVE = "hive_partitioning = false";

    /**
     * The options every RunLake {@code COPY ... TO} Parquet starts with (lake files, runs index, exports): zstd
     * pages and Parquet V1 encodings, which every major reader decodes with its defaults. DuckDB's {@code
     * PARQUET_VERSION V2} writes BYTE_STREAM_SPLIT doubles, which Spark's vectorized reader cannot read
     * (FORMAT.md §12.4).
     */
    public static final String PORTABLE_PARQUET = "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1";

    private DuckSql() {}

    /** A SQL string literal. */
    public static String lit(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A SQL list of literals (file paths: {@link java.nio.file.Path} or String), one per line after the first. */
    public static String list(Collection<?> files) {
        StringBuilder b = new StringBuilder("[");
        int i = 0;
        for (Object f : files) {
            if (i++ > 0) b.append(",\n    ");
            b.append(lit(f.toString()));
        }
        return b.append("]").toString();
    }

    /** {@code read_parquet(files, hive_partitioning = false, options...)}; {@code files} is SQL (a literal or a list). */
    public static String readParquet(String files, String... options) {
        return call("read_parquet", files, options);
    }

    /** {@code read_json(files, hive_partitioning = false, options...)}; {@code files} is SQL (a literal or a list). */
    public static String readJson(String files, String... options) {
        return call("read_json", files, options);
    }

    /** {@code read_csv(files, hive_partitioning = false, options...)}; {@code files} is SQL (a literal or a list). */
    public static String readCsv(String files, String... options) {
        return call("read_csv", files, options);
    }

    private static String call(String function, String files, String... options) {
        StringBuilder b = new StringBuilder(function)
                .append('(')
                .append(files)
                .append(", ")
                .append(NO_HIVE);
        for (String o : options) b.append(", ").append(o);
        return b.append(')').toString();
    }
}
