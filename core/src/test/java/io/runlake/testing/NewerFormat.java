package io.runlake.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Test helpers that plant objects "written by a future RunLake" (format version 2) into real stores, and check
 * that they were refused with the one error of FORMAT.md §3 (naming the key, the version found and the version
 * supported) and left untouched.
 */
public final class NewerFormat {
    /** A version this code does not support. */
    public static final int NEWER = FormatVersion.CURRENT + 1;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private NewerFormat() {}

    /** A fresh empty store: {@code "file"} (a folder under {@code tmp}) or {@code "s3"} (a bucket on the shared S3Proxy). */
    public static URI freshStore(String kind, Path tmp) {
        int n = COUNTER.incrementAndGet();
        if (kind.equals("file")) {
            try {
                return Files.createDirectories(tmp.resolve("store-" + n)).toUri();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return S3ProxyServer.shared().newBucketUri("newer-" + n + "-" + System.nanoTime() % 1_000_000, "lake");
    }

    /** Writes {@code bytes} at {@code key} even if an object is there (the store API never overwrites; tests may). */
    public static void overwrite(URI store, String key, byte[] bytes) {
        if ("s3".equals(store.getScheme())) {
            String prefix = store.getPath().replaceAll("^/+|/+$", "");
            try (S3Client s3 = S3ProxyServer.shared().client()) {
                s3.putObject(
                        b -> b.bucket(store.getHost()).key(prefix.isEmpty() ? key : prefix + "/" + key),
                        RequestBody.fromBytes(bytes));
            }
        } else {
            try {
                Path p = Path.of(store).resolve(key);
                Files.createDirectories(p.getParent());
                Files.write(p, bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes a Parquet file with DuckDB: {@code select} gives the rows, and the footer gets
     * {@code runlake.format_version = version} plus {@code runlake.experiment}.
     */
    public static Path parquet(Path file, String select, int version, String experiment) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            st.execute("SET TimeZone = 'UTC'");
            st.execute("COPY (" + select + ") TO " + Lakes.lit(file)
                    + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {" + "'runlake.format_version': '" + version
                    + "', 'runlake.experiment': " + Lakes.lit(experiment) + "})");
            return file;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ten metric points of one run and worker, with the shard schema of FORMAT.md §7.5. */
    public static String points(String runId, int worker) {
        return "SELECT '" + runId + "' AS run_id, " + worker
                + "::INTEGER AS worker, 'loss' AS key, range::BIGINT AS step, "
                + "epoch_ms(1700000000000 + range) AS timestamp, 1.0 / (range + 1) AS value FROM range(10)";
    }

    /** The same points with a schema a future version might use: the {@code value} column replaced. */
    public static String pointsWithANewSchema(String runId, int worker) {
        return "SELECT '" + runId + "' AS run_id, " + worker
                + "::INTEGER AS worker, 'loss' AS key, range::BIGINT AS step, "
                + "epoch_ms(1700000000000 + range) AS timestamp, struct_pack(mean := 1.0 / (range + 1), n := 3) AS value_v2 FROM range(10)";
    }

    /** The value of a Parquet file's footer key, or null. */
    public static String footer(Path file, String key) {
        var rows = Lakes.query("SELECT decode(value) FROM parquet_kv_metadata(" + Lakes.lit(file)
                + ") WHERE key = CAST(" + Lakes.lit(key) + " AS BLOB)");
        return rows.isEmpty() ? null : (String) rows.get(0).get(0);
    }

    /** Every key with its ETag and size: compare before and after to show nothing was changed or deleted. */
    public static Map<String, String> snapshot(ObjectStore store) {
        Map<String, String> out = new TreeMap<>();
        for (ObjectInfo o : store.list("")) out.put(o.key(), o.etag() + "/" + o.size());
        return out;
    }

    /**
     * Asserts {@code e} (or a cause) is the refusal of FORMAT.md §3: an {@code UnsupportedFormatException} whose
     * message names {@code key}, the version found ({@link #NEWER}) and the version supported.
     */
    public static FormatVersion.UnsupportedFormatException assertRefused(Throwable e, String key) {
        Throwable t = e;
        while (t != null && !(t instanceof FormatVersion.UnsupportedFormatException)) t = t.getCause();
        assertNotNull(t, () -> "expected an UnsupportedFormatException naming " + key + ", got " + e);
        String m = t.getMessage();
        assertTrue(m.contains(key), () -> "the error should name " + key + ": " + m);
        if (m.contains(
                "needs Delta reader version")) { // a lake table's protocol (FORMAT.md §12.2), not a RunLake object
            assertTrue(m.contains("upgrade RunLake"), () -> "the error should say what fixes it: " + m);
            return (FormatVersion.UnsupportedFormatException) t;
        }
        assertTrue(m.contains("has format version " + NEWER), () -> "the error should name the version found: " + m);
        assertTrue(
                m.contains("supports format version " + FormatVersion.CURRENT),
                () -> "the error should name the version supported: " + m);
        return (FormatVersion.UnsupportedFormatException) t;
    }
}
