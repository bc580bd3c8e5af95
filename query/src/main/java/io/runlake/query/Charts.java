package io.runlake.query;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Line charts of one metric for several runs: SVG as text, PNG through Java2D. Axes and legend are labelled. */
public final class Charts {
    /** One line: a label and (x, y) points in x order. Non-finite y values are skipped. */
    public record Series(String label, List<double[]> points) {
        public static Series of(String label, History h) {
            return new Series(label, h.points().stream().map(p -> new double[] {p.step(), p.value()}).toList());
        }
    }

    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    static final int W = 800, H = 450, L = 70, R = 180, T = 40, B = 50;

    private Charts() {}

    private record Bounds(double x0, double x1, double y0, double y1) {
        double px(double x) {
            return L + (x - x0) / (x1 - x0) * (W - L - R);
        }

        double py(double y) {
            return H - B - (y - y0) / (y1 - y0) * (H - T - B);
        }
    }

    private static Bounds bounds(List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) continue;
                x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
            }
        }
        if (x0 > x1) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
        if (x0 == x1) { x0 -= 1; x1 += 1; }
        if (y0 == y1) { y0 -= 1; y1 += 1; }
        double pad = (y1 - y0) * 0.05;
        return new Bounds(x0, x1, y0 - pad, y1 + pad);
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A standalone SVG document. */
    public static String svg(String title, String xLabel, String yLabel, List<Series> series) {
        Bounds b = bounds(series);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">%s</text>%n", (L + W - R) / 2, esc(title)));
        for (int i = 0; i <= 5; i++) {
            double y = b.y0() + (b.y1() - b.y0()) * i / 5, x = b.x0() + (b.x1() - b.x0()) * i / 5;
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n", L, b.py(y), W - R, b.py(y)));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", L - 6, b.py(y) + 4, num(y)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", b.px(x), H - B + 18, num(x)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", L, H - B, W - R, H - B));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", L, T, L, H - B));
        s.append(String.format(Locale.ROOT, "<text class=\"x-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (L + W - R) / 2, H - 10, esc(xLabel)));
        s.append(String.format(Locale.ROOT, "<text class=\"y-label\" x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
                (T + H - B) / 2, (T + H - B) / 2, esc(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            Series ser = series.get(i);
            String color = PALETTE[i % PALETTE.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : ser.points()) {
                if (!Double.isFinite(p[1])) continue;
                if (pts.length() > 0) pts.append(' ');
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f", b.px(p[0]), b.py(p[1])));
            }
            s.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-run=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    esc(ser.label()), color, pts));
            int ly = T + 10 + i * 18;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n", W - R + 10, ly, W - R + 30, ly, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", W - R + 35, ly + 4, esc(shorten(ser.label(), 22))));
        }
        return s.append("</svg>\n").toString();
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    /** The same chart as a PNG image. */
    public static byte[] png(String title, String xLabel, String yLabel, List<Series> series) {
        System.setProperty("java.awt.headless", "true");
        Bounds b = bounds(series);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double y = b.y0() + (b.y1() - b.y0()) * i / 5, x = b.x0() + (b.x1() - b.x0()) * i / 5;
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(L, (int) b.py(y), W - R, (int) b.py(y));
            g.setColor(Color.BLACK);
            String ys = num(y), xs = num(x);
            g.drawString(ys, L - 6 - g.getFontMetrics().stringWidth(ys), (int) b.py(y) + 4);
            g.drawString(xs, (int) b.px(x) - g.getFontMetrics().stringWidth(xs) / 2, H - B + 18);
        }
        g.drawLine(L, H - B, W - R, H - B);
        g.drawLine(L, T, L, H - B);
        g.drawString(xLabel, (L + W - R) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 10);
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(T + H - B) / 2 - g.getFontMetrics().stringWidth(yLabel) / 2, 20);
        g.setTransform(old);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        g.drawString(title, (L + W - R) / 2 - g.getFontMetrics().stringWidth(title) / 2, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < series.size(); i++) {
            Color c = Color.decode(PALETTE[i % PALETTE.length]);
            g.setColor(c);
            g.setStroke(new BasicStroke(1.5f));
            Path2D path = new Path2D.Double();
            boolean first = true;
            for (double[] p : series.get(i).points()) {
                if (!Double.isFinite(p[1])) continue;
                if (first) path.moveTo(b.px(p[0]), b.py(p[1]));
                else path.lineTo(b.px(p[0]), b.py(p[1]));
                first = false;
            }
            g.draw(path);
            int ly = T + 10 + i * 18;
            g.setStroke(new BasicStroke(3f));
            g.drawLine(W - R + 10, ly, W - R + 30, ly);
            g.setColor(Color.BLACK);
            g.drawString(shorten(series.get(i).label(), 22), W - R + 35, ly + 4);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new QueryException("cannot encode PNG: " + e.getMessage(), e);
        }
    }
}
