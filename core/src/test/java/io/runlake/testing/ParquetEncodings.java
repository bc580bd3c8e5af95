package io.runlake.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The encodings of Parquet column chunks as DuckDB's {@code parquet_metadata} reports them, checked against what
 * every major reader decodes with its defaults (FORMAT.md §7.5).
 */
public final class ParquetEncodings {
    /**
     * What Spark 4's vectorized reader decodes, the narrowest default among Spark, Trino/Athena, DuckDB and
     * Polars: BYTE_STREAM_SPLIT is missing from it.
     */
    public static final Set<String> READABLE_BY_EVERY_ENGINE = Set.of(
            "PLAIN",
            "PLAIN_DICTIONARY",
            "RLE_DICTIONARY",
            "RLE",
            "BIT_PACKED",
            "DELTA_BINARY_PACKED",
            "DELTA_LENGTH_BYTE_ARRAY",
            "DELTA_BYTE_ARRAY");

    private ParquetEncodings() {}

    /** Column path → the encodings of its chunks in every row group of every file. */
    public static Map<String, Set<String>> byColumn(Collection<Path> files) {
        Map<String, Set<String>> encodings = new TreeMap<>();
        for (Path file : files) {
            for (List<Object> row :
                    Lakes.query("SELECT path_in_schema, encodings FROM parquet_metadata(" + Lakes.lit(file) + ")")) {
                Set<String> column = encodings.computeIfAbsent((String) row.get(0), c -> new TreeSet<>());
                for (String e : ((String) row.get(1)).split(",")) column.add(e.trim());
            }
        }
        return encodings;
    }

    /** Fails naming each column of {@code files} (at least one file) that uses an encoding outside the set. */
    public static void assertEveryEngineReads(Collection<Path> files) {
        assertFalse(files.isEmpty(), "no Parquet file to check");
        Map<String, Set<String>> unreadable = new TreeMap<>();
        byColumn(files).forEach((column, used) -> {
            Set<String> bad = new TreeSet<>(used);
            bad.removeAll(READABLE_BY_EVERY_ENGINE);
            if (!bad.isEmpty()) unreadable.put(column, bad);
        });
        assertEquals(Map.of(), unreadable, "encodings some engine's default reader lacks, in " + files);
    }
}
