package io.runlake.query;

import io.runlake.report.Leaderboard;
import io.runlake.report.Ranking;
import io.runlake.report.RankingRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leaderboards over a {@link Lake}: reads each run's metric summary from the views and hands it to {@link Ranking};
 * {@link #table} is the CLI's text rendering.
 */
public final class Leaderboards {
    private Leaderboards() {}

    static Leaderboard rank(Lake lake, String experiment, RankingRule rule, String filter, boolean withArchived) {
        lake.requireExperiment(experiment);
        lake.requireMetric(experiment, rule.metric());
        String where = "(" + lake.filterSql(experiment, filter) + ")" + RunQueries.visible(withArchived);
        String candidates = "SELECT r.run_id, r.name, r.status, r.start_time, r.\"user\", r.params, s.last_value, "
                + "s.min_value, s.max_value, s.last_step, s.points FROM runs r "
                + "LEFT JOIN metric_summary s ON s.run_id = r.run_id AND s.key = ? "
                + "WHERE r.experiment = ? AND (" + where + ")";
        try {
            Table rows = lake.query(Ranking.sql(rule, candidates), rule.metric(), experiment);
            // every row says how many candidates there were; only an empty ranking needs them counted
            Table count = rows.rows().isEmpty()
                    ? lake.query(Ranking.countSql(candidates), rule.metric(), experiment)
                    : new Table(
                            List.of("runs_total"),
                            List.of(List.of(rows.rows().get(0).get(12))));
            Ranking.Result ranked =
                    Ranking.result(rows.rows(), ((Number) count.rows().get(0).get(0)).longValue());
            return Leaderboard.of(experiment, rule, ranked, Instant.now().toString());
        } catch (QueryException e) {
            if (filter == null || filter.isBlank()) throw e;
            throw lake.badFilter(experiment, filter, e);
        }
    }

    /** The leaders' curves of {@code metric}, each downsampled to {@code maxPoints}; a leader without it has none. */
    static Map<String, List<double[]>> curves(Lake lake, Leaderboard b, String metric, int maxPoints) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        for (String id : b.runIds()) {
            try {
                out.put(id, lake.history(id, metric, maxPoints).stepValues());
            } catch (QueryException e) {
                // this run lacks the metric
            }
        }
        return out;
    }

    /** The CLI's table: rank, run_id, name, status, value, best, step, params (the varying ones first). */
    public static Table table(Leaderboard b) {
        List<String> paramOrder = b.paramColumns();
        List<List<Object>> rows = new ArrayList<>();
        for (Leaderboard.Leader l : b.leaders()) {
            Map<String, String> params = new LinkedHashMap<>();
            for (String p : paramOrder)
                if (l.params().containsKey(p)) params.put(p, l.params().get(p));
            rows.add(Arrays.asList(l.rank(), l.runId(), l.name(), l.status(), l.value(), l.best(), l.step(), params));
        }
        return new Table(List.of("rank", "run_id", "name", "status", "value", "best", "step", "params"), rows);
    }
}
