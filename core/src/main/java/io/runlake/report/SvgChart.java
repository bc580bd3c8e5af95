package io.runlake.report;

import java.util.List;
import java.util.Locale;

/**
 * A {@link Plot} as a standalone SVG document in the {@link ChartStyle}: no scripts or fonts fetched. Elements carry
 * classes ({@code panel}, {@code tick-x}, {@code tick-y}, {@code series}, {@code legend}, {@code last-value}, ...)
 * so that a page's CSS, or a test, can find them.
 */
public final class SvgChart implements Canvas {
    private final StringBuilder s = new StringBuilder();

    private SvgChart() {}

    public static String render(Plot plot) {
        PlotPainter painter = new PlotPainter(plot);
        SvgChart svg = new SvgChart();
        int w = painter.width(), h = painter.height();
        svg.s.append(fmt(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"%s\" font-size=\"%d\" fill=\"%s\" role=\"img\" aria-label=\"%s\">%n",
                w, h, w, h, ChartStyle.FONT, ChartStyle.FONT_SIZE, ChartStyle.TEXT, Text.html(plot.title())));
        svg.s.append(
                fmt("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", w, h, ChartStyle.BACKGROUND));
        painter.paint(svg);
        return svg.s.append("</svg>\n").toString();
    }

    /** One metric by step: the charts of the reports. */
    public static String render(String metric, List<Series> series) {
        return render(Plot.ofSteps(metric, series));
    }

    @Override
    public void panel(double x, double y, double width, double height, String metric) {
        s.append(fmt(
                "<rect class=\"panel\" data-metric=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"none\"/>%n",
                Text.html(metric), x, y, width, height));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String colour, float width, String cls) {
        s.append(fmt(
                "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                cls, x1, y1, x2, y2, colour, width));
    }

    @Override
    public void polyline(
            List<double[]> points, String colour, float width, float[] dash, float opacity, String cls, String title) {
        s.append(fmt("<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"", cls, colour, width));
        if (dash.length > 0)
            s.append(" stroke-dasharray=\"").append(numbers(dash)).append('"');
        if (opacity < 1) s.append(fmt(" stroke-opacity=\"%.2f\"", opacity));
        s.append(" points=\"").append(points(points)).append('"');
        if (title == null) s.append("/>\n");
        else s.append("><title>").append(Text.html(title)).append("</title></polyline>\n");
    }

    @Override
    public void polygon(List<double[]> points, String colour, float opacity, String cls) {
        s.append(fmt(
                "<polygon class=\"%s\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" points=\"%s\"/>%n",
                cls, colour, opacity, points(points)));
    }

    @Override
    public void circle(double x, double y, double radius, String colour, String cls) {
        s.append(fmt(
                "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", cls, x, y, radius, colour));
    }

    @Override
    public void text(
            double x, double y, String text, Anchor anchor, int size, String colour, boolean vertical, String cls) {
        s.append(fmt(
                "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"",
                cls, x, y, anchor.name().toLowerCase(Locale.ROOT)));
        if (size != ChartStyle.FONT_SIZE) s.append(fmt(" font-size=\"%d\"", size));
        if (!colour.equals(ChartStyle.TEXT)) s.append(" fill=\"").append(colour).append('"');
        if (vertical) s.append(fmt(" transform=\"rotate(-90 %.1f %.1f)\"", x, y));
        s.append('>').append(Text.html(text)).append("</text>\n");
    }

    private static String points(List<double[]> points) {
        StringBuilder b = new StringBuilder();
        for (double[] p : points) {
            if (b.length() > 0) b.append(' ');
            b.append(fmt("%.1f,%.1f", p[0], p[1]));
        }
        return b.toString();
    }

    private static String numbers(float[] values) {
        StringBuilder b = new StringBuilder();
        for (float v : values) b.append(b.length() > 0 ? "," : "").append(Text.number(v));
        return b.toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
