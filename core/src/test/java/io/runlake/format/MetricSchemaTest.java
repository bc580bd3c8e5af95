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
        List<Object> row = Lakes.query("SELECT " + MetricSchema.castProjection(names) + " FROM "
                + DuckSql.readParquet(DuckSql.lit(file.toString()))).get(0);
        assertEquals(List.of("loss", 3L, 0.5, 1), row);
        Object types = Lakes.query("SELECT typeof(step), typeof(value), typeof(worker) FROM (SELECT "
                + MetricSchema.castProjection(names) + " FROM " + DuckSql.readParquet(DuckSql.lit(file.toString())) + ")").get(0);
        assertEquals(List.of("BIGINT", "DOUBLE", "INTEGER"), types);
        List<Object> withoutWorker = Lakes.query("SELECT " + MetricSchema.castProjection(names, Set.of("key", "step", "value"))
                + " FROM " + DuckSql.readParquet(DuckSql.lit(file.toString()))).get(0);
        assertEquals(Arrays.asList("loss", 3L, 0.5, null), withoutWorker);
        assertEquals(0L, ((Number) Lakes.query("SELECT count(*) FROM (SELECT " + MetricSchema.nullRow(names) + ") WHERE false")
                .get(0).get(0)).longValue());
        Files.delete(file);
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
