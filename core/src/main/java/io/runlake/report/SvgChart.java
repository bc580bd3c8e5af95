package io.runlake.report;

import static io.runlake.report.ChartStyle.FONT_SIZE;
import static io.runlake.report.ChartStyle.HEIGHT;
import static io.runlake.report.ChartStyle.LEFT;
import static io.runlake.report.ChartStyle.TOP;
import static io.runlake.report.ChartStyle.WIDTH;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as a standalone SVG document in the {@link ChartStyle}: title, gridlines at round ticks, labelled
 * axes, one {@code <polyline class="series">} per series and a legend. No scripts or fonts fetched.
 */
public final class SvgChart {
    private SvgChart() {}

    public static String render(String title, String xLabel, String yLabel, List<Series> series) {
        ChartFrame f = ChartFrame.of(series);
        StringBuilder s = new StringBuilder();
        s.append(fmt(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"%s\" font-size=\"%d\" fill=\"%s\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, ChartStyle.FONT, FONT_SIZE, ChartStyle.TEXT, Text.html(title)));
        s.append(fmt(
                "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                WIDTH, HEIGHT, ChartStyle.BACKGROUND));
        s.append(fmt(
                "<text x=\"%d\" y=\"24\" font-size=\"%d\" text-anchor=\"middle\">%s</text>%n",
                ChartFrame.centreX(), ChartStyle.TITLE_SIZE, Text.html(title)));
        for (double y : f.yTicks()) {
            s.append(line(LEFT, f.py(y), ChartFrame.plotRight(), f.py(y), ChartStyle.GRID, 1, "grid"));
            s.append(fmt(
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, f.py(y) + 4, Text.number(y)));
        }
        for (double x : f.xTicks()) {
            s.append(line(f.px(x), TOP, f.px(x), ChartFrame.plotBottom(), ChartStyle.GRID, 1, "grid"));
            s.append(fmt(
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    f.px(x), ChartFrame.plotBottom() + 18, Text.number(x)));
        }
        int bottom = ChartFrame.plotBottom();
        s.append(line(LEFT, bottom, ChartFrame.plotRight(), bottom, ChartStyle.AXIS, 1, "axis"));
        s.append(line(LEFT, TOP, LEFT, bottom, ChartStyle.AXIS, 1, "axis"));
        s.append(fmt(
                "<text class=\"x-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                ChartFrame.centreX(), HEIGHT - 10, Text.html(xLabel)));
        s.append(fmt(
                "<text class=\"y-label\" x=\"16\" y=\"%d\" text-anchor=\"middle\" "
                        + "transform=\"rotate(-90 16 %d)\">%s</text>%n",
                ChartFrame.centreY(), ChartFrame.centreY(), Text.html(yLabel)));
        for (int i = 0; i < series.size(); i++) s.append(series(f, series.get(i), i));
        return s.append("</svg>\n").toString();
    }

    private static String series(ChartFrame f, Series ser, int i) {
        String colour = ChartStyle.colour(i);
        StringBuilder pts = new StringBuilder();
        for (double[] p : ser.points()) {
            if (!Double.isFinite(p[1])) continue;
            if (pts.length() > 0) pts.append(' ');
            pts.append(fmt("%.1f,%.1f", f.px(p[0]), f.py(p[1])));
        }
        String label = Text.html(ser.label());
        int ly = ChartFrame.legendY(i), lx = ChartFrame.plotRight() + 10;
        return fmt(
                        "<polyline class=\"series\" data-run=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                                + "points=\"%s\"><title>%s</title></polyline>%n",
                        label, colour, ChartStyle.LINE_WIDTH, pts, label)
                + line(lx, ly, lx + 20, ly, colour, ChartStyle.LEGEND_LINE_WIDTH, "legend")
                + fmt(
                        "<text x=\"%d\" y=\"%d\">%s</text>%n",
                        lx + 25, ly + 4, Text.html(Text.shorten(ser.label(), ChartStyle.LEGEND_CHARS)));
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, float width, String cls) {
        return fmt(
                "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-width=\"%.1f\"/>%n",
                cls, x1, y1, x2, y2, colour, width);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
