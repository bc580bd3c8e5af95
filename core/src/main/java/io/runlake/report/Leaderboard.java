package io.runlake.report;

import io.runlake.format.FormatVersion;
import io.runlake.format.RunStatus;
import io.runlake.runs.ParamOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A leaderboard: the top runs of an experiment by one metric under a {@link RankingRule}, with each leader's
 * thinned curve of that metric. Also the content of {@code leaderboard.json} (FORMAT.md §12.8); the publication
 * fields ({@code reportVersion}, {@code lakeVersion}, {@code indexVersion}, {@code indexFile}) are null or -1
 * for a leaderboard computed on the spot.
 *
 * @param rankValue which value was ranked; null in reports written before it was recorded (then: last)
 * @param statuses the eligible statuses; null in reports written before it was recorded
 */
public record Leaderboard(
        int formatVersion,
        String experiment,
        String reportVersion,
        String generatedAt,
        String metric,
        Direction direction,
        MetricValue rankValue,
        List<RunStatus> statuses,
        int topK,
        long lakeVersion,
        long indexVersion,
        String indexFile,
        int runsRanked,
        int runsTotal,
        List<Leader> leaders)
        implements FormatVersion.Versioned {

    /**
     * One ranked run; {@code value} is the ranked value, {@code best} the min or max by the direction,
     * {@code curve} a list of [step, value] pairs.
     */
    public record Leader(
            int rank,
            String runId,
            String name,
            String status,
            double value,
            double best,
            long step,
            long points,
            String startTime,
            String user,
            Map<String, String> params,
            List<double[]> curve) {

        public Leader withCurve(List<double[]> c) {
            return new Leader(rank, runId, name, status, value, best, step, points, startTime, user, params, c);
        }

        /** The name, or the run id for an unnamed run. */
        public String label() {
            return name != null ? name : runId;
        }
    }

    /** A leaderboard computed now from a ranking, not (yet) published. */
    public static Leaderboard of(String experiment, RankingRule rule, Ranking.Result ranked, String generatedAt) {
        return new Leaderboard(
                FormatVersion.CURRENT,
                experiment,
                null,
                generatedAt,
                rule.metric(),
                rule.direction(),
                rule.value(),
                List.copyOf(new TreeSet<>(rule.statuses())),
                rule.topK(),
                -1,
                -1,
                null,
                ranked.runsRanked(),
                ranked.runsTotal(),
                paramsInOrder(ranked.leaders()));
    }

    /** Each leader's params in the shown order (varying first), so leaderboard.json lists them that way too. */
    private static List<Leader> paramsInOrder(List<Leader> leaders) {
        List<String> order = ParamOrder.of(leaders.stream().map(Leader::params).toList());
        List<Leader> out = new ArrayList<>();
        for (Leader l : leaders) {
            out.add(new Leader(
                    l.rank(),
                    l.runId(),
                    l.name(),
                    l.status(),
                    l.value(),
                    l.best(),
                    l.step(),
                    l.points(),
                    l.startTime(),
                    l.user(),
                    ParamOrder.sorted(l.params(), order),
                    l.curve()));
        }
        return out;
    }

    /** This leaderboard as the report {@code reportVersion} built from the given lake and runs index versions. */
    public Leaderboard published(String version, long lake, long index, String file) {
        return new Leaderboard(
                formatVersion,
                experiment,
                version,
                generatedAt,
                metric,
                direction,
                rankValue,
                statuses,
                topK,
                lake,
                index,
                file,
                runsRanked,
                runsTotal,
                leaders);
    }

    /** The same leaders with their curves, by run id (a leader missing from the map keeps an empty curve). */
    public Leaderboard withCurves(Map<String, List<double[]>> curves) {
        List<Leader> out = new ArrayList<>();
        for (Leader l : leaders) out.add(l.withCurve(curves.getOrDefault(l.runId(), List.of())));
        return new Leaderboard(
                formatVersion,
                experiment,
                reportVersion,
                generatedAt,
                metric,
                direction,
                rankValue,
                statuses,
                topK,
                lakeVersion,
                indexVersion,
                indexFile,
                runsRanked,
                runsTotal,
                out);
    }

    /** Whether this leaderboard was made under {@code rule} (old reports without a rank value ranked the last). */
    public boolean madeUnder(RankingRule rule) {
        return rule.metric().equals(metric)
                && rule.direction() == direction
                && rule.topK() == topK
                && Objects.requireNonNullElse(rankValue, MetricValue.LAST) == rule.value()
                && statuses != null
                && Set.copyOf(statuses).equals(rule.statuses());
    }

    /** The ranked run ids, best first. */
    public List<String> runIds() {
        return leaders.stream().map(Leader::runId).toList();
    }

    /** The param names of the leaders, those whose values differ between leaders first ({@link ParamOrder}). */
    public List<String> paramColumns() {
        return ParamOrder.of(leaders.stream().map(Leader::params).toList());
    }
}
