package io.runlake.functions.core;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.runs.MetricSummaries;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an experiment's leaderboard: the top-k runs of the current runs index by a metric's final value,
 * as {@code reports/experiment=<esc>/<report version>/leaderboard.{html,md,json}} (put-if-absent, never
 * overwritten; JSON written last, so a version with a JSON is complete; the latest report is the greatest
 * such version).
 *
 * <p>Metric choice when none is configured: among the metric keys logged by the most runs (internal
 * {@code runlake/} keys excluded), prefer one whose name contains "loss", then "acc", else the first by
 * name. Direction when none is configured: {@code max} for names that look like scores (accuracy, auc, f1,
 * precision, recall, score, reward, iou, bleu, map), {@code min} otherwise.
 */
public final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);
    private static final Pattern HIGHER_IS_BETTER = Pattern.compile(
            "(?i).*(acc|auc|f1|precision|recall|score|reward|iou|bleu|map|ndcg|top[-_]?\\d).*");

    private final ObjectStore store;
    private final ReporterOptions options;

    public Reporter(ObjectStore store, ReporterOptions options) {
        this.store = store;
        this.options = options;
    }

    /** {@code written=false}: no index yet, no metric to rank by, or the latest report is already current. */
    public record Result(String experiment, boolean written, String reason, String reportVersion, String htmlKey, String mdKey,
                         String jsonKey, Leaderboard leaderboard) {}

    public Result report(String experiment) {
        Maintenance.checkStore(store);
        LakeView view = LakeView.load(store, experiment);
        LakeSnapshot snap = view.snapshot();
        if (snap.indexFile() == null) return skipped(experiment, "no runs index yet");
        try (LocalFiles local = new LocalFiles(store, options.workDir(), options.ioThreads());
             Duck duck = Duck.open(local.newDir("spill"), options.memoryLimit(), options.threads())) {
            Path index = local.fetch(snap.indexFile()).orElseThrow(() -> new MaintenanceException(
                    "runs index " + snap.indexFile() + " named by the lake log of '" + experiment + "' is missing"));
            duck.requireSupportedFormat(Map.of(snap.indexFile(), index));
            String idx = Duck.readParquet(List.of(index));
            long runsTotal = ((Number) duck.query("SELECT count(*) FROM " + idx).get(0)[0]).longValue();
            String metric = options.metric() != null ? options.metric() : chooseMetric(duck, idx);
            if (metric == null) return skipped(experiment, "no metric logged yet");
            String direction = options.direction() != null ? options.direction()
                    : HIGHER_IS_BETTER.matcher(metric).matches() ? "max" : "min";
            if (!options.force() && latestIsCurrent(experiment, snap.indexVersion(), metric, direction)) {
                return skipped(experiment, "latest report already reflects index version " + snap.indexVersion());
            }
            String ranked = "SELECT run_id, name, status, strftime(start_time, '%Y-%m-%dT%H:%M:%SZ') AS start_time, \"user\", "
                    + "params, m.last_value AS value, m.last_step AS step, m.point_count AS points "
                    + "FROM (SELECT *, list_filter(metrics, lambda x: x.key = " + Duck.lit(metric) + ")[1] AS m FROM " + idx + ") "
                    + "WHERE m IS NOT NULL AND NOT isnan(m.last_value)";
            long runsRanked = ((Number) duck.query("SELECT count(*) FROM (" + ranked + ")").get(0)[0]).longValue();
            List<Object[]> top = duck.query(ranked + " ORDER BY value " + ("max".equals(direction) ? "DESC" : "ASC")
                    + ", run_id LIMIT " + options.topK());
            List<String> leaderIds = top.stream().map(r -> (String) r[0]).toList();
            Map<String, List<double[]>> curves = curves(view, local, duck, metric, leaderIds);
            List<Leaderboard.Leader> leaders = new ArrayList<>();
            int rank = 1;
            for (Object[] r : top) {
                leaders.add(new Leaderboard.Leader(rank++, (String) r[0], (String) r[1], (String) r[2],
                        ((Number) r[6]).doubleValue(), ((Number) r[7]).longValue(), ((Number) r[8]).longValue(), (String) r[3],
                        (String) r[4], stringMap(r[5]), curves.getOrDefault((String) r[0], List.of())));
            }
            Instant now = options.clock().instant();
            String version = LakeLayout.reportVersion(now, snap.version(), RunIds.newId().substring(20));
            Leaderboard board = new Leaderboard(FormatVersion.CURRENT, experiment, version, now.toString(), metric, direction,
                    options.topK(), snap.version(), snap.indexVersion(), snap.indexFile(), (int) runsRanked, (int) runsTotal, leaders);
            String html = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_HTML);
            String md = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_MD);
            String json = LakeLayout.report(experiment, version, LakeLayout.LEADERBOARD_JSON);
            // media types so the pages open in a browser straight from the bucket
            store.putIfAbsentIdempotent(html, LeaderboardPages.html(board).getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
            store.putIfAbsentIdempotent(md, LeaderboardPages.markdown(board).getBytes(StandardCharsets.UTF_8), "text/markdown; charset=utf-8");
            store.putIfAbsentIdempotent(json, Json.write(board), "application/json"); // last: marks the report complete
            LOG.info("experiment '{}': leaderboard {} by {} ({}) with {} runs", experiment, version, metric, direction, leaders.size());
            return new Result(experiment, true, null, version, html, md, json, board);
        } catch (SQLException e) {
            throw new MaintenanceException("building the leaderboard of experiment '" + experiment + "' failed: "
                    + Quarantine.firstLine(e.getMessage()), e);
        }
    }

    private static Result skipped(String experiment, String reason) {
        return new Result(experiment, false, reason, null, null, null, null, null);
    }

    private static String chooseMetric(Duck duck, String idx) throws SQLException {
        List<Object[]> rows = duck.query("SELECT m.key, count(DISTINCT run_id) AS runs FROM (SELECT run_id, unnest(metrics) AS m FROM "
                + idx + ") WHERE " + MetricSummaries.isUserMetric("m.key")
                + " GROUP BY m.key ORDER BY runs DESC, m.key");
        if (rows.isEmpty()) return null;
        long most = ((Number) rows.get(0)[1]).longValue();
        List<String> keys = rows.stream().filter(r -> ((Number) r[1]).longValue() == most).map(r -> (String) r[0]).toList();
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
            if (latest == null || k.get().version().compareTo(latest) > 0) latest = k.get().version();
        }
        return Optional.ofNullable(latest);
    }

    private boolean latestIsCurrent(String experiment, long indexVersion, String metric, String direction) {
        Optional<String> latest = latestReportVersion(store, experiment);
        if (latest.isEmpty()) return false;
        String key = LakeLayout.report(experiment, latest.get(), LakeLayout.LEADERBOARD_JSON);
        try {
            Leaderboard b = FormatVersion.readJson(store.get(key).orElseThrow(), Leaderboard.class, key);
            return b.indexVersion() == indexVersion && metric.equals(b.metric()) && direction.equals(b.direction())
                    && b.topK() == options.topK();
        } catch (RuntimeException e) {
            return false; // unreadable or from a newer format (derived output, never misread): write a fresh one
        }
    }

    /** Thinned curves of the leaders, read through the exactly-once view, skipping lake files whose run range excludes them. */
    private Map<String, List<double[]>> curves(LakeView view, LocalFiles local, Duck duck, String metric, List<String> runIds)
            throws SQLException {
        Map<String, List<double[]>> out = new TreeMap<>();
        if (runIds.isEmpty()) return out;
        List<String> keys = new ArrayList<>();
        for (DataFile f : view.liveFiles()) {
            boolean mayHold = runIds.stream().anyMatch(id -> (f.minRunId() == null || id.compareTo(f.minRunId()) >= 0)
                    && (f.maxRunId() == null || id.compareTo(f.maxRunId()) <= 0));
            if (mayHold) keys.add(f.path());
        }
        for (ObjectInfo o : view.uncoveredShards()) {
            if (Layout.parseRunObject(o.key()).filter(ro -> runIds.contains(ro.runId())).isPresent()) keys.add(o.key());
        }
        List<Path> files = new ArrayList<>();
        Map<String, Path> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, Optional<Path>> e : local.fetchAll(keys).entrySet()) {
            e.getValue().ifPresent(files::add); // a shard compacted meanwhile: its points are in a file we have or not; curves are indicative
            e.getValue().ifPresent(p -> byKey.put(e.getKey(), p));
        }
        if (files.isEmpty()) return out;
        duck.requireSupportedFormat(byKey);
        StringBuilder in = new StringBuilder();
        for (String id : runIds) in.append(in.length() == 0 ? "" : ", ").append(Duck.lit(id));
        int n = Math.max(2, options.curvePoints());
        String sql = "WITH s AS (SELECT run_id, step, avg(value) AS v FROM (" + Duck.points(files) + ") WHERE key = " + Duck.lit(metric)
                + " AND run_id IN (" + in + ") AND isfinite(value) GROUP BY run_id, step), "
                + "r AS (SELECT *, row_number() OVER (PARTITION BY run_id ORDER BY step) AS rn, count(*) OVER (PARTITION BY run_id) AS n FROM s) "
                + "SELECT run_id, step, v FROM r WHERE (rn - 1) % greatest(1, ceil(n / " + n + ".0))::BIGINT = 0 OR rn = n ORDER BY run_id, step";
        for (Object[] r : duck.query(sql)) {
            out.computeIfAbsent((String) r[0], k -> new ArrayList<>())
                    .add(new double[] {((Number) r[1]).doubleValue(), ((Number) r[2]).doubleValue()});
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return out;
    }
}
