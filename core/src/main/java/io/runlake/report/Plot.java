package io.runlake.report;

import java.util.List;

/**
 * What a chart shows: one panel per metric, stacked over a shared x axis, each with one series per run. Series i of
 * every panel is the same run (same colour and dash, one legend entry); a run without a panel's metric has an empty
 * series there.
 *
 * @param smoothing the weight of the exponential moving average drawn over each series (0: none, below 1); the raw
 *     points are drawn faint behind it
 * @param logY a log10 y axis; the caller leaves out values that are not positive
 */
public record Plot(String title, XAxis x, boolean logY, double smoothing, List<Panel> panels) {
    /** What x is: the step, the point's time (epoch seconds) or the seconds since the run's first point. */
    public enum XAxis {
        STEP,
        WALL,
        RELATIVE
    }

    /** One metric's panel. */
    public record Panel(String metric, List<Series> series) {}

    public Plot {
        if (!(smoothing >= 0 && smoothing < 1))
            throw new IllegalArgumentException("smoothing must be at least 0 and below 1, not " + smoothing);
        if (panels.isEmpty()) throw new IllegalArgumentException("a plot needs at least one panel");
        int n = panels.get(0).series().size();
        for (Panel p : panels) {
            if (p.series().size() != n)
                throw new IllegalArgumentException("every panel needs one series per run, in the same order");
        }
    }

    /** One metric by step, linear, not smoothed: the charts of the reports. */
    public static Plot ofSteps(String metric, List<Series> series) {
        return new Plot(metric, XAxis.STEP, false, 0, List.of(new Panel(metric, series)));
    }
}
