package io.runlake.query;

import io.runlake.report.Leaderboard;
import io.runlake.report.LeaderboardPage;
import io.runlake.report.RankingRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code runlake report} page: the published leaderboard page ({@link LeaderboardPage}) of an experiment, with
 * the curves of up to {@value #MORE_METRICS} more of its metrics and the objects the lake skipped.
 */
public final class Report {
    static final int MORE_METRICS = 3;
    static final int CURVE_POINTS = 400;

    private Report() {}

    public static String html(Lake lake, String experiment, RankingRule rule) {
        Leaderboard board = lake.leaderboard(experiment, rule, null);
        board = board.withCurves(Leaderboards.curves(lake, board, rule.metric(), CURVE_POINTS));
        Table keys = lake.query(
                "SELECT DISTINCT key FROM metric_summary WHERE experiment = ? AND key <> ? " + "ORDER BY key LIMIT "
                        + MORE_METRICS,
                experiment,
                rule.metric());
        List<LeaderboardPage.Chart> more = new ArrayList<>();
        for (List<Object> k : keys.rows()) {
            String key = (String) k.get(0);
            var curves = Leaderboards.curves(lake, board, key, CURVE_POINTS);
            if (!curves.isEmpty()) {
                more.add(new LeaderboardPage.Chart(key, LeaderboardPage.leaderSeries(board, curves)));
            }
        }
        return LeaderboardPage.html(board, lake.showRunIds(board.runIds()), more, lake.problems());
    }
}
