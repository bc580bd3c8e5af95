/**
 * Leaderboards and their pictures, shared by the published reports and the command line.
 *
 * <p>API: {@link io.runlake.report.RankingRule} (what a leaderboard ranks, FORMAT.md §12.8),
 * {@link io.runlake.report.Ranking} (the one place that applies it to per-run metric summaries),
 * {@link io.runlake.report.Leaderboard} (the result, also the content of {@code leaderboard.json}),
 * {@link io.runlake.report.LeaderboardPage} (the HTML and Markdown pages) and the charts: a
 * {@link io.runlake.report.Plot} of {@link io.runlake.report.Series}, drawn by {@link io.runlake.report.SvgChart}
 * and {@link io.runlake.report.PngChart}.
 *
 * <p>Internal: {@link io.runlake.report.ChartStyle} and {@link io.runlake.report.Axis}, {@link io.runlake.report.Curves}
 * and {@link io.runlake.report.PlotPainter} (the one chart style: sizes, palette, round ticks, smoothing, thinning,
 * layout, drawn on a {@link io.runlake.report.Canvas}) and {@link io.runlake.report.Text} (number formatting and escaping).
 *
 * <p>Pure Java (Java2D for PNG): callers read the summaries with whatever engine they have and hand them in.
 */
package io.runlake.report;
