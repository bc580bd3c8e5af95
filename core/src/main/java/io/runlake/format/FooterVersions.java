package io.runlake.format;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the {@code runlake.format_version} footer key of local Parquet copies with DuckDB (any DuckDB JDBC
 * connection: the query library's or a maintenance job's) and applies {@link FormatVersion#checkFooter}. Used
 * before a Parquet object is read for points, compacted, merged, summarised or quarantined.
 */
public final class FooterVersions {
    private FooterVersions() {}

    /**
     * Refuses the first file (in key order) whose footer says a format this code does not support. Files DuckDB
     * cannot open at all are not judged here: they are corrupt, which the caller finds out (and reports or
     * quarantines) when it reads them.
     *
     * @param files key of the object → its local copy
     * @throws FormatVersion.UnsupportedFormatException naming the key and the version found
     */
    public static void check(Connection conn, Map<String, Path> files) {
        Map<String, String> versions = read(conn, files);
        for (Map.Entry<String, Path> e : new TreeMap<>(files).entrySet()) {
            FormatVersion.checkFooter(versions.get(e.getKey()), e.getKey());
        }
    }

    /** key → the footer value, for the files that have the footer key (files without it, or unreadable ones, are absent). */
    static Map<String, String> read(Connection conn, Map<String, Path> files) {
        Map<String, String> out = new HashMap<>();
        if (files.isEmpty()) return out;
        Map<String, String> keyOfPath = new HashMap<>();
        files.forEach((k, p) -> keyOfPath.put(p.toString(), k));
        try {
            query(conn, new ArrayList<>(files.values()), keyOfPath, out);
        } catch (SQLException batch) {
            out.clear();
            for (Path p : files.values()) {
                try {
                    query(conn, List.of(p), keyOfPath, out);
                } catch (SQLException e) {
                    // not a readable Parquet file: corrupt, not newer; the reader of its points deals with it
                }
            }
        }
        return out;
    }

    private static void query(Connection conn, List<Path> paths, Map<String, String> keyOfPath, Map<String, String> out)
            throws SQLException {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < paths.size(); i++) {
            if (i > 0) list.append(", ");
            list.append('\'').append(paths.get(i).toString().replace("'", "''")).append('\'');
        }
        list.append(']');
        String sql = "SELECT file_name, CAST(value AS VARCHAR) FROM parquet_kv_metadata(" + list
                + ") WHERE key = CAST('" + FormatVersion.FOOTER_KEY + "' AS BLOB)";
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String key = keyOfPath.get(rs.getString(1));
                if (key != null) out.put(key, rs.getString(2));
            }
        }
    }
}
