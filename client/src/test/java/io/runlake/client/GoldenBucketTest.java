package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.DuckSql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the checked-in golden bucket ({@code core/src/test/resources/golden/}) equal to what {@link
 * GoldenBucketGenerator} writes, so it can always be regenerated: run with {@code -Drunlake.golden.write=true} to
 * rewrite it (ARCHITECTURE.md, "Golden bucket").
 */
class GoldenBucketTest {
    /** The checked-in bucket, seen from this module's folder (where Maven runs the tests). */
    static final Path GOLDEN = Path.of("").toAbsolutePath().getParent().resolve("core/src/test/resources/golden");

    @Test
    @EnabledIfSystemProperty(named = "runlake.golden.write", matches = "true")
    void regenerate(@TempDir Path work) throws Exception {
        GoldenBucketGenerator.generate(GOLDEN, work);
    }

    @Test
    void checkedInBucketIsWhatTheGeneratorWrites(@TempDir Path fresh, @TempDir Path work) throws Exception {
        GoldenBucketGenerator.generate(fresh, work);
        TreeMap<String, Path> expected = files(fresh);
        TreeMap<String, Path> actual = files(GOLDEN);
        assertEquals(expected.keySet(), actual.keySet(), "the golden bucket's keys (regenerate it: ARCHITECTURE.md)");
        for (String key : expected.keySet()) {
            Path a = actual.get(key), e = expected.get(key);
            if (key.endsWith(".parquet") && isParquet(e)) {
                // DuckDB's writer may change its bytes between versions; what must not change is what the file says
                assertEquals(parquetContent(e), parquetContent(a), key);
            } else {
                assertArrayEquals(Files.readAllBytes(e), Files.readAllBytes(a), key);
            }
        }
    }

    @Test
    void theBucketHasEveryObjectKind() throws IOException {
        TreeMap<String, Path> keys = files(GOLDEN);
        for (String part : List.of(
                "_runlake/format.json",
                "run-ids/",
                "artifacts/sha256/",
                "/run.json",
                "/workers/",
                "/events/",
                "/metrics/",
                "/end/",
                "lake/metrics/_delta_log/00000000000000000000.json",
                "lake/runs/_delta_log/00000000000000000000.json",
                "lake/metrics/",
                "lake/runs/",
                "lake/quarantine/",
                "EXPECTED.json",
                "experiment=my%20exp%2Fv2/",
                "experiment=..%2F..%2Fetc%2Fpasswd%20x%2F%C3%BC/")) {
            assertTrue(keys.keySet().stream().anyMatch(k -> k.contains(part)), "no key with " + part);
        }
    }

    private static TreeMap<String, Path> files(Path root) throws IOException {
        TreeMap<String, Path> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(Files::isRegularFile)
                    .forEach(p -> out.put(root.relativize(p).toString().replace('\\', '/'), p));
        }
        return out;
    }

    private static boolean isParquet(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return b.length > 8 && new String(b, b.length - 4, 4, StandardCharsets.US_ASCII).equals("PAR1");
    }

    /** Schema, rows (in file order) and footer key-value metadata, as text. */
    private static List<String> parquetContent(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        String f = DuckSql.lit(file.toString());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            for (String sql : List.of(
                    "SELECT name, type, logical_type, repetition_type FROM parquet_schema(" + f + ")",
                    "SELECT * FROM " + DuckSql.readParquet(f),
                    "SELECT decode(key), decode(value) FROM parquet_kv_metadata(" + f + ") ORDER BY 1")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= n; i++) row.append(rs.getString(i)).append(" | ");
                        out.add(row.toString());
                    }
                }
            }
        }
        return out;
    }
}
