package io.runlake.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Applies a {@link RankingRule} to the runs of an experiment: the one place a leaderboard is computed. */
public final class Ranking {
    private Ranking() {}

    /**
     * The ranked runs.
     *
     * @param leaders the first {@code topK} ranked runs, best first, without curves
     * @param runsRanked runs that are eligible and have a number for the metric
     * @param runsTotal all runs handed in
     */
    public record Result(List<Leaderboard.Leader> leaders, int runsRanked, int runsTotal) {}

    /** Ranks {@code runs}; a run with no number (NaN) for the ranked value, or of an ineligible status, is left out. */
    public static Result rank(RankingRule rule, List<Candidate> runs) {
        Comparator<Scored> byValue = Comparator.comparingDouble(Scored::value);
        if (rule.direction() == Direction.MAX) byValue = byValue.reversed();
        List<Scored> ranked = new ArrayList<>();
        for (Candidate c : runs) {
            double v = rule.value() == MetricValue.LAST ? c.lastValue() : best(rule.direction(), c);
            if (rule.eligible(c.status()) && !Double.isNaN(v)) ranked.add(new Scored(c, v));
        }
        ranked.sort(byValue.thenComparing(s -> s.run().runId()));
        List<Leaderboard.Leader> leaders = new ArrayList<>();
        for (Scored s : ranked.subList(0, Math.min(rule.topK(), ranked.size()))) {
            Candidate c = s.run();
            leaders.add(new Leaderboard.Leader(leaders.size() + 1, c.runId(), c.name(), c.status(), s.value(),
                    best(rule.direction(), c), c.lastStep(), c.points(), c.startTime(), c.user(), c.params(), List.of()));
        }
        return new Result(leaders, ranked.size(), runs.size());
    }

    private static double best(Direction d, Candidate c) {
        return d == Direction.MIN ? c.minValue() : c.maxValue();
    }

    private record Scored(Candidate run, double value) {}
}
