package io.runlake.report;

import io.runlake.format.RunStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a leaderboard ranks (FORMAT.md §12.8): runs of the eligible statuses that have a number for the metric,
 * by the chosen value of the metric in the direction, best first, ties by run id; the first {@code topK} shown.
 *
 * @param direction explicit, or inferred from the metric name by {@link #of}
 * @param statuses the eligible statuses ({@link #ELIGIBLE} unless overridden)
 */
public record RankingRule(String metric, Direction direction, MetricValue value, int topK, Set<RunStatus> statuses) {
    /** Every status but FAILED: a failed run said its numbers are not a result. */
    public static final Set<RunStatus> ELIGIBLE =
            Set.copyOf(EnumSet.of(RunStatus.FINISHED, RunStatus.RUNNING, RunStatus.KILLED, RunStatus.CRASHED));

    public static final int DEFAULT_TOP_K = 10;

    public RankingRule {
        if (metric == null || metric.isEmpty()) throw new IllegalArgumentException("a leaderboard needs a metric");
        if (direction == null) throw new IllegalArgumentException("direction is null: use RankingRule.of to infer it");
        if (topK < 1) throw new IllegalArgumentException("leaderboard size must be at least 1, not " + topK);
        if (statuses.isEmpty()) throw new IllegalArgumentException("a leaderboard needs at least one eligible status");
        statuses = Set.copyOf(statuses);
    }

    /** The default rule for a metric: the last value, top 10, every status but FAILED; null direction: inferred. */
    public static RankingRule of(String metric, Direction directionOrNull) {
        Direction d = directionOrNull != null ? directionOrNull : Direction.inferFrom(metric);
        return new RankingRule(metric, d, MetricValue.LAST, DEFAULT_TOP_K, ELIGIBLE);
    }

    public RankingRule withTopK(int k) {
        return new RankingRule(metric, direction, value, k, statuses);
    }

    public RankingRule withValue(MetricValue v) {
        return new RankingRule(metric, direction, v, topK, statuses);
    }

    public RankingRule withStatuses(Set<RunStatus> eligible) {
        return new RankingRule(metric, direction, value, topK, eligible);
    }

    /** Whether a run of this status may be ranked. */
    public boolean eligible(String status) {
        for (RunStatus s : statuses) if (s.name().equals(status)) return true;
        return false;
    }
}
