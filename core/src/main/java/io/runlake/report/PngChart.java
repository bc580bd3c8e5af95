package io.runlake.report;

import static io.runlake.report.ChartStyle.HEIGHT;
import static io.runlake.report.ChartStyle.LEFT;
import static io.runlake.report.ChartStyle.TOP;
import static io.runlake.report.ChartStyle.WIDTH;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** The same chart as {@link SvgChart}, drawn with Java2D (headless) into a PNG image. */
public final class PngChart {
    private PngChart() {}

    public static byte[] render(String title, String xLabel, String yLabel, List<Series> series) {
        System.setProperty("java.awt.headless", "true");
        ChartFrame f = ChartFrame.of(series);
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.decode(ChartStyle.BACKGROUND));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, ChartStyle.FONT_SIZE);
        g.setFont(font);
        Color text = Color.decode(ChartStyle.TEXT), grid = Color.decode(ChartStyle.GRID);
        int bottom = ChartFrame.plotBottom(), right = ChartFrame.plotRight();
        for (double y : f.yTicks()) {
            draw(g, grid, 1, LEFT, f.py(y), right, f.py(y));
            g.setColor(text);
            String s = Text.number(y);
            g.drawString(s, LEFT - 6 - g.getFontMetrics().stringWidth(s), (int) f.py(y) + 4);
        }
        for (double x : f.xTicks()) {
            draw(g, grid, 1, f.px(x), TOP, f.px(x), bottom);
            g.setColor(text);
            String s = Text.number(x);
            g.drawString(s, (int) f.px(x) - g.getFontMetrics().stringWidth(s) / 2, bottom + 18);
        }
        Color axis = Color.decode(ChartStyle.AXIS);
        draw(g, axis, 1, LEFT, bottom, right, bottom);
        draw(g, axis, 1, LEFT, TOP, LEFT, bottom);
        g.setColor(text);
        centred(g, xLabel, ChartFrame.centreX(), HEIGHT - 10);
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2);
        centred(g, yLabel, -ChartFrame.centreY(), 20);
        g.setTransform(old);
        g.setFont(font.deriveFont((float) ChartStyle.TITLE_SIZE));
        centred(g, title, ChartFrame.centreX(), 24);
        g.setFont(font);
        for (int i = 0; i < series.size(); i++) series(g, f, series.get(i), i);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
    }

    private static void series(Graphics2D g, ChartFrame f, Series s, int i) {
        Color c = Color.decode(ChartStyle.colour(i));
        Path2D path = new Path2D.Double();
        boolean first = true;
        for (double[] p : s.points()) {
            if (!Double.isFinite(p[1])) continue;
            if (first) path.moveTo(f.px(p[0]), f.py(p[1]));
            else path.lineTo(f.px(p[0]), f.py(p[1]));
            first = false;
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(ChartStyle.LINE_WIDTH));
        g.draw(path);
        int ly = ChartFrame.legendY(i), lx = ChartFrame.plotRight() + 10;
        draw(g, c, ChartStyle.LEGEND_LINE_WIDTH, lx, ly, lx + 20, ly);
        g.setColor(Color.decode(ChartStyle.TEXT));
        g.drawString(Text.shorten(s.label(), ChartStyle.LEGEND_CHARS), lx + 25, ly + 4);
    }

    private static void draw(Graphics2D g, Color c, float width, double x1, double y1, double x2, double y2) {
        g.setColor(c);
        g.setStroke(new BasicStroke(width));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    private static void centred(Graphics2D g, String s, int x, int y) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
    }
}
