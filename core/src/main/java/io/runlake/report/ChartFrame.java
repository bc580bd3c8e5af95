package io.runlake.report;

import java.util.ArrayList;
import java.util.List;

/** Where things go on a chart: axis ranges rounded to ticks, the ticks, and data-to-pixel mapping. */
record ChartFrame(double x0, double x1, double y0, double y1, List<Double> xTicks, List<Double> yTicks) {

    static ChartFrame of(List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1]) || !Double.isFinite(p[0])) continue;
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        if (x0 > x1) return of(0, 1, 0, 1);
        return of(x0, x1, y0, y1);
    }

    private static ChartFrame of(double x0, double x1, double y0, double y1) {
        double xStep = tickStep(x0, x1), yStep = tickStep(y0, y1);
        double xa = Math.floor(x0 / xStep) * xStep, xb = Math.ceil(x1 / xStep) * xStep;
        double ya = Math.floor(y0 / yStep) * yStep, yb = Math.ceil(y1 / yStep) * yStep;
        if (xa == xb) xb = xa + xStep;
        if (ya == yb) yb = ya + yStep;
        return new ChartFrame(xa, xb, ya, yb, ticks(xa, xb, xStep), ticks(ya, yb, yStep));
    }

    /** A round step (1, 2 or 5 times a power of ten) giving about {@link ChartStyle#TICKS} ticks. */
    static double tickStep(double lo, double hi) {
        double span = hi - lo;
        if (!(span > 0)) span = Math.max(Math.abs(lo), 1);
        double raw = span / ChartStyle.TICKS, power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }

    private static List<Double> ticks(double from, double to, double step) {
        List<Double> out = new ArrayList<>();
        long n = Math.round((to - from) / step);
        for (long i = 0; i <= n; i++) out.add(from + i * step);
        return out;
    }

    double px(double x) {
        return ChartStyle.LEFT + (x - x0) / (x1 - x0) * (ChartStyle.WIDTH - ChartStyle.LEFT - ChartStyle.RIGHT);
    }

    double py(double y) {
        int h = ChartStyle.HEIGHT;
        return h - ChartStyle.BOTTOM - (y - y0) / (y1 - y0) * (h - ChartStyle.TOP - ChartStyle.BOTTOM);
    }

    static int plotRight() {
        return ChartStyle.WIDTH - ChartStyle.RIGHT;
    }

    static int plotBottom() {
        return ChartStyle.HEIGHT - ChartStyle.BOTTOM;
    }

    static int centreX() {
        return (ChartStyle.LEFT + plotRight()) / 2;
    }

    static int centreY() {
        return (ChartStyle.TOP + plotBottom()) / 2;
    }

    /** The y of the legend row of series {@code i}. */
    static int legendY(int i) {
        return ChartStyle.TOP + 10 + i * ChartStyle.LEGEND_ROW;
    }
}
