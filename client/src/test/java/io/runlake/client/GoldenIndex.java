package io.runlake.client;

import io.runlake.client.GoldenModel.Experiment;
import io.runlake.client.GoldenModel.Run;
import io.runlake.format.DuckSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
                        + "ORDER BY key) FROM golden_summaries s WHERE s.run_id = r.run_id), []) AS metrics "
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
                    + map(GoldenExpectations.tags(r)) + " AS tags");
        }
        return out;
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
