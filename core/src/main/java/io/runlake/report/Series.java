package io.runlake.report;

import java.util.List;

/**
 * One line of a chart: a legend label, (x, y) points in x order, and whether the run FAILED (its last value is then
 * marked and labelled, so a blow-up shows where it ended). Non-finite y values are skipped when drawn.
 */
public record Series(String label, List<double[]> points, boolean failed) {
    /** Characters of a run name in a legend; the run id after it is never cut. */
    static final int NAME_CHARS = 20;

    public Series(String label, List<double[]> points) {
        this(label, points, false);
    }

    /** A run's line, labelled "name (shown id)" (FORMAT.md §13.5: the id as every command shows and accepts it). */
    public static Series ofRun(String name, String shownId, List<double[]> points, boolean failed) {
        String label = name == null || name.isEmpty() ? shownId : Text.shorten(name, NAME_CHARS) + " (" + shownId + ")";
        return new Series(label, points, failed);
    }
}
