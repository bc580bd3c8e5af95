package io.runlake.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What is done to a series' points before they are drawn: smoothing, and thinning to the pixels there are. */
final class Curves {
    private Curves() {}

    /**
     * The exponential moving average TensorBoard draws, debiased so that the first points are not pulled towards
     * zero: {@code weight} 0 leaves the values as they are, 0.99 smooths hard. Non-finite values pass through and do
     * not enter the average.
     */
    static List<double[]> smooth(List<double[]> points, double weight) {
        if (!(weight > 0)) return points;
        List<double[]> out = new ArrayList<>(points.size());
        double last = 0;
        int n = 0;
        for (double[] p : points) {
            if (!Double.isFinite(p[1])) {
                out.add(p);
                continue;
            }
            last = last * weight + (1 - weight) * p[1];
            n++;
            out.add(new double[] {p[0], last / (1 - Math.pow(weight, n))});
        }
        return out;
    }

    /**
     * A line to draw and the band of the extremes it stands for. Up to two points per pixel column the line is the
     * points themselves and there is no band; past that, each column gets the mean of its points (so a 0/1 metric
     * shows its rate, not a solid block) and the band their minimum and maximum. Deterministic: columns are equal
     * slices of the x range.
     */
    record Thinned(List<double[]> line, List<double[]> band) {}

    /** Thins the finite points of {@code points}, x in [x0, x1], to {@code columns} columns. */
    static Thinned thin(List<double[]> points, double x0, double x1, int columns) {
        List<double[]> finite = new ArrayList<>(points.size());
        for (double[] p : points) if (Double.isFinite(p[0]) && Double.isFinite(p[1])) finite.add(p);
        if (finite.size() <= 2 * columns || !(x1 > x0)) return new Thinned(finite, List.of());
        finite.sort(Comparator.comparingDouble(p -> p[0]));
        List<double[]> line = new ArrayList<>(columns);
        List<double[]> band = new ArrayList<>(columns);
        int i = 0;
        while (i < finite.size()) {
            int column = column(finite.get(i)[0], x0, x1, columns);
            double sx = 0, sy = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            int n = 0;
            for (; i < finite.size() && column(finite.get(i)[0], x0, x1, columns) == column; i++, n++) {
                double[] p = finite.get(i);
                sx += p[0];
                sy += p[1];
                min = Math.min(min, p[1]);
                max = Math.max(max, p[1]);
            }
            line.add(new double[] {sx / n, sy / n});
            band.add(new double[] {sx / n, min, max});
        }
        return new Thinned(line, band);
    }

    private static int column(double x, double x0, double x1, int columns) {
        return (int) Math.min(columns - 1, Math.max(0, Math.floor((x - x0) / (x1 - x0) * columns)));
    }

    /** The last finite point, or null. */
    static double[] lastFinite(List<double[]> points) {
        for (int i = points.size() - 1; i >= 0; i--) {
            double[] p = points.get(i);
            if (Double.isFinite(p[0]) && Double.isFinite(p[1])) return p;
        }
        return null;
    }
}
