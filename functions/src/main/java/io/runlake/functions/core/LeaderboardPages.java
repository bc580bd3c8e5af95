package io.runlake.functions.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link Leaderboard} as Markdown and as one self-contained HTML page: inline CSS and an inline
 * SVG line chart (one polyline per leader), no scripts, fonts or anything fetched, so it opens straight
 * from the bucket.
 */
final class LeaderboardPages {
    /** Colour-blind-friendly palette (Okabe-Ito + extras), one per leader. */
    private static final String[] COLOURS = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
            "#000000", "#999999", "#882255"};
    private static final int MAX_PARAM_COLUMNS = 6;

    private LeaderboardPages() {}

    static String markdown(Leaderboard b) {
        StringBuilder s = new StringBuilder();
        s.append("# Leaderboard: ").append(mdEscape(b.experiment())).append("\n\n");
        s.append("Top ").append(b.leaders().size()).append(" of ").append(b.runsRanked()).append(" runs by final `")
                .append(b.metric().replace("`", "'")).append("` (").append("max".equals(b.direction()) ? "higher" : "lower")
                .append(" is better). Generated ").append(b.generatedAt()).append(" from lake version ").append(b.lakeVersion())
                .append(".\n\n");
        List<String> params = paramColumns(b);
        s.append("| # | run | name | status | ").append(mdEscape(b.metric())).append(" | step | points |");
        for (String p : params) s.append(' ').append(mdEscape(p)).append(" |");
        s.append("\n|---|---|---|---|---:|---:|---:|");
        s.append("---|".repeat(params.size())).append('\n');
        for (Leaderboard.Leader l : b.leaders()) {
            s.append("| ").append(l.rank()).append(" | `").append(l.runId()).append("` | ").append(mdEscape(nz(l.name())))
                    .append(" | ").append(l.status()).append(" | ").append(number(l.value())).append(" | ").append(l.step())
                    .append(" | ").append(l.points()).append(" |");
            for (String p : params) s.append(' ').append(mdEscape(nz(l.params().get(p)))).append(" |");
            s.append('\n');
        }
        if (b.leaders().isEmpty()) s.append("\n_No run has logged this metric yet._\n");
        return s.toString();
    }

    static String html(Leaderboard b) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Leaderboard: ")
                .append(esc(b.experiment())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse;margin-top:1em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}\n")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}code{font-size:90%}\n")
                .append(".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}\n")
                .append("</style></head><body>\n");
        s.append("<h1>Leaderboard: ").append(esc(b.experiment())).append("</h1>\n");
        s.append("<p>Top ").append(b.leaders().size()).append(" of ").append(b.runsRanked()).append(" runs by final <code>")
                .append(esc(b.metric())).append("</code> (").append("max".equals(b.direction()) ? "higher" : "lower")
                .append(" is better). Generated ").append(esc(b.generatedAt())).append(" from lake version ").append(b.lakeVersion())
                .append(".</p>\n");
        s.append(chart(b));
        List<String> params = paramColumns(b);
        s.append("<table>\n<thead><tr><th>#</th><th>run</th><th>name</th><th>status</th><th>").append(esc(b.metric()))
                .append("</th><th>step</th><th>points</th><th>started</th><th>user</th>");
        for (String p : params) s.append("<th>").append(esc(p)).append("</th>");
        s.append("</tr></thead>\n<tbody>\n");
        for (Leaderboard.Leader l : b.leaders()) {
            s.append("<tr><td class=\"num\"><span class=\"swatch\" style=\"background:").append(colour(l.rank()))
                    .append("\"></span>").append(l.rank()).append("</td><td><code>").append(esc(l.runId())).append("</code></td><td>")
                    .append(esc(nz(l.name()))).append("</td><td>").append(esc(l.status())).append("</td><td class=\"num\">")
                    .append(number(l.value())).append("</td><td class=\"num\">").append(l.step()).append("</td><td class=\"num\">")
                    .append(l.points()).append("</td><td>").append(esc(nz(l.startTime()))).append("</td><td>")
                    .append(esc(nz(l.user()))).append("</td>");
            for (String p : params) s.append("<td>").append(esc(nz(l.params().get(p)))).append("</td>");
            s.append("</tr>\n");
        }
        s.append("</tbody></table>\n");
        if (b.leaders().isEmpty()) s.append("<p>No run has logged this metric yet.</p>\n");
        s.append("</body></html>\n");
        return s.toString();
    }

    /** One polyline per leader over shared step/value axes. */
    private static String chart(Leaderboard b) {
        int w = 820, h = 380, left = 70, right = 20, top = 20, bottom = 40;
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Leaderboard.Leader l : b.leaders()) {
            for (double[] p : l.curve()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(esc(b.metric())).append(" by step\">\n");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#fff\"/>\n");
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(h - bottom).append("\" x2=\"").append(w - right).append("\" y2=\"")
                .append(h - bottom).append("\" stroke=\"#444\"/>\n");
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(top).append("\" x2=\"").append(left).append("\" y2=\"")
                .append(h - bottom).append("\" stroke=\"#444\"/>\n");
        if (minX > maxX) {
            s.append("<text x=\"").append(w / 2).append("\" y=\"").append(h / 2).append("\" text-anchor=\"middle\">no points</text>\n</svg>\n");
            return s.toString();
        }
        if (maxX == minX) maxX = minX + 1;
        if (maxY == minY) {
            maxY = minY + 1;
            minY = minY - 1;
        }
        double sx = (w - left - right) / (maxX - minX), sy = (h - top - bottom) / (maxY - minY);
        s.append(label(left, h - bottom + 16, "middle", number(minX))).append(label(w - right, h - bottom + 16, "end", number(maxX)))
                .append(label(left - 6, h - bottom, "end", number(minY))).append(label(left - 6, top + 10, "end", number(maxY)))
                .append(label((left + w - right) / 2, h - 8, "middle", "step"));
        for (Leaderboard.Leader l : b.leaders()) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : l.curve()) {
                pts.append(pts.length() == 0 ? "" : " ")
                        .append(String.format(Locale.ROOT, "%.1f,%.1f", left + (p[0] - minX) * sx, h - bottom - (p[1] - minY) * sy));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour(l.rank())).append("\" points=\"")
                    .append(pts).append("\"><title>").append(esc(l.rank() + ". " + (l.name() != null ? l.name() : l.runId())))
                    .append("</title></polyline>\n");
        }
        return s.append("</svg>\n").toString();
    }

    private static String label(int x, int y, String anchor, String text) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"11\" text-anchor=\"" + anchor + "\">" + esc(text) + "</text>\n";
    }

    private static List<String> paramColumns(Leaderboard b) {
        Set<String> names = new LinkedHashSet<>();
        for (Leaderboard.Leader l : b.leaders()) names.addAll(new java.util.TreeSet<>(l.params().keySet()));
        List<String> out = new ArrayList<>(names);
        return out.size() > MAX_PARAM_COLUMNS ? out.subList(0, MAX_PARAM_COLUMNS) : out;
    }

    private static String colour(int rank) {
        return COLOURS[(rank - 1) % COLOURS.length];
    }

    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String mdEscape(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
    }
}
