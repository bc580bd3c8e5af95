package io.runlake.functions.core;

import static io.runlake.testing.GoldenAnswers.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.DuckSql;
import io.runlake.lake.LakeSnapshot;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.GoldenAnswers;
import io.runlake.testing.GoldenBucket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance reads the golden bucket (core's test resources) to its expected answers: the indexer's runs index has
 * the expected rows, also after the compactor compacted the raw shards, and the reporter ranks the expected runs.
 */
class GoldenBucketMaintenanceTest {
    @TempDir
    Path dir;

    private Path copy;
    private FileObjectStore store;
    private GoldenAnswers expected;

    @BeforeEach
    void copyTheBucket() {
        copy = GoldenBucket.copyTo(dir.resolve("store"));
        store = new FileObjectStore(copy);
        expected = GoldenAnswers.of(copy);
    }

    @Test
    void theIndexerBuildsTheExpectedRowsOfEveryExperiment() throws SQLException {
        indexAll();
        assertIndexes();
    }

    @Test
    void compactingTheRawShardsChangesNoRowOfTheIndex() throws SQLException {
        CompactorOptions compaction = CompactorOptions.defaults()
                .withWorkDir(dir.resolve("work"))
                .withMemory("256MB", 2)
                .withGrace(Duration.ZERO, Duration.ofHours(1));
        for (String experiment : expected.experiments()) {
            assertTrue(new Compactor(store, compaction).compact(experiment).shardsCompacted() > 0, experiment);
        }
        indexAll();
        assertIndexes();
    }

    @Test
    void theReporterRanksTheExpectedFinishedRuns() throws SQLException {
        indexAll();
        for (String experiment : expected.experiments()) {
            ReporterOptions options = ReporterOptions.defaults()
                    .withWorkDir(dir.resolve("work"))
                    .withTopK(100)
                    .withMetric(expected.leaderboardMetric(experiment), null);
            Reporter.Result r = new Reporter(store, options).report(experiment);
            assertEquals(
                    expected.leaderboardDirection(experiment),
                    r.leaderboard().direction().text(),
                    experiment);
            List<String> finished = r.leaderboard().leaders().stream()
                    .filter(l -> l.status().equals("FINISHED"))
                    .map(l -> l.runId())
                    .toList();
            assertEquals(expected.leaderboardRunIds(experiment), finished, experiment);
        }
    }

    private void indexAll() {
        IndexerOptions options =
                IndexerOptions.defaults().withWorkDir(dir.resolve("work")).withForce(true);
        for (String experiment : expected.experiments()) {
            assertTrue(new Indexer(store, options).index(experiment).committed(), experiment);
        }
    }

    private void assertIndexes() throws SQLException {
        List<String> runs = new ArrayList<>(), summaries = new ArrayList<>(), params = new ArrayList<>();
        List<String> tags = new ArrayList<>(), points = new ArrayList<>(), annotated = new ArrayList<>();
        for (String experiment : expected.experiments()) {
            Path indexFile = copy.resolve(LakeSnapshot.load(store, experiment).indexFile());
            String index = DuckSql.readParquet(DuckSql.lit(indexFile.toString()));
            runs.addAll(rows("SELECT experiment, run_id, name, status, epoch_ms(start_time), epoch_ms(end_time), "
                    + "epoch_ms(last_activity), error FROM " + index));
            points.addAll(rows("SELECT experiment, run_id, points FROM " + index));
            summaries.addAll(rows("SELECT experiment, run_id, m.key, m.point_count, m.last_step, m.last_value, "
                    + "m.min_value, m.max_value FROM (SELECT experiment, run_id, unnest(metrics) AS m FROM " + index
                    + ") WHERE NOT starts_with(m.key, 'runlake/')"));
            params.addAll(rows("SELECT experiment, run_id, e.key, e.value FROM " + index
                    + ", unnest(map_entries(params)) AS t(e)"));
            tags.addAll(rows(
                    "SELECT experiment, run_id, e.key, e.value FROM " + index + ", unnest(map_entries(tags)) AS t(e)"));
            annotated.addAll(rows(
                    "SELECT experiment, run_id, note, archived FROM " + index + " WHERE note IS NOT NULL OR archived"));
        }
        assertEquals(expected.runs(), runs.stream().sorted().toList());
        assertEquals(expected.points(), points.stream().sorted().toList());
        assertEquals(expected.metricSummary(), summaries.stream().sorted().toList());
        assertEquals(expected.params(), params.stream().sorted().toList());
        assertEquals(expected.tags(), tags.stream().sorted().toList());
        assertEquals(expected.annotated(), annotated.stream().sorted().toList());
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] cells = new Object[n];
                for (int i = 0; i < n; i++) cells[i] = rs.getObject(i + 1);
                out.add(row(cells));
            }
        }
        return out;
    }
}
