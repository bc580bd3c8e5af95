package io.runlake.lake.delta;

import static io.runlake.lake.delta.MetricPoint.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.runlake.testing.DeltaKernelTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta Kernel, the reference reader, reads a table laid out and logged exactly as RunLake's lake log does
 * (escaped experiment folders, URI-encoded relative paths, writer version 7 with domain metadata, OPTIMIZE-style
 * remove+add commits, a checkpoint from {@link DeltaCheckpointCodec} and no {@code _last_checkpoint}) and
 * returns every live row exactly once.
 */
class DeltaKernelConformanceTest {
    private static final String ESCAPED = "my exp%";
    private static final String PLAIN = "plain";
    private static final String QUARANTINE = "{\"shards\":[\"runs/x/shard-1.parquet\"]}";

    @Test
    void kernelReadsEveryLiveRowExactlyOnceThroughTheCheckpoint(@TempDir Path dir) throws Exception {
        HandBuiltDeltaTable table = tableWithCheckpointAtVersion10(dir.resolve("metrics"));
        List<MetricPoint> expected = table.expectedPoints();

        assertEquals(13, DeltaKernelTables.version(table.root()));
        assertEquals(MetricPoint.sorted(expected), kernelPoints(table.root()));
        assertEquals(count(expected, ESCAPED), DeltaKernelTables.count(table.root(), ESCAPED));
        assertEquals(sum(expected, ESCAPED), DeltaKernelTables.sum(table.root(), "value", ESCAPED), 1e-9);
        assertEquals(
                Map.of(ESCAPED, count(expected, ESCAPED), PLAIN, count(expected, PLAIN)),
                DeltaKernelTables.countsByExperiment(table.root()));
        List<Path> liveFiles = DeltaKernelTables.liveFiles(table.root());
        assertEquals(10, liveFiles.size());
        for (Path file : liveFiles) assertTrue(Files.isRegularFile(file), file + " is a live file on disk");
        assertTrue(liveFiles.stream().anyMatch(f -> f.toString().contains("/experiment=my%20exp%25/")));
        assertFalse(Files.exists(table.root().resolve("_delta_log/_last_checkpoint")));
    }

    /** Stats carry only numRecords, minValues and maxValues: Kernel parses them and skips files by them. */
    @Test
    void kernelSkipsFilesByTheirMinAndMaxStats(@TempDir Path dir) throws Exception {
        HandBuiltDeltaTable table = tableWithCheckpointAtVersion10(dir.resolve("metrics"));
        Predicate stepAtLeast4 = new Predicate(">=", new Column("step"), Literal.ofLong(4));

        List<Path> files = DeltaKernelTables.liveFiles(table.root(), Optional.of(stepAtLeast4));

        // Only the merge of the 5-step and 3-step series reaches step 4.
        assertEquals(
                List.of("01AC.parquet"),
                files.stream().map(f -> f.getFileName().toString()).toList());
    }

    @Test
    void kernelReadsTheTableAfterLogRetentionDeletedTheCommitsBeforeTheCheckpoint(@TempDir Path dir) throws Exception {
        HandBuiltDeltaTable table = tableWithCheckpointAtVersion10(dir.resolve("metrics"));
        table.deleteCommitsBefore(10);

        assertEquals(13, DeltaKernelTables.version(table.root()));
        assertEquals(MetricPoint.sorted(table.expectedPoints()), kernelPoints(table.root()));
        assertEquals(
                Optional.of(QUARANTINE),
                DeltaKernelTables.domainMetadata(table.root(), HandBuiltDeltaTable.QUARANTINE_DOMAIN));
    }

    @Test
    void kernelReadsMillisecondAndMicrosecondUtcTimestampsAsTheDeltaTimestampType(@TempDir Path dir) throws Exception {
        HandBuiltDeltaTable table = new HandBuiltDeltaTable(dir.resolve("metrics"));
        table.create(
                table.addFile("01MILLIS", series(ESCAPED, "run1", "loss", 3, 1.0), MetricDataFiles::parquetJava),
                table.addFile("01MICROS", series(PLAIN, "run2", "loss", 3, 1.0), MetricDataFiles::duckDb));

        assertEquals(MetricPoint.sorted(table.expectedPoints()), kernelPoints(table.root()));
    }

    @Test
    void dataFilesOfBothWritersAvoidByteStreamSplit(@TempDir Path dir) throws Exception {
        Path duck = dir.resolve("duck.parquet");
        Path java = dir.resolve("java.parquet");
        MetricDataFiles.duckDb(duck, series(PLAIN, "run1", "loss", 3, 1.0));
        MetricDataFiles.parquetJava(java, series(PLAIN, "run1", "loss", 3, 1.0));

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (encodings LIKE '%BYTE_STREAM_SPLIT%')"
                        + " FROM parquet_metadata(['" + duck + "', '" + java + "'])")) {
            rs.next();
            assertEquals(12, rs.getLong(1));
            assertEquals(0, rs.getLong(2));
        }
    }

    /**
     * Versions 0-13: two experiments, OPTIMIZE-style merges at 5 and 12, quarantine in domain metadata at 4, a
     * checkpoint at 10 and commits after it.
     */
    private static HandBuiltDeltaTable tableWithCheckpointAtVersion10(Path root) throws IOException {
        HandBuiltDeltaTable t = new HandBuiltDeltaTable(root);
        ObjectNode a = t.addFile("01A", series(ESCAPED, "run1", "loss", 3, 1.0), MetricDataFiles::duckDb);
        ObjectNode b = t.addFile("01B", series(PLAIN, "run2", "loss", 4, 10.0), MetricDataFiles::duckDb);
        t.create(a, b);
        ObjectNode c = t.addFile("01C", series(ESCAPED, "run1", "acc", 5, 0.25), MetricDataFiles::duckDb);
        t.commit(List.of(c));
        ObjectNode d = t.addFile("01D", series(PLAIN, "run3", "loss", 2, 7.0), MetricDataFiles::duckDb);
        t.commit(List.of(d));
        t.commit(List.of(t.addFile("01E", series(ESCAPED, "run4", "loss", 3, 2.0), MetricDataFiles::duckDb)));
        t.commit(List.of(HandBuiltDeltaTable.domainMetadata(HandBuiltDeltaTable.QUARANTINE_DOMAIN, QUARANTINE)));
        t.commit(optimize(t, "01AC", a, c));
        for (int v = 6; v <= 10; v++) {
            String experiment = v % 2 == 0 ? ESCAPED : PLAIN;
            String id = "01F" + v;
            t.commit(List.of(t.addFile(id, series(experiment, "run" + v, "loss", 2, v), MetricDataFiles::duckDb)));
        }
        t.checkpoint();
        t.commit(List.of(t.addFile("01H", series(ESCAPED, "run11", "loss", 4, 3.0), MetricDataFiles::duckDb)));
        t.commit(optimize(t, "01BD", b, d));
        t.commit(List.of(t.addFile("01I", series(PLAIN, "run13", "loss", 1, 4.0), MetricDataFiles::duckDb)));
        return t;
    }

    /** One commit that removes the inputs and adds one file holding all their points (dataChange false). */
    private static List<ObjectNode> optimize(HandBuiltDeltaTable t, String id, ObjectNode... inputs) {
        List<MetricPoint> merged = new ArrayList<>();
        List<ObjectNode> actions = new ArrayList<>();
        for (ObjectNode input : inputs) {
            merged.addAll(t.pointsOf(input));
            actions.add(t.remove(input));
        }
        ObjectNode add = t.addFile(id, merged, MetricDataFiles::duckDb);
        ((ObjectNode) add.get("add")).put("dataChange", false);
        actions.add(add);
        return actions;
    }

    private static List<MetricPoint> kernelPoints(Path root) {
        return MetricPoint.sorted(DeltaKernelTables.rows(root).stream()
                .map(MetricPoint::fromKernelRow)
                .toList());
    }

    private static long count(List<MetricPoint> points, String experiment) {
        return points.stream().filter(p -> p.experiment().equals(experiment)).count();
    }

    private static double sum(List<MetricPoint> points, String experiment) {
        return points.stream()
                .filter(p -> p.experiment().equals(experiment))
                .mapToDouble(MetricPoint::value)
                .sum();
    }
}
