package io.runlake.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.DuckSql;
import io.runlake.format.Json;
import io.runlake.format.RunStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ranking rule of FORMAT.md §12.8, run in DuckDB: direction inference, eligibility, NaN, ties, last vs best,
 * params.
 */
class RankingTest {

    /** One candidate run: id, status, last, min, max (NaN: SQL NULL for min/max, NaN for last), params. */
    record Run(String id, String status, double last, double min, double max, Map<String, String> params) {
        String row() {
            String p = params.entrySet().stream()
                    .map(e -> DuckSql.lit(e.getKey()) + ": " + DuckSql.lit(e.getValue()))
                    .collect(Collectors.joining(", "));
            return "(" + DuckSql.lit(id) + ", 'n-" + id + "', " + DuckSql.lit(status)
                    + ", TIMESTAMP '2026-01-02 03:04:05', "
                    + "'u', MAP {" + p + "}::MAP(VARCHAR, VARCHAR), " + num(last) + ", " + orNull(min) + ", "
                    + orNull(max)
                    + ", 9, 10)";
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "'NaN'::DOUBLE" : v + "::DOUBLE";
        }

        private static String orNull(double v) {
            return Double.isNaN(v) ? "NULL::DOUBLE" : v + "::DOUBLE";
        }
    }

    static Run run(String id, String status, double last, double min, double max, Map<String, String> params) {
        return new Run(id, status, last, min, max, params);
    }

    /** Ranks {@code runs} in DuckDB through the SQL every engine uses. */
    static Ranking.Result rank(RankingRule rule, List<Run> runs) {
        String candidates =
                "SELECT * FROM (VALUES " + runs.stream().map(Run::row).collect(Collectors.joining(", ")) + ") AS t("
                        + String.join(
                                ", ",
                                Ranking.CANDIDATE_COLUMNS.stream()
                                        .map(c -> '"' + c + '"')
                                        .toList()) + ")";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(Ranking.sql(rule, candidates))) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
                    rows.add(row);
                }
            }
            try (ResultSet rs = st.executeQuery(Ranking.countSql(candidates))) {
                rs.next();
                return Ranking.result(rows, rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void directionIsInferredFromTheMetricNameUnlessGiven() {
        for (String score : List.of(
                "accuracy",
                "val/acc",
                "AUC",
                "f1_macro",
                "precision",
                "recall",
                "bleu",
                "mAP@50",
                "episode_reward",
                "top5",
                "top-1",
                "ndcg@10",
                "val/score",
                "iou")) {
            assertEquals(Direction.MAX, Direction.inferFrom(score), score);
            assertEquals(Direction.MAX, RankingRule.of(score, null).direction(), score);
        }
        for (String loss : List.of("loss", "val/loss", "error", "perplexity", "mse", "wer", "latency_ms")) {
            assertEquals(Direction.MIN, Direction.inferFrom(loss), loss);
        }
        assertEquals(
                Direction.MIN, RankingRule.of("accuracy", Direction.MIN).direction(), "an explicit direction wins");
        assertEquals(Direction.MAX, Direction.parse("higher"));
        assertEquals(
                "unknown direction 'up': use min or max",
                assertThrows(IllegalArgumentException.class, () -> Direction.parse("up"))
                        .getMessage());
    }

    @Test
    void failedRunsAndRunsWithoutANumberAreNotRanked() {
        List<Run> runs = List.of(
                run("r1", "FINISHED", 0.5, 0.4, 0.9, Map.of()),
                run("r2", "FAILED", 0.01, 0.01, 0.9, Map.of()),
                run("r3", "KILLED", 0.6, 0.3, 0.9, Map.of()),
                run("r4", "CRASHED", 0.7, 0.7, 0.9, Map.of()),
                run("r5", "RUNNING", 0.8, 0.8, 0.9, Map.of()),
                run("r6", "FINISHED", Double.NaN, 0.1, 0.9, Map.of()),
                run("r7", "FINISHED", Double.NaN, Double.NaN, Double.NaN, Map.of()));
        Ranking.Result r = rank(RankingRule.of("loss", null), runs);
        assertEquals(
                List.of("r1", "r3", "r4", "r5"),
                r.leaders().stream().map(Leaderboard.Leader::runId).toList());
        assertEquals(4, r.runsRanked());
        assertEquals(7, r.runsTotal());
        assertEquals(
                List.of(1, 2, 3, 4),
                r.leaders().stream().map(Leaderboard.Leader::rank).toList());
        Leaderboard.Leader first = r.leaders().get(0);
        assertEquals(
                List.of("n-r1", "FINISHED", 0.5, 0.4, 9L, 10L, "2026-01-02T03:04:05Z", "u"),
                List.of(
                        first.name(),
                        first.status(),
                        first.value(),
                        first.best(),
                        first.step(),
                        first.points(),
                        first.startTime(),
                        first.user()));
        assertEquals(0, rank(RankingRule.of("loss", null), List.of(runs.get(1))).runsRanked(), "no eligible run");
        assertEquals(1, rank(RankingRule.of("loss", null), List.of(runs.get(1))).runsTotal());

        RankingRule finishedOnly = RankingRule.of("loss", null).withStatuses(EnumSet.of(RunStatus.FINISHED));
        assertEquals(List.of("r1"), ids(rank(finishedOnly, runs)));
        RankingRule withFailed = RankingRule.of("loss", null).withStatuses(EnumSet.allOf(RunStatus.class));
        assertEquals("r2", ids(rank(withFailed, runs)).get(0), "chosen explicitly, FAILED runs rank");

        // by the best value, r6 (last NaN, min 0.1) has a number and ranks first
        List<String> byBest = ids(rank(RankingRule.of("loss", null).withValue(MetricValue.BEST), runs));
        assertEquals(List.of("r6", "r3", "r1", "r4", "r5"), byBest);
    }

    @Test
    void tiesGoByRunIdAndTopKCuts() {
        List<Run> runs = List.of(
                run("r9", "FINISHED", 0.9, 0, 0.9, Map.of()),
                run("r2", "FINISHED", 0.9, 0, 0.9, Map.of()),
                run("r5", "FINISHED", 0.95, 0, 0.95, Map.of()),
                run("r1", "FINISHED", 0.1, 0, 0.1, Map.of()));
        assertEquals(List.of("r5", "r2", "r9", "r1"), ids(rank(RankingRule.of("acc", null), runs)));
        Ranking.Result top2 = rank(RankingRule.of("acc", null).withTopK(2), runs);
        assertEquals(List.of("r5", "r2"), ids(top2));
        assertEquals(4, top2.runsRanked());
        assertEquals(List.of("r1", "r2", "r9", "r5"), ids(rank(RankingRule.of("acc", Direction.MIN), runs)));
    }

    @Test
    void paramsThatVaryBetweenTheLeadersComeFirst() {
        List<Run> runs = List.of(
                run("r1", "FINISHED", 1, 1, 1, Map.of("a", "x", "lr", "0.1", "seed", "1")),
                run("r2", "FINISHED", 2, 2, 2, Map.of("a", "x", "lr", "0.2")),
                run("r3", "FAILED", 0, 0, 0, Map.of("a", "y", "lr", "0.3", "seed", "1")));
        Leaderboard b = Leaderboard.of(
                "e", RankingRule.of("loss", null), rank(RankingRule.of("loss", null), runs), "2026-01-01T00:00:00Z");
        assertEquals(List.of("lr", "seed", "a"), b.paramColumns(), "seed is absent in r2: it varies; a does not");
    }

    @Test
    void theJsonRoundTripsAndRecordsTheRule() {
        RankingRule rule = RankingRule.of("val/acc", null);
        Leaderboard b = Leaderboard.of(
                        "e",
                        rule,
                        rank(rule, List.of(run("r1", "FINISHED", 1, 0, 1, Map.of()))),
                        "2026-01-01T00:00:00Z")
                .withCurves(Map.of("r1", List.of(new double[] {0, 1})));
        String json = new String(Json.write(b), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"direction\":\"max\"") && json.contains("\"rank_value\":\"last\""), json);
        assertTrue(json.contains("\"statuses\":[\"RUNNING\",\"FINISHED\",\"KILLED\",\"CRASHED\"]"), json);
        Leaderboard back = Json.read(json.getBytes(StandardCharsets.UTF_8), Leaderboard.class, "k");
        assertTrue(back.madeUnder(rule));
        assertFalse(back.madeUnder(rule.withValue(MetricValue.BEST)));
        assertFalse(back.madeUnder(rule.withTopK(3)));
    }

    @Test
    void theSvgChartHasOneSeriesPerRunAndRoundTicks() {
        String svg = SvgChart.render(
                "loss",
                List.of(
                        new Series("a", List.of(new double[] {0, 0.93}, new double[] {97, 0.11})),
                        new Series("b<c", List.of(new double[] {0, 1.0}, new double[] {50, Double.NaN}))));
        assertEquals(2, svg.split("<polyline class=\"series\"", -1).length - 1, svg);
        assertTrue(svg.contains(">0.2<") && svg.contains(">100<"), "round tick labels: " + svg);
        assertTrue(svg.contains("b&lt;c") && !svg.contains("b<c"), "labels escaped");
        assertTrue(svg.contains(ChartStyle.PALETTE[0]) && svg.contains(ChartStyle.PALETTE[1]));
    }

    private static List<String> ids(Ranking.Result r) {
        return r.leaders().stream().map(Leaderboard.Leader::runId).toList();
    }
}
