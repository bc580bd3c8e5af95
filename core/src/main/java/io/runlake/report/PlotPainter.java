package io.runlake.report;

import static io.runlake.report.ChartStyle.LEFT;
import static io.runlake.report.ChartStyle.TOP;

import io.runlake.report.Canvas.Anchor;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of a {@link Plot}, drawn the same way on every {@link Canvas}: title, panels stacked over one x axis
 * (tick labels under the last), gridlines at round ticks, each series thinned to the pixels there are (with a faint
 * min/max band where points were merged), a smoothed line over the faint raw one when asked, a dot at each series'
 * end (a cross and the value for a FAILED run) and the legend in the right margin, never over the data.
 */
final class PlotPainter {
    private final Plot plot;
    private final Axis x;
    private final int panelHeight;
    private final int height;

    PlotPainter(Plot plot) {
        this.plot = plot;
        this.x = xAxis(plot);
        int n = plot.panels().size();
        int legendHeight = legend().size() * ChartStyle.LEGEND_ROW + 10;
        int panel = n == 1 ? ChartStyle.PANEL_HEIGHT : ChartStyle.STACKED_PANEL_HEIGHT;
        // a long legend makes the panels taller rather than run past them
        this.panelHeight = Math.max(panel, (legendHeight - (n - 1) * ChartStyle.PANEL_GAP + n - 1) / n);
        this.height = TOP + n * panelHeight + (n - 1) * ChartStyle.PANEL_GAP + ChartStyle.BOTTOM;
    }

    int width() {
        return ChartStyle.WIDTH;
    }

    int height() {
        return height;
    }

    void paint(Canvas c) {
        c.text(centreX(), 24, plot.title(), Anchor.MIDDLE, ChartStyle.TITLE_SIZE, ChartStyle.TEXT, false, "title");
        List<Plot.Panel> panels = plot.panels();
        for (int i = 0; i < panels.size(); i++) panel(c, panels.get(i), top(i), i == panels.size() - 1);
        c.text(
                centreX(),
                height - 10,
                xLabel(),
                Anchor.MIDDLE,
                ChartStyle.FONT_SIZE,
                ChartStyle.TEXT,
                false,
                "x-label");
        legend(c);
    }

    private void panel(Canvas c, Plot.Panel p, int top, boolean last) {
        int bottom = top + panelHeight, right = plotRight();
        Axis y = yAxis(p);
        c.panel(LEFT, top, right - LEFT, panelHeight, p.metric());
        for (int i = 0; i < y.ticks().size(); i++) {
            double py = py(y, top, y.ticks().get(i));
            c.line(LEFT, py, right, py, ChartStyle.GRID, 1, "grid");
            c.text(
                    LEFT - 6,
                    py + 4,
                    y.labels().get(i),
                    Anchor.END,
                    ChartStyle.FONT_SIZE,
                    ChartStyle.TEXT,
                    false,
                    "tick-y");
        }
        for (int i = 0; i < x.ticks().size(); i++) {
            double px = px(x.ticks().get(i));
            c.line(px, top, px, bottom, ChartStyle.GRID, 1, "grid");
            if (last) {
                String label = x.labels().get(i);
                c.text(px, bottom + 18, label, Anchor.MIDDLE, ChartStyle.FONT_SIZE, ChartStyle.TEXT, false, "tick-x");
            }
        }
        c.line(LEFT, bottom, right, bottom, ChartStyle.AXIS, 1, "axis");
        c.line(LEFT, top, LEFT, bottom, ChartStyle.AXIS, 1, "axis");
        int middle = (top + bottom) / 2;
        c.text(16, middle, p.metric(), Anchor.MIDDLE, ChartStyle.FONT_SIZE, ChartStyle.TEXT, true, "y-label");
        for (int i = 0; i < p.series().size(); i++) series(c, p.series().get(i), i, y, top);
    }

    private void series(Canvas c, Series s, int i, Axis y, int top) {
        List<double[]> raw = drawable(s.points());
        if (raw.isEmpty()) return;
        String colour = ChartStyle.colour(i);
        float[] dash = ChartStyle.dash(i);
        int columns = plotRight() - LEFT;
        Curves.Thinned thinned = Curves.thin(raw, x.lo(), x.hi(), columns);
        if (!thinned.band().isEmpty()) c.polygon(band(thinned.band(), y, top), colour, ChartStyle.BAND, "band");
        if (plot.smoothing() > 0) {
            c.polyline(pixels(thinned.line(), y, top), colour, 1, dash, ChartStyle.FAINT, "raw", null);
            thinned = Curves.thin(Curves.smooth(raw, plot.smoothing()), x.lo(), x.hi(), columns);
        }
        c.polyline(pixels(thinned.line(), y, top), colour, ChartStyle.LINE_WIDTH, dash, 1, "series", s.label());
        double[] end = raw.get(raw.size() - 1);
        double ex = px(end[0]), ey = py(y, top, end[1]);
        if (!s.failed()) {
            c.circle(ex, ey, 2.5, colour, "end");
            return;
        }
        c.line(ex - 4, ey - 4, ex + 4, ey + 4, colour, 2, "end-failed");
        c.line(ex - 4, ey + 4, ex + 4, ey - 4, colour, 2, "end-failed");
        double[] lastPoint = s.points().get(s.points().size() - 1);
        String value = Text.number(end[1]) + (lastPoint[1] == end[1] ? "" : ", then " + Text.number(lastPoint[1]));
        boolean nearRight = ex > plotRight() - 80;
        c.text(
                nearRight ? ex - 7 : ex + 7,
                ey - 6,
                value,
                nearRight ? Anchor.END : Anchor.START,
                ChartStyle.FONT_SIZE,
                colour,
                false,
                "last-value");
    }

    /** The finite points (positive ones on a log axis). */
    private List<double[]> drawable(List<double[]> points) {
        List<double[]> out = new ArrayList<>(points.size());
        for (double[] p : points) {
            if (Double.isFinite(p[0]) && Double.isFinite(p[1]) && (!plot.logY() || p[1] > 0)) out.add(p);
        }
        return out;
    }

    private void legend(Canvas c) {
        int lx = plotRight() + 10, row = 0;
        for (int i : legend()) {
            Series s = plot.panels().get(0).series().get(i);
            int ly = TOP + 10 + row++ * ChartStyle.LEGEND_ROW;
            String colour = ChartStyle.colour(i);
            c.polyline(
                    List.of(new double[] {lx, ly}, new double[] {lx + 20, ly}),
                    colour,
                    ChartStyle.LEGEND_LINE_WIDTH,
                    ChartStyle.dash(i),
                    1,
                    "legend-line",
                    null);
            String label = s.label() + (s.failed() ? " FAILED" : "");
            c.text(lx + 25, ly + 4, label, Anchor.START, ChartStyle.FONT_SIZE, ChartStyle.TEXT, false, "legend");
        }
    }

    /** The indexes of the series drawn in some panel: the legend's entries. */
    private List<Integer> legend() {
        List<Integer> out = new ArrayList<>();
        int n = plot.panels().get(0).series().size();
        for (int i = 0; i < n; i++) {
            for (Plot.Panel p : plot.panels()) {
                if (!drawable(p.series().get(i).points()).isEmpty()) {
                    out.add(i);
                    break;
                }
            }
        }
        return out;
    }

    private String xLabel() {
        return switch (plot.x()) {
            case STEP -> "step";
            case WALL -> "time (UTC)";
            case RELATIVE -> "time since the run's first point (" + x.unit() + ")";
        };
    }

    private Axis xAxis(Plot plot) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Plot.Panel p : plot.panels()) {
            for (Series s : p.series()) {
                for (double[] pt : drawable(s.points())) {
                    lo = Math.min(lo, pt[0]);
                    hi = Math.max(hi, pt[0]);
                }
            }
        }
        if (lo > hi) lo = hi = 0;
        return switch (plot.x()) {
            case STEP -> Axis.linear(lo, hi);
            case WALL -> Axis.wallTime(lo, hi);
            case RELATIVE -> Axis.relativeTime(hi);
        };
    }

    private Axis yAxis(Plot.Panel p) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : p.series()) {
            for (double[] pt : drawable(s.points())) {
                lo = Math.min(lo, pt[1]);
                hi = Math.max(hi, pt[1]);
            }
        }
        if (lo > hi) return plot.logY() ? Axis.log(1, 10) : Axis.linear(0, 1);
        return plot.logY() ? Axis.log(lo, hi) : Axis.linear(lo, hi);
    }

    private List<double[]> pixels(List<double[]> points, Axis y, int top) {
        List<double[]> out = new ArrayList<>(points.size());
        for (double[] p : points) out.add(new double[] {px(p[0]), py(y, top, p[1])});
        return out;
    }

    /** The band's outline: along its maxima left to right, back along its minima. */
    private List<double[]> band(List<double[]> band, Axis y, int top) {
        List<double[]> out = new ArrayList<>(band.size() * 2);
        for (double[] b : band) out.add(new double[] {px(b[0]), py(y, top, b[2])});
        for (int i = band.size() - 1; i >= 0; i--)
            out.add(new double[] {px(band.get(i)[0]), py(y, top, band.get(i)[1])});
        return out;
    }

    private double px(double v) {
        return LEFT + x.fraction(v) * (plotRight() - LEFT);
    }

    private double py(Axis y, int top, double v) {
        return top + panelHeight - y.fraction(v) * panelHeight;
    }

    private int top(int panel) {
        return TOP + panel * (panelHeight + ChartStyle.PANEL_GAP);
    }

    private static int plotRight() {
        return ChartStyle.WIDTH - ChartStyle.RIGHT;
    }

    private static int centreX() {
        return (LEFT + plotRight()) / 2;
    }
}
