package io.runlake.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Json;
import io.runlake.format.RunStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ranking rule of FORMAT.md §12.8: direction inference, eligibility, NaN, ties, last vs best, params. */
class RankingTest {

    static Candidate run(String id, String status, double last, double min, double max, Map<String, String> params) {
        return new Candidate(id, "n-" + id, status, last, min, max, 9, 10, null, null, params);
    }

    @Test
    void directionIsInferredFromTheMetricNameUnlessGiven() {
        for (String score : List.of("accuracy", "val/acc", "AUC", "f1_macro", "precision", "recall", "bleu", "mAP@50",
                "episode_reward", "top5", "top-1", "ndcg@10", "val/score", "iou")) {
            assertEquals(Direction.MAX, Direction.inferFrom(score), score);
            assertEquals(Direction.MAX, RankingRule.of(score, null).direction(), score);
        }
        for (String loss : List.of("loss", "val/loss", "error", "perplexity", "mse", "wer", "latency_ms")) {
            assertEquals(Direction.MIN, Direction.inferFrom(loss), loss);
        }
        assertEquals(Direction.MIN, RankingRule.of("accuracy", Direction.MIN).direction(), "an explicit direction wins");
        assertEquals(Direction.MAX, Direction.parse("higher"));
        assertEquals("unknown direction 'up': use min or max",
                assertThrows(IllegalArgumentException.class, () -> Direction.parse("up")).getMessage());
    }

    @Test
    void failedRunsAndRunsWithoutANumberAreNotRanked() {
        List<Candidate> runs = List.of(
                run("r1", "FINISHED", 0.5, 0.4, 0.9, Map.of()),
                run("r2", "FAILED", 0.01, 0.01, 0.9, Map.of()),
                run("r3", "KILLED", 0.6, 0.3, 0.9, Map.of()),
                run("r4", "CRASHED", 0.7, 0.7, 0.9, Map.of()),
                run("r5", "RUNNING", 0.8, 0.8, 0.9, Map.of()),
                run("r6", "FINISHED", Double.NaN, 0.1, 0.9, Map.of()),
                run("r7", "FINISHED", Double.NaN, Double.NaN, Double.NaN, Map.of()));
        Ranking.Result r = Ranking.rank(RankingRule.of("loss", null), runs);
        assertEquals(List.of("r1", "r3", "r4", "r5"), r.leaders().stream().map(Leaderboard.Leader::runId).toList());
        assertEquals(4, r.runsRanked());
        assertEquals(7, r.runsTotal());
        assertEquals(List.of(1, 2, 3, 4), r.leaders().stream().map(Leaderboard.Leader::rank).toList());

        RankingRule finishedOnly = RankingRule.of("loss", null).withStatuses(EnumSet.of(RunStatus.FINISHED));
        assertEquals(List.of("r1"), ids(Ranking.rank(finishedOnly, runs)));
        RankingRule withFailed = RankingRule.of("loss", null).withStatuses(EnumSet.allOf(RunStatus.class));
        assertEquals("r2", ids(Ranking.rank(withFailed, runs)).get(0), "chosen explicitly, FAILED runs rank");

        // by the best value, r6 (last NaN, min 0.1) has a number and ranks first
        List<String> byBest = ids(Ranking.rank(RankingRule.of("loss", null).withValue(MetricValue.BEST), runs));
        assertEquals(List.of("r6", "r3", "r1", "r4", "r5"), byBest);
    }

    @Test
    void tiesGoByRunIdAndTopKCuts() {
        List<Candidate> runs = List.of(run("r9", "FINISHED", 0.9, 0, 0.9, Map.of()),
                run("r2", "FINISHED", 0.9, 0, 0.9, Map.of()),
                run("r5", "FINISHED", 0.95, 0, 0.95, Map.of()),
                run("r1", "FINISHED", 0.1, 0, 0.1, Map.of()));
        assertEquals(List.of("r5", "r2", "r9", "r1"), ids(Ranking.rank(RankingRule.of("acc", null), runs)));
        Ranking.Result top2 = Ranking.rank(RankingRule.of("acc", null).withTopK(2), runs);
        assertEquals(List.of("r5", "r2"), ids(top2));
        assertEquals(4, top2.runsRanked());
        assertEquals(List.of("r1", "r2", "r9", "r5"), ids(Ranking.rank(RankingRule.of("acc", Direction.MIN), runs)));
    }

    @Test
    void paramsThatVaryBetweenTheLeadersComeFirst() {
        List<Candidate> runs = List.of(
                run("r1", "FINISHED", 1, 1, 1, Map.of("a", "x", "lr", "0.1", "seed", "1")),
                run("r2", "FINISHED", 2, 2, 2, Map.of("a", "x", "lr", "0.2")),
                run("r3", "FAILED", 0, 0, 0, Map.of("a", "y", "lr", "0.3", "seed", "1")));
        Leaderboard b = Leaderboard.of("e", RankingRule.of("loss", null), Ranking.rank(RankingRule.of("loss", null), runs),
                "2026-01-01T00:00:00Z");
        assertEquals(List.of("lr", "seed", "a"), b.paramColumns(), "seed is absent in r2: it varies; a does not");
    }

    @Test
    void theJsonRoundTripsAndRecordsTheRule() {
        RankingRule rule = RankingRule.of("val/acc", null);
        Leaderboard b = Leaderboard.of("e", rule, Ranking.rank(rule, List.of(run("r1", "FINISHED", 1, 0, 1, Map.of()))),
                "2026-01-01T00:00:00Z").withCurves(Map.of("r1", List.of(new double[] {0, 1})));
        String json = new String(Json.write(b), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"direction\":\"max\"") && json.contains("\"rank_value\":\"last\""), json);
        assertTrue(json.contains("\"statuses\":[\"RUNNING\",\"FINISHED\",\"KILLED\",\"CRASHED\"]"), json);
        Leaderboard back = Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Leaderboard.class, "k");
        assertTrue(back.madeUnder(rule));
        assertFalse(back.madeUnder(rule.withValue(MetricValue.BEST)));
        assertFalse(back.madeUnder(rule.withTopK(3)));
    }

    @Test
    void theSvgChartHasOneSeriesPerRunAndRoundTicks() {
        String svg = SvgChart.render("loss", "step", "loss", List.of(
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
