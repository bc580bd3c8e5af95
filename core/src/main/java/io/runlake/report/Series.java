package io.runlake.report;

import java.util.List;

/** One line of a chart: a label and (x, y) points in x order. Non-finite y values are skipped when drawn. */
public record Series(String label, List<double[]> points) {}
