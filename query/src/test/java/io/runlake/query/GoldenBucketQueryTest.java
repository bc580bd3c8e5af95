package io.runlake.query;

import static io.runlake.testing.GoldenAnswers.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runlake.format.RunStatus;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.report.Direction;
import io.runlake.report.RankingRule;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.GoldenAnswers;
import io.runlake.testing.GoldenBucket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The query views read the golden bucket (core's test resources) to its expected answers: with every run derived from
 * its raw JSON, with the compacted experiment's settled runs taken from its runs index, and after maintenance has
 * compacted and indexed every experiment.
 */
class GoldenBucketQueryTest {
    @TempDir
    Path dir;

    /**
     * @param settled stamp every object older than the index margin, so the runs the runs index has as ended are
     *     taken from it (FORMAT.md §13.3); otherwise they are fresh and derived from raw JSON
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void viewsGiveTheExpectedAnswers(boolean settled) {
        Path copy = GoldenBucket.copyTo(dir.resolve("store"));
        if (settled) GoldenBucket.setModified(copy, GoldenBucket.OLD);
        assertAnswers(copy, settled ? List.of("index", "raw") : List.of("raw"));
    }

    @Test
    void answersAreUnchangedOnceMaintenanceCompactedAndIndexedEveryExperiment() {
        Path copy = GoldenBucket.copyTo(dir.resolve("store"));
        FileObjectStore store = new FileObjectStore(copy);
        CompactorOptions compaction = CompactorOptions.defaults()
                .withWorkDir(dir.resolve("work"))
                .withMemory("256MB", 2)
                .withGrace(Duration.ZERO, Duration.ofHours(1));
        for (String experiment : GoldenAnswers.of(copy).experiments()) {
            new Compactor(store, compaction).compact(experiment);
            new Indexer(store, IndexerOptions.defaults().withWorkDir(dir.resolve("work"))).index(experiment);
        }
        GoldenBucket.setModified(copy, GoldenBucket.OLD);
        assertAnswers(copy, List.of("index", "raw"));
    }

    /** @param sources where the runs view takes runs from ({@code raw}, {@code index}), sorted */
    private static void assertAnswers(Path copy, List<String> sources) {
        GoldenAnswers expected = GoldenAnswers.of(copy);
        try (Lake lake = Lake.open(copy.toUri())) {
            assertEquals(List.of(), lake.problems());
            assertEquals(
                    expected.runs(),
                    rows(
                            lake,
                            "SELECT experiment, run_id, name, status, epoch_ms(start_time), "
                                    + "epoch_ms(end_time), epoch_ms(last_activity), error FROM runs"));
            assertEquals(sources, rows(lake, "SELECT DISTINCT source FROM runs"));
            assertEquals(
                    expected.points(),
                    rows(lake, "SELECT any_value(experiment), run_id, count(*) FROM points GROUP BY run_id"));
            assertEquals(expected.params(), rows(lake, "SELECT experiment, run_id, key, value FROM params"));
            assertEquals(expected.tags(), rows(lake, "SELECT experiment, run_id, key, value FROM tags"));
            assertEquals(
                    expected.annotated(),
                    rows(
                            lake,
                            "SELECT experiment, run_id, note, archived FROM runs WHERE note IS NOT NULL OR archived"));
            assertEquals(
                    expected.metricSummary(),
                    rows(
                            lake,
                            "SELECT experiment, run_id, key, points, last_step, "
                                    + "last_value, min_value, max_value FROM metric_summary"));
            assertEquals(
                    expected.artifacts(),
                    rows(lake, "SELECT experiment, run_id, name, sha256, size, uri, reference FROM artifacts"));
            assertEquals(
                    expected.inputs(),
                    rows(
                            lake,
                            "SELECT experiment, run_id, name, uri, role, sha256, etag, "
                                    + "version_id, size, files FROM inputs"));
            for (String experiment : expected.experiments()) {
                // EXPECTED ranks the FINISHED runs; asked for exactly those, the whole list must match in order.
                RankingRule finishedOnly = RankingRule.of(
                                expected.leaderboardMetric(experiment),
                                Direction.parse(expected.leaderboardDirection(experiment)))
                        .withTopK(100)
                        .withStatuses(EnumSet.of(RunStatus.FINISHED));
                List<String> finished =
                        lake.leaderboard(experiment, finishedOnly, null).runIds();
                assertEquals(expected.leaderboardRunIds(experiment), finished, experiment);
            }
        }
    }

    /** A query's rows as {@link GoldenAnswers#row} text, sorted. */
    static List<String> rows(Lake lake, String sql) {
        Table t = lake.sql(sql);
        List<String> out = new ArrayList<>();
        for (List<Object> r : t.rows()) out.add(row(r.toArray()));
        return out.stream().sorted().toList();
    }
}
