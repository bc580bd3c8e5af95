package io.runlake.functions.core;

import io.runlake.format.FormatVersion;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code leaderboard.json}: the top runs of an experiment by one metric's final value
 * (the value at the run's highest step), with each leader's thinned curve of that metric.
 */
public record Leaderboard(
        int formatVersion,
        String experiment,
        String reportVersion,
        String generatedAt,
        String metric,
        String direction,
        int topK,
        long lakeVersion,
        long indexVersion,
        String indexFile,
        int runsRanked,
        int runsTotal,
        List<Leader> leaders) implements FormatVersion.Versioned {

    /** One ranked run; {@code curve} is a list of [step, value] pairs. */
    public record Leader(int rank, String runId, String name, String status, double value, long step, long points,
                         String startTime, String user, Map<String, String> params, List<double[]> curve) {}
}
