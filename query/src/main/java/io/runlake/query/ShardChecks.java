package io.runlake.query;

import io.runlake.format.DuckSql;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.RunObjects;
import io.runlake.store.ObjectInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reader's checks of uncovered shards (FORMAT.md §11) before any view reads them: whole Parquet files, with the
 * required metric columns, every page decodable with the casts the views apply, and every row of the key's run.
 * Results are keyed {@code key|etag}: "" for a shard to read, else the problem.
 */
final class ShardChecks {
    private ShardChecks() {}

    /**
     * Checks Parquet magic bytes in Java, then with DuckDB (one query for all, one per file on error) the columns, and
     * then the rows: every page of every column is decoded with the casts the views apply, so a shard whose pages are
     * corrupt is skipped here instead of failing later queries, and every row's {@code run_id} must be the run of its
     * key (a shard never adds points to another run; FORMAT.md §11).
     */
    static Map<String, String> check(Path root, List<ObjectInfo> shards, Connection conn) {
        Map<String, String> out = new LinkedHashMap<>();
        List<ObjectInfo> whole = new ArrayList<>();
        for (ObjectInfo o : shards) {
            String problem = magic(root.resolve(o.key()), o.key());
            if (problem.isEmpty()) whole.add(o);
            else out.put(id(o), problem);
        }
        List<ObjectInfo> withColumns = perFile(root, whole, conn, out, batch -> {
            Map<String, Integer> found = requiredColumns(
                    conn, batch.stream().map(o -> root.resolve(o.key())).toList());
            List<ObjectInfo> ok = new ArrayList<>();
            for (ObjectInfo o : batch) {
                Integer n = found.get(root.resolve(o.key()).toString());
                if (n != null && n == MetricSchema.requiredNames().size()) ok.add(o);
                else out.put(id(o), "not a RunLake metric shard (missing columns)");
            }
            return ok;
        });
        perFile(root, withColumns, conn, out, batch -> {
            out.putAll(checkRows(root, batch, conn));
            return batch;
        });
        return out;
    }

    @FunctionalInterface
    private interface Check {
        List<ObjectInfo> run(List<ObjectInfo> shards) throws SQLException;
    }

    /** Runs {@code check} on all shards at once, and on each alone when that fails, to name the unreadable ones. */
    private static List<ObjectInfo> perFile(
            Path root, List<ObjectInfo> shards, Connection conn, Map<String, String> out, Check check) {
        if (shards.isEmpty()) return shards;
        try {
            return check.run(shards);
        } catch (SQLException batch) {
            List<ObjectInfo> passed = new ArrayList<>();
            for (ObjectInfo o : shards) {
                Path p = root.resolve(o.key());
                if (!Files.exists(p)) throw new Vanished(o.key()); // deleted by maintenance: not corrupt, rebuild
                try {
                    passed.addAll(check.run(List.of(o)));
                } catch (SQLException e) {
                    out.put(
                            id(o),
                            "unreadable Parquet: "
                                    + QueryException.firstLine(e.getMessage()).replace(p.toString(), o.key()));
                }
            }
            return passed;
        }
    }

    private static String id(ObjectInfo o) {
        return o.key() + "|" + o.etag();
    }

    /** Reads every row of the shards (all columns, cast as the views cast them); "" per shard or the problem. */
    private static Map<String, String> checkRows(Path root, List<ObjectInfo> shards, Connection conn)
            throws SQLException {
        Map<String, ObjectInfo> byPath = new HashMap<>();
        List<Path> paths = new ArrayList<>();
        for (ObjectInfo o : shards) {
            Path p = root.resolve(o.key());
            byPath.put(p.toString(), o);
            paths.add(p);
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<String> columns =
                MetricSchema.COLUMNS.stream().map(MetricSchema.Column::name).toList();
        String sql = "SELECT filename, " + RunObjects.RUN_ID_RANGE_SQL + ", sum(hash("
                + String.join(", ", columns) + ")) FROM (\n  SELECT filename, " + MetricSchema.castProjection(columns)
                + "\n  FROM " + MetricSchema.readPoints(DuckSql.list(paths), "filename = true") + ") GROUP BY filename";
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ObjectInfo o = byPath.get(rs.getString(1));
                if (o == null) continue;
                String run = Layout.parseRunObject(o.key())
                        .map(Layout.RunObject::runId)
                        .orElse("");
                out.put(id(o), RunObjects.foreignRows(run, rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        for (ObjectInfo o : shards) out.putIfAbsent(id(o), ""); // no rows: nothing to read
        return out;
    }

    /** Per file, how many of the required metric columns its schema has. */
    private static Map<String, Integer> requiredColumns(Connection conn, List<Path> paths) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        String names = MetricSchema.requiredNames().stream().map(DuckSql::lit).collect(Collectors.joining(", "));
        String sql = "SELECT file_name, count(*) FILTER (WHERE name IN (" + names + ")) " + "FROM parquet_schema("
                + DuckSql.list(paths) + ") GROUP BY file_name";
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
    }

    private static String magic(Path p, String key) {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long n = f.length();
            if (n < 12) return "truncated Parquet file (" + n + " bytes)";
            byte[] head = new byte[4], tail = new byte[4];
            f.readFully(head);
            f.seek(n - 4);
            f.readFully(tail);
            String h = new String(head, StandardCharsets.US_ASCII), t = new String(tail, StandardCharsets.US_ASCII);
            if (!"PAR1".equals(h) || !"PAR1".equals(t)) {
                return "not a whole Parquet file (missing PAR1 magic; half-written or corrupt)";
            }
            return "";
        } catch (IOException e) {
            if (!Files.exists(p)) throw new Vanished(key);
            return "cannot read the local copy: " + e.getMessage();
        }
    }
}
