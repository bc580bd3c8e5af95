package io.runlake.report;

import java.util.Map;

/**
 * One run of the experiment as a leaderboard sees it: its status and its summary of the ranked metric
 * (FORMAT.md §12.7's {@code metrics} struct). Values are NaN where the run has none.
 *
 * @param startTime ISO-8601 UTC, or null
 * @param params the run's params as text
 */
public record Candidate(String runId, String name, String status, double lastValue, double minValue,
                        double maxValue, long lastStep, long points, String startTime, String user,
                        Map<String, String> params) {

    /** A SQL or JSON number, NaN when absent. */
    public static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
