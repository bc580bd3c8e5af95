package io.runlake.report;

import java.util.Locale;

/** Number formatting and escaping shared by the pages and charts. */
final class Text {
    private Text() {}

    /** Integers as such, other numbers with 6 significant digits; NaN and infinities by name. */
    static String number(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) return s;
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** Escapes for HTML and SVG text and attributes. */
    static String html(String s) {
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

    /** Escapes for a Markdown table cell. */
    static String markdown(String s) {
        return s == null
                ? ""
                : s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
    }

    static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
