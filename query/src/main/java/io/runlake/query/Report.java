package io.runlake.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A static, self-contained HTML page: leaderboard, comparison of the top runs and inline SVG charts. */
public final class Report {
    private Report() {}

    public static String html(Lake lake, String experiment, String metric, Lake.Direction direction, int k) {
        Table lb = lake.leaderboard(experiment, metric, direction, k, null);
        List<String> top = new ArrayList<>();
        for (List<Object> r : lb.rows()) top.add((String) r.get(lb.columns().indexOf("run_id")));
        Table cmp = lake.compare(top.subList(0, Math.min(5, top.size())), List.of(metric));
        List<Charts.Series> series = new ArrayList<>();
        Table keys = lake.query("SELECT DISTINCT key FROM metric_summary WHERE experiment = ? ORDER BY key", experiment);
        StringBuilder charts = new StringBuilder();
        List<String> chartKeys = new ArrayList<>();
        chartKeys.add(metric);
        for (List<Object> kr : keys.rows()) if (!chartKeys.contains(kr.get(0)) && chartKeys.size() < 4) chartKeys.add((String) kr.get(0));
        for (String key : chartKeys) {
            series.clear();
            for (String id : top) {
                try {
                    History h = lake.history(id, key, 400);
                    Object name = lb.rows().get(top.indexOf(id)).get(lb.columns().indexOf("name"));
                    series.add(Charts.Series.of(name == null ? id : name.toString(), h));
                } catch (QueryException e) {
                    // this run lacks the metric
                }
            }
            if (series.isEmpty()) continue;
            charts.append("<figure>").append(Charts.svg(key + " — " + experiment, "step", key, series)).append("</figure>\n");
        }
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>RunLake report: ").append(esc(experiment)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}th{background:#f4f4f4}")
                .append("figure{margin:1em 0}</style></head><body>\n");
        b.append("<h1>Experiment ").append(esc(experiment)).append("</h1>\n");
        b.append("<p>Generated from ").append(esc(io.runlake.format.Redaction.redactUri(lake.uri().toString()))).append(" at ").append(java.time.Instant.now()).append(".</p>\n");
        b.append("<h2>Leaderboard: ").append(esc(metric)).append(direction == Lake.Direction.MIN ? " (lower is better)" : " (higher is better)").append("</h2>\n");
        b.append(table(lb, "leaderboard"));
        b.append("<h2>Comparison of the top runs</h2>\n").append(table(cmp, "comparison"));
        b.append("<h2>Curves</h2>\n").append(charts);
        if (!lake.problems().isEmpty()) {
            b.append("<h2>Skipped objects</h2><ul>");
            for (String p : lake.problems()) b.append("<li>").append(esc(p)).append("</li>");
            b.append("</ul>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String table(Table t, String id) {
        StringBuilder b = new StringBuilder("<table id=\"" + id + "\"><thead><tr>");
        for (String c : t.columns()) b.append("<th>").append(esc(c)).append("</th>");
        b.append("</tr></thead><tbody>\n");
        for (List<Object> r : t.rows()) {
            b.append("<tr>");
            for (Object v : r) b.append("<td>").append(esc(v instanceof Map<?, ?> m ? Table.text(m) : Table.text(v))).append("</td>");
            b.append("</tr>\n");
        }
        return b.append("</tbody></table>\n").toString();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
