package io.runlake.report;

import java.util.List;

/** What {@link PlotPainter} draws on, in pixels from the top left: an SVG document or a Java2D image. */
interface Canvas {
    enum Anchor {
        START,
        MIDDLE,
        END
    }

    /** The plot area of one panel (an SVG element tests and scripts can find; nothing visible). */
    void panel(double x, double y, double width, double height, String metric);

    void line(double x1, double y1, double x2, double y2, String colour, float width, String cls);

    /** A polyline through {@code points} ([x, y] pixels); {@code dash} empty: solid; {@code title} may be null. */
    void polyline(
            List<double[]> points, String colour, float width, float[] dash, float opacity, String cls, String title);

    /** A filled polygon through {@code points} ([x, y] pixels). */
    void polygon(List<double[]> points, String colour, float opacity, String cls);

    void circle(double x, double y, double radius, String colour, String cls);

    /** Text with its baseline at y; {@code vertical} turns it 90° anticlockwise about (x, y). */
    void text(double x, double y, String text, Anchor anchor, int size, String colour, boolean vertical, String cls);
}
