package io.runlake.runs;

import io.runlake.format.DuckSql;
import io.runlake.format.MetricSchema;

/**
 * The summary of one metric of one run (FORMAT.md §12.7, §13.4), as SQL aggregates over typed points (the
 * columns of {@link MetricSchema}): the runs index stores them per run and the {@code metric_summary} view
 * computes them for runs not settled in an index, with these same expressions.
 */
public final class MetricSummaries {
    /** The value at the highest step; ties: latest timestamp, then highest worker. */
    public static final String LAST_VALUE = "arg_max(value, (step, timestamp, worker))";
    /** The smallest value, ignoring NaN. */
    public static final String MIN_VALUE = "min(value) FILTER (WHERE NOT isnan(value))";
    /** The largest value, ignoring NaN. */
    public static final String MAX_VALUE = "max(value) FILTER (WHERE NOT isnan(value))";
    /** Every point, counted once (the reader gives each point once: FORMAT.md §12.3). */
    public static final String POINT_COUNT = "count(*)::BIGINT";

    public static final String LAST_STEP = "max(step)";

    private MetricSummaries() {}

    /** The summary columns in the runs index's order: last_value, min_value, max_value, point_count, last_step. */
    public static String aggregates() {
        return LAST_VALUE + " AS last_value, " + MIN_VALUE + " AS min_value, " + MAX_VALUE + " AS max_value, "
                + POINT_COUNT + " AS point_count, " + LAST_STEP + " AS last_step";
    }

    /** A SQL condition: the metric {@code keyColumn} is a user's metric, not a reserved one. */
    public static String isUserMetric(String keyColumn) {
        return "NOT starts_with(" + keyColumn + ", " + DuckSql.lit(MetricSchema.RESERVED_KEY_PREFIX) + ")";
    }
}
