package io.runlake.report;

import io.runlake.format.RunStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The one page design of a leaderboard, as self-contained HTML (inline CSS and SVG charts, no scripts, fonts or
 * anything fetched, so it opens straight from the bucket) and as Markdown. The published reports and
 * {@code runlake report} both use it; the latter adds charts of more metrics and the objects it skipped.
 */
public final class LeaderboardPage {
    /** Params shown as columns, the ones that vary between the leaders first. */
    static final int MAX_PARAM_COLUMNS = 6;

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
            td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}code{font-size:90%}
            .swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}
            figure{margin:1em 0}
            """;

    /** More curves for the page: one chart per metric, each a series per leader that logged it. */
    public record Chart(String metric, List<Series> series) {}

    private LeaderboardPage() {}

    /**
     * The page of a published report: the leaders' curves and the table. {@code shownIds}: how each leader's run id
     * is shown, its shortest unique prefix (FORMAT.md §13.5; an id missing from it is shown whole).
     */
    public static String html(Leaderboard b, Map<String, String> shownIds) {
        return html(b, shownIds, List.of(), List.of());
    }

    /** The page with more charts after the leaders' and a list of skipped objects (none: no such section). */
    public static String html(
            Leaderboard b, Map<String, String> shownIds, List<Chart> moreCharts, List<String> skipped) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Leaderboard: ")
                .append(Text.html(b.experiment()))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style></head><body>\n");
        s.append("<h1>Experiment ").append(Text.html(b.experiment())).append("</h1>\n");
        s.append("<h2>Leaderboard by ")
                .append(valueWord(b))
                .append(" <code>")
                .append(Text.html(b.metric()))
                .append("</code></h2>\n<p>")
                .append(Text.html(summary(b)))
                .append("</p>\n");
        s.append("<figure>")
                .append(SvgChart.render(b.metric(), leaderCurves(b)))
                .append("</figure>\n");
        table(s, b, shownIds);
        if (b.leaders().isEmpty()) s.append("<p>No eligible run has a value of this metric yet.</p>\n");
        if (!moreCharts.isEmpty()) s.append("<h2>More metrics of the leaders</h2>\n");
        for (Chart c : moreCharts) {
            s.append("<figure>").append(SvgChart.render(c.metric(), c.series())).append("</figure>\n");
        }
        if (!skipped.isEmpty()) {
            s.append("<h2>Skipped objects</h2>\n<ul>\n");
            for (String p : skipped) s.append("<li>").append(Text.html(p)).append("</li>\n");
            s.append("</ul>\n");
        }
        return s.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder s, Leaderboard b, Map<String, String> shownIds) {
        List<String> params = shownParams(b);
        s.append("<table id=\"leaderboard\">\n<thead><tr><th>#</th><th>run</th><th>name</th><th>status</th><th>")
                .append(Text.html(b.metric()))
                .append("</th><th>best</th><th>step</th><th>points</th>")
                .append("<th>started</th><th>user</th>");
        for (String p : params) s.append("<th>").append(Text.html(p)).append("</th>");
        s.append("</tr></thead>\n<tbody>\n");
        for (Leaderboard.Leader l : b.leaders()) {
            s.append("<tr><td class=\"num\"><span class=\"swatch\" style=\"background:")
                    .append(ChartStyle.colour(l.rank() - 1))
                    .append("\"></span>")
                    .append(l.rank())
                    .append("</td>");
            s.append("<td><code title=\"")
                    .append(Text.html(l.runId()))
                    .append("\">")
                    .append(Text.html(shownIds.getOrDefault(l.runId(), l.runId())))
                    .append("</code></td>");
            cells(s, "", l.name(), l.status());
            cells(
                    s,
                    " class=\"num\"",
                    Text.number(l.value()),
                    Text.number(l.best()),
                    Long.toString(l.step()),
                    Long.toString(l.points()));
            cells(s, "", l.startTime(), l.user());
            for (String p : params) cells(s, "", l.params().get(p));
            s.append("</tr>\n");
        }
        s.append("</tbody></table>\n");
    }

    private static void cells(StringBuilder s, String attributes, String... values) {
        for (String v : values)
            s.append("<td").append(attributes).append('>').append(Text.html(v)).append("</td>");
    }

    /** The page as Markdown; {@code shownIds} as for {@link #html(Leaderboard, Map)}. */
    public static String markdown(Leaderboard b, Map<String, String> shownIds) {
        StringBuilder s = new StringBuilder();
        s.append("# Experiment ").append(Text.markdown(b.experiment())).append("\n\n");
        s.append("Leaderboard by ")
                .append(valueWord(b))
                .append(" `")
                .append(b.metric().replace("`", "'"))
                .append("`. ")
                .append(summary(b))
                .append("\n\n");
        List<String> params = shownParams(b);
        s.append("| # | run | name | status | ")
                .append(Text.markdown(b.metric()))
                .append(" | best | step | points |");
        for (String p : params) s.append(' ').append(Text.markdown(p)).append(" |");
        s.append("\n|---|---|---|---|---:|---:|---:|---:|")
                .append("---|".repeat(params.size()))
                .append('\n');
        for (Leaderboard.Leader l : b.leaders()) {
            s.append("| ")
                    .append(l.rank())
                    .append(" | `")
                    .append(shownIds.getOrDefault(l.runId(), l.runId()))
                    .append("` | ")
                    .append(Text.markdown(l.name()))
                    .append(" | ")
                    .append(l.status())
                    .append(" | ")
                    .append(Text.number(l.value()))
                    .append(" | ")
                    .append(Text.number(l.best()))
                    .append(" | ")
                    .append(l.step())
                    .append(" | ")
                    .append(l.points())
                    .append(" |");
            for (String p : params)
                s.append(' ').append(Text.markdown(l.params().get(p))).append(" |");
            s.append('\n');
        }
        if (b.leaders().isEmpty()) s.append("\n_No eligible run has a value of this metric yet._\n");
        return s.toString();
    }

    /** "Top 2 of 5 ranked runs (6 runs; FAILED runs are not ranked), lower is better. Generated ...". */
    static String summary(Leaderboard b) {
        StringBuilder s = new StringBuilder();
        s.append("Top ")
                .append(b.leaders().size())
                .append(" of ")
                .append(b.runsRanked())
                .append(" ranked runs (")
                .append(b.runsTotal())
                .append(" runs");
        if (b.statuses() != null) {
            EnumSet<RunStatus> left = EnumSet.allOf(RunStatus.class);
            left.removeAll(b.statuses());
            List<String> names = new ArrayList<>();
            for (RunStatus st : left) names.add(st.name());
            if (!names.isEmpty())
                s.append("; ").append(String.join(", ", names)).append(" runs are not ranked");
        }
        s.append("), ").append(b.direction().meaning()).append(". Generated ").append(b.generatedAt());
        if (b.lakeVersion() >= 0) s.append(" from lake version ").append(b.lakeVersion());
        return s.append('.').toString();
    }

    private static String valueWord(Leaderboard b) {
        return b.rankValue() == MetricValue.BEST ? "best" : "final";
    }

    private static List<String> shownParams(Leaderboard b) {
        List<String> all = b.paramColumns();
        return all.size() > MAX_PARAM_COLUMNS ? all.subList(0, MAX_PARAM_COLUMNS) : all;
    }

    /** One series per leader, in rank order, so a leader's colour matches its swatch in the table. */
    static List<Series> leaderCurves(Leaderboard b) {
        List<Series> out = new ArrayList<>();
        for (Leaderboard.Leader l : b.leaders()) out.add(new Series(l.rank() + ". " + l.label(), l.curve()));
        return out;
    }

    /** Series of another metric for the leaders, in rank order; a leader without it gets an empty line. */
    public static List<Series> leaderSeries(Leaderboard b, Map<String, List<double[]>> pointsByRun) {
        List<Series> out = new ArrayList<>();
        for (Leaderboard.Leader l : b.leaders()) {
            out.add(new Series(l.rank() + ". " + l.label(), pointsByRun.getOrDefault(l.runId(), List.of())));
        }
        return out;
    }
}
