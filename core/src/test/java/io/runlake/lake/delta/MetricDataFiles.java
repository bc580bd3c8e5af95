package io.runlake.lake.delta;

import io.runlake.format.MetricSchema;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.UncompressedCodecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The two ways RunLake writes metric data files, each without BYTE_STREAM_SPLIT. */
final class MetricDataFiles {
    private MetricDataFiles() {}

    /** DuckDB, as the lake compactor writes: timestamp TIMESTAMPTZ (INT64 micros, UTC), Parquet v1 encodings. */
    static void duckDb(Path file, List<MetricPoint> points) throws IOException {
        StringJoiner rows = new StringJoiner(", ");
        for (MetricPoint p : points) {
            rows.add(String.format(
                    "('%s', %d, '%s', %d, %d, %s)",
                    p.runId(), p.worker(), p.key(), p.step(), p.timestampMs(), Double.toString(p.value())));
        }
        String copy = "COPY (SELECT run_id::VARCHAR AS run_id, worker::INTEGER AS worker, key::VARCHAR AS key,"
                + " step::BIGINT AS step, epoch_ms(ms)::TIMESTAMPTZ AS timestamp, value::DOUBLE AS value"
                + " FROM (VALUES " + rows + ") t(run_id, worker, key, step, ms, value))"
                + " TO '" + file + "' (FORMAT PARQUET, PARQUET_VERSION V1)";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute(copy);
        } catch (SQLException e) {
            throw new IOException("DuckDB could not write " + file, e);
        }
    }

    /** parquet-java with the shard schema, as the client writes: timestamp INT64 TIMESTAMP(MILLIS, UTC). */
    static void parquetJava(Path file, List<MetricPoint> points) throws IOException {
        InMemoryOutputFile out = new InMemoryOutputFile(4096);
        SimpleGroupFactory groups = new SimpleGroupFactory(MetricSchema.SHARD);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(out)
                .withConf(new PlainParquetConfiguration())
                .withType(MetricSchema.SHARD)
                .withCodecFactory(UncompressedCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .build()) {
            for (MetricPoint p : points) {
                writer.write(groups.newGroup()
                        .append(MetricSchema.RUN_ID, p.runId())
                        .append(MetricSchema.WORKER, p.worker())
                        .append(MetricSchema.KEY, p.key())
                        .append(MetricSchema.STEP, p.step())
                        .append(MetricSchema.TIMESTAMP, p.timestampMs())
                        .append(MetricSchema.VALUE, p.value()));
            }
        }
        Files.write(file, out.toByteArray());
    }
}
