package io.runlake.report;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** The same chart as {@link SvgChart}, drawn with Java2D (headless) into a PNG image. */
public final class PngChart implements Canvas {
    private final Graphics2D g;
    private final Font font;

    private PngChart(Graphics2D g) {
        this.g = g;
        this.font = new Font(Font.SANS_SERIF, Font.PLAIN, ChartStyle.FONT_SIZE);
    }

    public static byte[] render(Plot plot) {
        System.setProperty("java.awt.headless", "true");
        PlotPainter painter = new PlotPainter(plot);
        BufferedImage img = new BufferedImage(painter.width(), painter.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.decode(ChartStyle.BACKGROUND));
        g.fillRect(0, 0, painter.width(), painter.height());
        painter.paint(new PngChart(g));
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
    }

    /** One metric by step. */
    public static byte[] render(String metric, List<Series> series) {
        return render(Plot.ofSteps(metric, series));
    }

    @Override
    public void panel(double x, double y, double width, double height, String metric) {}

    @Override
    public void line(double x1, double y1, double x2, double y2, String colour, float width, String cls) {
        g.setColor(Color.decode(colour));
        g.setStroke(new BasicStroke(width));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(
            List<double[]> points, String colour, float width, float[] dash, float opacity, String cls, String title) {
        g.setColor(Color.decode(colour));
        g.setStroke(
                dash.length == 0
                        ? new BasicStroke(width)
                        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        withOpacity(opacity, () -> g.draw(path(points, false)));
    }

    @Override
    public void polygon(List<double[]> points, String colour, float opacity, String cls) {
        g.setColor(Color.decode(colour));
        withOpacity(opacity, () -> g.fill(path(points, true)));
    }

    @Override
    public void circle(double x, double y, double radius, String colour, String cls) {
        g.setColor(Color.decode(colour));
        g.fill(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
    }

    @Override
    public void text(
            double x, double y, String text, Anchor anchor, int size, String colour, boolean vertical, String cls) {
        g.setFont(size == ChartStyle.FONT_SIZE ? font : font.deriveFont((float) size));
        g.setColor(Color.decode(colour));
        int w = g.getFontMetrics().stringWidth(text);
        double shift = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? w / 2.0 : w;
        AffineTransform old = g.getTransform();
        if (vertical) g.rotate(-Math.PI / 2, x, y);
        g.drawString(text, (float) (x - shift), (float) y);
        g.setTransform(old);
    }

    private void withOpacity(float opacity, Runnable draw) {
        Composite old = g.getComposite();
        if (opacity < 1) g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, opacity));
        draw.run();
        g.setComposite(old);
    }

    private static Path2D path(List<double[]> points, boolean close) {
        Path2D path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            if (i == 0) path.moveTo(points.get(i)[0], points.get(i)[1]);
            else path.lineTo(points.get(i)[0], points.get(i)[1]);
        }
        if (close) path.closePath();
        return path;
    }
}
