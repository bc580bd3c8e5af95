package io.runlake.client;

import io.runlake.client.GoldenModel.Experiment;
import io.runlake.client.GoldenModel.Run;
import io.runlake.format.DuckSql;
import io.runlake.runs.RunLineage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden runs index (FORMAT.md §12.7) of the compacted experiment with DuckDB: one row per run, run facts
 * from {@link GoldenExpectations} (so the index says what every reader must say), metric summaries computed in SQL
 * over the exactly-once points with the spec's tie rule.
 */
final class GoldenIndex {
    private GoldenIndex() {}

    static void write(Connection duck, Experiment e, String pointsSql, Path out, String footer) throws SQLException {
        exec(
                duck,
                "CREATE OR REPLACE TABLE golden_summaries AS SELECT run_id, key, "
                        + "arg_max(value, (step, timestamp, worker)) AS last_value, "
                        + "min(value) FILTER (WHERE NOT isnan(value)) AS min_value, "
                        + "max(value) FILTER (WHERE NOT isnan(value)) AS max_value, "
                        + "count(*)::BIGINT AS point_count, max(step) AS last_step FROM (" + pointsSql + ")\n"
                        + "GROUP BY run_id, key");
        List<String> rows = new ArrayList<>();
        for (Run r : e.runs) rows.add(row(e, r));
        exec(
                duck,
                "COPY (SELECT r.*, coalesce((SELECT sum(point_count) FROM golden_summaries s\n"
                        + "WHERE s.run_id = r.run_id), 0)::BIGINT AS points, r2.params, r2.tags,\n"
                        + "coalesce((SELECT list({'key': key, 'last_value': last_value, "
                        + "'min_value': min_value, 'max_value': max_value, 'point_count': point_count, 'last_step': last_step} "
                        + "ORDER BY key) FROM golden_summaries s WHERE s.run_id = r.run_id), []) AS metrics, "
                        + "r2.artifacts, r2.inputs "
                        + "FROM (" + String.join(" UNION ALL ", rows) + ") r\n"
                        + "JOIN (" + String.join(" UNION ALL ", maps(e)) + ") r2 "
                        + "USING (run_id) ORDER BY r.start_time, r.run_id) TO " + DuckSql.lit(out.toString())
                        + " (FORMAT parquet, COMPRESSION zstd, " + footer + ")");
    }

    private static String row(Experiment e, Run r) {
        Map<?, ?> env = (Map<?, ?>) r.start.get("environment");
        Map<?, ?> code = (Map<?, ?>) r.start.get("code");
        return "SELECT " + lit(e.name) + " AS experiment, " + lit(r.runId) + " AS run_id, "
                + lit(r.start.get("name")) + "::VARCHAR AS name, " + lit(r.start.get("parent_run_id"))
                + "::VARCHAR AS parent_run_id, " + lit(r.expectedStatus) + " AS status, "
                + time((Long) r.start.get("start_time_ms")) + " AS start_time, "
                + time(GoldenExpectations.endMs(r)) + " AS end_time, "
                + time(GoldenExpectations.lastActivityMs(r)) + " AS last_activity, "
                + lit(env.get("user")) + "::VARCHAR AS \"user\", " + lit(env.get("host")) + "::VARCHAR AS host, "
                + lit(code == null ? null : code.get("git_commit")) + "::VARCHAR AS code_version, "
                + lit(GoldenExpectations.error(r)) + "::VARCHAR AS error";
    }

    private static List<String> maps(Experiment e) {
        List<String> out = new ArrayList<>();
        for (Run r : e.runs) {
            out.add("SELECT " + lit(r.runId) + " AS run_id, " + map(GoldenExpectations.params(r)) + " AS params, "
                    + map(GoldenExpectations.tags(r)) + " AS tags, "
                    + lineage(r, "artifact", RunLineage.ARTIFACT_FIELDS) + " AS artifacts, "
                    + lineage(r, "input", RunLineage.INPUT_FIELDS) + " AS inputs");
        }
        return out;
    }

    /** The run's {@code kind} events' payloads with their time and worker, in (time, worker, writer, seq) order. */
    private static String lineage(Run r, String kind, List<RunLineage.Field> fields) {
        List<String> items = new ArrayList<>();
        r.events.stream()
                .filter(e -> e.get(kind) instanceof Map<?, ?>)
                .sorted(Comparator.comparingLong((Map<String, Object> e) -> (long) e.get("time_ms"))
                        .thenComparingInt(e -> (int) e.get("worker"))
                        .thenComparing(e -> (String) e.get("writer_id"))
                        .thenComparingInt(e -> (int) e.get("_seq")))
                .forEach(e -> {
                    Map<?, ?> payload = (Map<?, ?>) e.get(kind);
                    List<String> values = new ArrayList<>();
                    for (RunLineage.Field f : fields) {
                        String value = switch (f.name()) {
                            case "time" -> time((Long) e.get("time_ms"));
                            case "worker" -> e.get("worker") + "::INTEGER";
                            default -> lit(payload.get(f.name())) + "::" + f.sqlType();
                        };
                        values.add(lit(f.name()) + ": " + value);
                    }
                    items.add("{" + String.join(", ", values) + "}");
                });
        return "[" + String.join(", ", items) + "]::" + RunLineage.listType(fields);
    }

    private static String map(Map<String, String> m) {
        List<String> entries = new ArrayList<>();
        m.forEach((k, v) -> entries.add(lit(k) + ": " + lit(v)));
        return "MAP {" + String.join(", ", entries) + "}::MAP(VARCHAR, VARCHAR)";
    }

    private static String time(Long ms) {
        return ms == null ? "NULL::TIMESTAMPTZ" : "make_timestamptz(" + ms + "::BIGINT * 1000)";
    }

    private static String lit(Object v) {
        return v == null ? "NULL" : DuckSql.lit(v.toString());
    }

    private static void exec(Connection duck, String sql) throws SQLException {
        try (Statement st = duck.createStatement()) {
            st.execute(sql);
        }
    }
}
