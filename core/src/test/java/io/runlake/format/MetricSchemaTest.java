package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runlake.testing.Lakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric columns are declared once; the Parquet schema and the SQL projections derived from them agree. */
class MetricSchemaTest {
    @Test
    void theParquetSchemaIsTheOneOfTheFormat() {
        assertEquals(MessageTypeParser.parseMessageType("""
                message runlake_metric {
                  required binary run_id (STRING);
                  required int32 worker;
                  required binary key (STRING);
                  required int64 step;
                  required int64 timestamp (TIMESTAMP(MILLIS,true));
                  required double value;
                }"""), MetricSchema.SHARD);
        assertEquals(List.of("run_id", "worker", "key", "step", "timestamp", "value"), MetricSchema.requiredNames());
    }

    @Test
    void theProjectionTypesEveryColumnAndReadsAMissingOneAsNull(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("old.parquet");
        exec("COPY (SELECT 'r' AS run_id, 1 AS worker, 'loss' AS key, 3 AS step, TIMESTAMPTZ '2026-01-01 00:00:00+00'"
                + " AS timestamp, 0.5 AS value) TO " + DuckSql.lit(file.toString()) + " (FORMAT parquet)");
        List<String> names = List.of("key", "step", "value", "worker");
        String from = " FROM " + DuckSql.readParquet(DuckSql.lit(file.toString()));
        List<Object> row = Lakes.query("SELECT " + MetricSchema.castProjection(names) + from)
                .get(0);
        assertEquals(List.of("loss", 3L, 0.5, 1), row);
        Object types = Lakes.query("SELECT typeof(step), typeof(value), typeof(worker) FROM (SELECT "
                        + MetricSchema.castProjection(names) + from + ")")
                .get(0);
        assertEquals(List.of("BIGINT", "DOUBLE", "INTEGER"), types);
        String withoutWorker = MetricSchema.castProjection(names, Set.of("key", "step", "value"));
        assertEquals(
                Arrays.asList("loss", 3L, 0.5, null),
                Lakes.query("SELECT " + withoutWorker + from).get(0));
        String none = "SELECT count(*) FROM (SELECT " + MetricSchema.nullRow(names) + ") WHERE false";
        assertEquals(0L, ((Number) Lakes.scalar(none)).longValue());
        Files.delete(file);
    }

    @Test
    void aFileWrittenBeforeAnOptionalColumnReadsItAsNull(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old.parquet"), newer = tmp.resolve("new.parquet");
        exec("COPY (SELECT 'r' AS run_id, 1.5 AS value) TO " + DuckSql.lit(old.toString()) + " (FORMAT parquet)");
        exec("COPY (SELECT 'r' AS run_id, 2.5 AS value, 'h' AS host) TO " + DuckSql.lit(newer.toString())
                + " (FORMAT parquet)");
        List<MetricSchema.Column> columns = List.of(
                MetricSchema.column("run_id"),
                MetricSchema.column("value"),
                new MetricSchema.Column("host", null, "VARCHAR", false, "a column added in a later version"));
        for (List<Path> files : List.of(List.of(old), List.of(old, newer))) {
            String from = MetricSchema.readPoints(columns, DuckSql.list(files));
            List<List<Object>> rows =
                    Lakes.query("SELECT CAST(value AS DOUBLE), CAST(host AS VARCHAR) FROM " + from + " ORDER BY 1");
            assertEquals(Arrays.asList(1.5, null), rows.get(0), "the old file's missing column is NULL: " + files);
            if (files.size() == 2) assertEquals(List.of(2.5, "h"), rows.get(1));
        }
        assertEquals(DuckSql.readParquet("x"), MetricSchema.readPoints("x"), "all columns required: a plain scan");
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
