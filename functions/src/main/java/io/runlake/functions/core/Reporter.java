package io.runlake.functions.core;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.report.Direction;
import io.runlake.report.Leaderboard;
import io.runlake.report.LeaderboardPage;
import io.runlake.report.Ranking;
import io.runlake.report.RankingRule;
import io.runlake.runs.MetricSummaries;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an experiment's leaderboard ({@link Ranking} of the current runs index under a {@link RankingRule}),
 * as {@code reports/experiment=<esc>/<report version>/leaderboard.{html,md,json}} (put-if-absent, never
 * overwritten; JSON written last, so a version with a JSON is complete; the latest report is the greatest
 * such version).
 *
 * <p>Metric choice when none is configured: among the metric keys logged by the most runs (internal
 * {@code runlake/} keys excluded), prefer one whose name contains "loss", then "acc", else the first by
 * name. Direction when none is configured: inferred from the metric name ({@link Direction#inferFrom}).
 */
public final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final ObjectStore store;
    private final ReporterOptions options;

    public Reporter(ObjectStore store, ReporterOptions options) {
        this.store = store;
        this.options = options;
    }

    /** {@code written=false}: no index yet, no metric to rank by, or the latest report is already current. */
    public record Result(
            String experiment,
            boolean written,
            String reason,
            String reportVersion,
            String htmlKey,
            String mdKey,
            String jsonKey,
            Leaderboard leaderboard) {}

    public Result report(String experiment) {
        Maintenance.checkStore(store);
        LakeView view = LakeView.load(store, experiment);
        LakeSnapshot snap = view.snapshot();
        if (snap.indexFile() == null) return skipped(experiment, "no runs index yet");
        try (LocalFiles local = new LocalFiles(store, options.workDir(), options.ioThreads());
                Duck duck = Duck.open(local.newDir("spill"), options.memoryLimit(), options.threads())) {
            Path index = local.fetch(snap.indexFile())
                    .orElseThrow(() -> new MaintenanceException("runs index " + snap.indexFile()
                            + " named by the lake log of '" + experiment + "' is missing"));
            duck.requireSupportedFormat(Map.of(snap.indexFile(), index));
            String idx = Duck.readParquet(List.of(index));
            String metric = options.metric() != null ? options.metric() : chooseMetric(duck, idx);
            if (metric == null) return skipped(experiment, "no metric logged yet");
            Direction direction = options.direction() == null ? null : Direction.parse(options.direction());
            RankingRule rule = RankingRule.of(metric, direction).withTopK(options.topK());
            if (!options.force() && latestIsCurrent(experiment, snap.indexFile(), rule)) {
                return skipped(experiment, "latest report already reflects runs index " + snap.indexFile());
            }
            Ranking.Result ranked = rank(duck, idx, rule);
            Instant now = options.clock().instant();
            Leaderboard unpublished = Leaderboard.of(experiment, rule, ranked, now.toString());
            String version =
                    LakeLayout.reportVersion(now, snap.version(), RunIds.newId().substring(20));
            Leaderboard board = unpublished
                    .withCurves(curves(view, local, duck, metric, unpublished.runIds()))
                    .published(version, snap.version(), snap.runsVersion(), snap.indexFile());
            String html = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_HTML);
            String md = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_MD);
            String json = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_JSON);
            // media types so the pages open in a browser straight from the bucket
            Map<String, String> shown = shownIds(duck, idx, board.runIds());
            store.putIfAbsentIdempotent(html, utf8(LeaderboardPage.html(board, shown)), "text/html; charset=utf-8");
            store.putIfAbsentIdempotent(
                    md, utf8(LeaderboardPage.markdown(board, shown)), "text/markdown; charset=utf-8");
            store.putIfAbsentIdempotent(json, Json.write(board), "application/json"); // last: marks the report complete
            LOG.info(
                    "experiment '{}': leaderboard {} by {} ({}) with {} runs",
                    experiment,
                    version,
                    metric,
                    rule.direction().text(),
                    board.leaders().size());
            return new Result(experiment, true, null, version, html, md, json, board);
        } catch (SQLException e) {
            throw new MaintenanceException(
                    "building the leaderboard of experiment '" + experiment + "' failed: "
                            + Quarantine.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * A published report leaves archived runs out (FORMAT.md §8.4); an index written before the {@code archived} column
     * existed has none archived.
     */
    private static String visibleRuns(Duck duck, String idx) throws SQLException {
        boolean hasColumn = !duck.query(
                        "SELECT 1 FROM (DESCRIBE SELECT * FROM " + idx + ") WHERE column_name = 'archived'")
                .isEmpty();
        return hasColumn ? " WHERE NOT coalesce(archived, false)" : "";
    }

    /** Every run of the index with its summary of {@code metric} (NULLs where it has none), ranked. */
    private static Ranking.Result rank(Duck duck, String idx, RankingRule rule) throws SQLException {
        String candidates = "SELECT run_id, name, status, start_time, \"user\", params, m.last_value, m.min_value, "
                + "m.max_value, m.last_step, m.point_count AS points FROM (SELECT *, list_filter(metrics, lambda x: "
                + "x.key = " + Duck.lit(rule.metric()) + ")[1] AS m FROM " + idx + visibleRuns(duck, idx) + ")";
        List<List<Object>> rows = duck.query(Ranking.sql(rule, candidates)).stream()
                .map(Arrays::asList)
                .toList();
        long total = ((Number) duck.query(Ranking.countSql(candidates)).get(0)[0]).longValue();
        return Ranking.result(rows, total);
    }

    /**
     * The leaders' run ids as shown on the pages (FORMAT.md §13.5): shortest unique prefixes among the runs of the
     * experiment's index, the ids a report reads (leaderboard.json keeps them whole).
     */
    private static Map<String, String> shownIds(Duck duck, String idx, List<String> leaders) throws SQLException {
        List<String> all = new ArrayList<>();
        for (Object[] r : duck.query("SELECT run_id FROM " + idx)) all.add((String) r[0]);
        return io.runlake.runs.RunIds.abbreviate(leaders, all);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Result skipped(String experiment, String reason) {
        return new Result(experiment, false, reason, null, null, null, null, null);
    }

    private static String chooseMetric(Duck duck, String idx) throws SQLException {
        List<Object[]> rows = duck.query(
                "SELECT m.key, count(DISTINCT run_id) AS runs FROM (SELECT run_id, unnest(metrics) AS m FROM "
                        + idx + ") WHERE " + MetricSummaries.isUserMetric("m.key")
                        + " GROUP BY m.key ORDER BY runs DESC, m.key");
        if (rows.isEmpty()) return null;
        long most = ((Number) rows.get(0)[1]).longValue();
        List<String> keys = rows.stream()
                .filter(r -> ((Number) r[1]).longValue() == most)
                .map(r -> (String) r[0])
                .toList();
        for (String hint : List.of("loss", "acc")) {
            for (String k : keys) if (k.toLowerCase(Locale.ROOT).contains(hint)) return k;
        }
        return keys.get(0);
    }

    /** The report with the greatest version that is complete (has its JSON), if any. */
    public static Optional<String> latestReportVersion(ObjectStore store, String experiment) {
        String latest = null;
        for (ObjectInfo o : store.list(LakeLayout.reportsPrefix(experiment))) {
            Optional<LakeLayout.ReportKey> k = LakeLayout.parseReportKey(o.key());
            if (k.isEmpty() || !k.get().fileName().equals(LakeLayout.LEADERBOARD_JSON)) continue;
            if (latest == null || k.get().version().compareTo(latest) > 0)
                latest = k.get().version();
        }
        return Optional.ofNullable(latest);
    }

    private boolean latestIsCurrent(String experiment, String indexFile, RankingRule rule) {
        Optional<String> latest = latestReportVersion(store, experiment);
        if (latest.isEmpty()) return false;
        String key = LakeLayout.report(experiment, latest.get(), LakeLayout.LEADERBOARD_JSON);
        try {
            Leaderboard b = FormatVersion.readJson(store.get(key).orElseThrow(), Leaderboard.class, key);
            return indexFile.equals(b.indexFile()) && b.madeUnder(rule);
        } catch (RuntimeException e) {
            return false; // unreadable or from a newer format (derived output, never misread): write a fresh one
        }
    }

    /** Thinned curves of the leaders, read through the exactly-once view, skipping lake files whose run range excludes them. */
    private Map<String, List<double[]>> curves(
            LakeView view, LocalFiles local, Duck duck, String metric, List<String> runIds) throws SQLException {
        Map<String, List<double[]>> out = new TreeMap<>();
        if (runIds.isEmpty()) return out;
        List<String> keys = new ArrayList<>();
        for (DataFile f : view.liveFiles()) {
            boolean mayHold = runIds.stream()
                    .anyMatch(id -> (f.minRunId() == null || id.compareTo(f.minRunId()) >= 0)
                            && (f.maxRunId() == null || id.compareTo(f.maxRunId()) <= 0));
            if (mayHold) keys.add(f.path());
        }
        for (ObjectInfo o : view.uncoveredShards()) {
            if (Layout.parseRunObject(o.key())
                    .filter(ro -> runIds.contains(ro.runId()))
                    .isPresent()) keys.add(o.key());
        }
        List<Path> files = new ArrayList<>();
        Map<String, Path> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, Optional<Path>> e : local.fetchAll(keys).entrySet()) {
            e.getValue().ifPresent(files::add); // a shard compacted meanwhile: its points are in a file we have or not;
            // curves are indicative
            e.getValue().ifPresent(p -> byKey.put(e.getKey(), p));
        }
        if (files.isEmpty()) return out;
        duck.requireSupportedFormat(byKey);
        StringBuilder in = new StringBuilder();
        for (String id : runIds) in.append(in.length() == 0 ? "" : ", ").append(Duck.lit(id));
        int n = Math.max(2, options.curvePoints());
        String sql = "WITH s AS (SELECT run_id, step, avg(value) AS v FROM (" + Duck.points(files) + ") WHERE key = "
                + Duck.lit(metric)
                + " AND run_id IN (" + in + ") AND isfinite(value) GROUP BY run_id, step), "
                + "r AS (SELECT *, row_number() OVER (PARTITION BY run_id ORDER BY step) AS rn, count(*) OVER (PARTITION BY run_id) AS n FROM s) "
                + "SELECT run_id, step, v FROM r WHERE (rn - 1) % greatest(1, ceil(n / " + n
                + ".0))::BIGINT = 0 OR rn = n ORDER BY run_id, step";
        for (Object[] r : duck.query(sql)) {
            out.computeIfAbsent((String) r[0], k -> new ArrayList<>())
                    .add(new double[] {((Number) r[1]).doubleValue(), ((Number) r[2]).doubleValue()});
        }
        return out;
    }
}
