package io.runlake.lake.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaCheckpointCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One action of every type, with nulls, empty maps and lists, long numbers and a null partition value. */
    static final List<String> ACTION_LINES = List.of(
            "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,\"writerFeatures\":[\"domainMetadata\"]}}",
            "{\"metaData\":{\"id\":\"5b7e1f1e-0000-4000-8000-000000000001\",\"format\":{\"provider\":\"parquet\","
                    + "\"options\":{}},\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}\","
                    + "\"partitionColumns\":[\"experiment\"],\"configuration\":{\"delta.checkpointInterval\":\"10\"},"
                    + "\"createdTime\":1764270000000}}",
            "{\"add\":{\"path\":\"experiment=my%2520exp/01J.parquet\",\"partitionValues\":{\"experiment\":\"my exp\"},"
                    + "\"size\":12345,\"modificationTime\":1764270000123,\"dataChange\":true,"
                    + "\"stats\":\"{\\\"numRecords\\\":3}\",\"tags\":{\"runlake.tier\":\"0\"}}}",
            "{\"add\":{\"path\":\"experiment=__null/02J.parquet\",\"partitionValues\":{\"experiment\":null},"
                    + "\"size\":7,\"modificationTime\":5,\"dataChange\":false}}",
            "{\"remove\":{\"path\":\"experiment=a/00J.parquet\",\"deletionTimestamp\":1764270000999,"
                    + "\"dataChange\":false,\"extendedFileMetadata\":true,\"partitionValues\":{\"experiment\":\"a\"},"
                    + "\"size\":99,\"tags\":{}}}",
            "{\"txn\":{\"appId\":\"runlake-indexer\",\"version\":9223372036854775807,\"lastUpdated\":1}}",
            "{\"domainMetadata\":{\"domain\":\"runlake.quarantine\",\"configuration\":\"{\\\"shards\\\":[]}\","
                    + "\"removed\":false}}");

    static List<ObjectNode> actions(List<String> lines) throws Exception {
        List<ObjectNode> actions = new ArrayList<>();
        for (String line : lines) actions.add((ObjectNode) JSON.readTree(line));
        return actions;
    }

    @Test
    void everyActionTypeRoundTripsToTheSameJson() throws Exception {
        List<ObjectNode> actions = actions(ACTION_LINES);

        List<ObjectNode> decoded = DeltaCheckpointCodec.read(DeltaCheckpointCodec.write(actions));

        assertEquals(actions, decoded);
        for (int i = 0; i < actions.size(); i++)
            assertEquals(ACTION_LINES.get(i), JSON.writeValueAsString(decoded.get(i)));
    }

    @Test
    void anEmptyCheckpointHasNoRows() {
        assertEquals(List.of(), DeltaCheckpointCodec.read(DeltaCheckpointCodec.write(List.of())));
    }

    @Test
    void fieldsTheCheckpointSchemaLacksAreRefusedNotDropped() throws Exception {
        List<ObjectNode> unknownField = actions(List.of("{\"add\":{\"path\":\"a\",\"clusteringProvider\":\"x\"}}"));
        List<ObjectNode> commitInfo = actions(List.of("{\"commitInfo\":{\"operation\":\"WRITE\"}}"));
        List<ObjectNode> wrongType = actions(List.of("{\"add\":{\"path\":\"a\",\"size\":\"12\"}}"));

        assertThrows(IllegalArgumentException.class, () -> DeltaCheckpointCodec.write(unknownField));
        assertThrows(IllegalArgumentException.class, () -> DeltaCheckpointCodec.write(commitInfo));
        assertThrows(IllegalArgumentException.class, () -> DeltaCheckpointCodec.write(wrongType));
    }

    /** DuckDB sees the standard layout: one struct column per action, maps and lists as Parquet logical types. */
    @Test
    void duckDbReadsTheCheckpointSchema(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("00000000000000000010.checkpoint.parquet");
        Files.write(file, DeltaCheckpointCodec.write(actions(ACTION_LINES)));

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(add), sum(add.size), max(add.partitionValues['experiment']),"
                                + " max(protocol.writerFeatures[1]), max(metaData.partitionColumns[1]),"
                                + " count(remove), count(txn), count(domainMetadata), count(*),"
                                + " max(metaData.configuration['delta.checkpointInterval'])"
                                + " FROM read_parquet('" + file + "')")) {
            rs.next();
            assertEquals(2, rs.getLong(1));
            assertEquals(12352, rs.getLong(2));
            assertEquals("my exp", rs.getString(3));
            assertEquals("domainMetadata", rs.getString(4));
            assertEquals("experiment", rs.getString(5));
            assertEquals(1, rs.getLong(6));
            assertEquals(1, rs.getLong(7));
            assertEquals(1, rs.getLong(8));
            assertEquals(ACTION_LINES.size(), rs.getLong(9));
            assertEquals("10", rs.getString(10));
        }
    }
}
