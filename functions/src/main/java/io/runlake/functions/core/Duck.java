package io.runlake.functions.core;

import io.runlake.format.DuckSql;
import io.runlake.format.FooterVersions;
import io.runlake.format.FormatVersion;
import io.runlake.format.MetricSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An in-process DuckDB database for one maintenance step, bounded in memory and spilling to a local temp
 * folder, so sorting any amount of input streams instead of filling RAM. Only local files are read: the
 * object store is accessed through {@link io.runlake.store.ObjectStore}, never through DuckDB's httpfs.
 */
final class Duck implements AutoCloseable {
    private final Connection connection;

    private Duck(Connection connection) {
        this.connection = connection;
    }

    static Duck open(Path spillDir, String memoryLimit, int threads) {
        try {
            Files.createDirectories(spillDir);
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            Duck d = new Duck(c);
            d.exec("SET memory_limit=" + lit(memoryLimit));
            d.exec("SET temp_directory=" + lit(spillDir.toString()));
            d.exec("SET threads=" + Math.max(1, threads));
            // Sorted output must stay sorted when written.
            d.exec("SET preserve_insertion_order=true");
            d.exec("SET enable_progress_bar=false");
            d.exec("SET TimeZone='UTC'");
            return d;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create DuckDB spill folder " + spillDir + ": " + e, e);
        }
    }

    void exec(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    List<Object[]> query(String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    static List<Object[]> rows(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<Object[]> out = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[n];
            for (int i = 0; i < n; i++) row[i] = rs.getObject(i + 1);
            out.add(row);
        }
        return out;
    }

    /**
     * Refuses (before anything reads their points) the local copies whose footer says a newer format.
     *
     * @param files object key → local copy
     * @throws io.runlake.format.FormatVersion.UnsupportedFormatException naming the first such key
     */
    void requireSupportedFormat(Map<String, Path> files) {
        FooterVersions.check(connection, files);
    }

    /** The footer options of a COPY that writes a lake file or runs index: the format version and the experiment. */
    static String footer(String experiment) {
        return footer(experiment, Map.of());
    }

    /** The COPY option of a lake file's footer, with further entries (history summaries). */
    static String footer(String experiment, Map<String, String> more) {
        StringBuilder b = new StringBuilder("KV_METADATA {")
                .append(lit(FormatVersion.FOOTER_KEY))
                .append(": ")
                .append(lit(Integer.toString(FormatVersion.CURRENT)))
                .append(", ")
                .append(lit(MetricSchema.META_EXPERIMENT))
                .append(": ")
                .append(lit(experiment));
        more.forEach((k, v) -> b.append(", ").append(lit(k)).append(": ").append(lit(v)));
        return b.append('}').toString();
    }

    /** A SQL string literal. */
    static String lit(String s) {
        return DuckSql.lit(s);
    }

    /** {@code read_parquet} of local files, never inferring Hive partitions from their paths ({@link DuckSql}). */
    static String readParquet(List<Path> paths) {
        return DuckSql.readParquet(files(paths));
    }

    /** A SQL list of file path literals, for {@link #readParquet}. */
    static String files(List<Path> paths) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < paths.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(lit(paths.get(i).toString()));
        }
        return b.append("]").toString();
    }

    /** The points of the given local Parquet files, with the metric schema's column types enforced. */
    static String points(List<Path> paths) {
        return "SELECT " + MetricSchema.castProjection() + " FROM " + MetricSchema.readPoints(files(paths));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing to release that closing the JVM object does not
        }
    }
}
