package io.runlake.testing;

import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: copy a store to a folder and read it back with DuckDB, as an analyst would. */
public final class Lakes {
    private Lakes() {}

    /** Downloads every object (through the store's own API, e.g. S3 over HTTP) into {@code dir}. */
    public static Path mirror(ObjectStore store, Path dir) {
        for (ObjectInfo o : store.list("")) {
            store.download(o.key(), dir.resolve(o.key()));
        }
        return dir;
    }

    public static List<List<Object>> query(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a result, each as its columns' JDBC objects. */
    public static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
            rows.add(row);
        }
        return rows;
    }

    public static Object scalar(String sql) {
        return query(sql).get(0).get(0);
    }

    /** A SQL string literal for a path. */
    public static String lit(Path p) {
        return "'" + p.toString().replace("'", "''") + "'";
    }

    public static String lit(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
