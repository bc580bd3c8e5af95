package io.runlake.query;

import io.runlake.format.MetricSchema;
import io.runlake.runs.MetricSummaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One run's metric curve, read from only the files that can hold the run (not the whole {@code metrics} view) and
 * downsampled in DuckDB.
 */
final class RunHistory {
    /** Stands for {@link #runMetrics} in the history queries. */
    private static final String SRC = "$run_points";
    /** The columns of {@link #runMetrics}, in their order. */
    private static final List<String> RUN_METRIC_COLUMNS = List.of(
            MetricSchema.KEY, MetricSchema.STEP, MetricSchema.TIMESTAMP, MetricSchema.VALUE, MetricSchema.WORKER);

    private final LakeSession session;
    private final RunQueries runs;

    RunHistory(LakeSession session, RunQueries runs) {
        this.session = session;
        this.runs = runs;
    }

    /** A metric's points, downsampled to at most {@code maxPoints} keeping each bucket's first, last, min and max. */
    History history(String run, String key, int maxPoints) {
        String id = runs.resolveRun(run);
        return read(id, key, maxPoints).orElseThrow(() -> {
            List<String> keys = RunQueries.firstColumn(
                    session.queryAsIs(over(id, "SELECT DISTINCT key FROM " + SRC + " ORDER BY 1 LIMIT 20")));
            return new QueryException("run " + id + " has no metric '" + key + "'"
                    + (keys.isEmpty() ? " (it has no metrics)" : " (metrics: " + String.join(", ", keys) + ")"));
        });
    }

    /** As {@link #history}, empty where the run has not logged the metric. */
    Optional<History> logged(String run, String key, int maxPoints) {
        return read(runs.resolveRun(run), key, maxPoints);
    }

    private Optional<History> read(String id, String key, int maxPoints) {
        Function<String, Supplier<String>> over = sql -> over(id, sql);
        Table count = session.queryAsIs(
                over.apply("SELECT count(*), min(step), max(step) FROM " + SRC + " WHERE key = ?"), key);
        long n = ((Number) count.rows().get(0).get(0)).longValue();
        if (n == 0) return Optional.empty();
        String sql;
        if (maxPoints <= 0 || n <= maxPoints) {
            sql = "SELECT step, epoch_ms(timestamp) AS t, value FROM " + SRC
                    + " WHERE key = ? ORDER BY step, timestamp, worker";
            return Optional.of(new History(id, key, n, points(session.queryAsIs(over.apply(sql), key))));
        }
        long lo = ((Number) count.rows().get(0).get(1)).longValue();
        long hi = ((Number) count.rows().get(0).get(2)).longValue();
        long buckets = Math.max(1, maxPoints / 4);
        double width = Math.max(1.0, (hi - lo + 1) / (double) buckets);
        sql = "WITH p AS (SELECT step, epoch_ms(timestamp) AS t, value, "
                + "CAST(floor((step - " + lo + ") / " + width + ") AS BIGINT) AS b "
                + "FROM " + SRC + " WHERE key = ?), "
                + "agg AS (SELECT arg_min({'step': step, 't': t, 'value': value}, (step, t)) AS f, "
                + "arg_max({'step': step, 't': t, 'value': value}, (step, t)) AS l, "
                + "arg_min({'step': step, 't': t, 'value': value}, value) AS mn, "
                + "arg_max({'step': step, 't': t, 'value': value}, value) AS mx FROM p GROUP BY b) "
                + "SELECT DISTINCT x.step, x.t, x.value FROM (SELECT unnest([f, l, mn, mx]) AS x FROM agg) ORDER BY 1, 2";
        return Optional.of(new History(id, key, n, points(session.queryAsIs(over.apply(sql), key))));
    }

    /** A query over the run's points; the run's files are named in the SQL, built again if a reload changed them. */
    private Supplier<String> over(String id, String sql) {
        return () -> sql.replace(SRC, runMetrics(id));
    }

    /**
     * SQL for the points of one run, reading only the live lake files whose run-id range (from the commit) can
     * hold it and the run's own uncovered shards; same rows as {@code metrics WHERE run_id = id}.
     */
    private String runMetrics(String id) {
        Catalog catalog = session.catalog();
        List<Path> lake = new ArrayList<>();
        for (Map.Entry<Path, String[]> e : catalog.lakeRanges.entrySet()) {
            String lo = e.getValue()[0];
            String hi = e.getValue()[1];
            if (lo == null || hi == null || (lo.compareTo(id) <= 0 && hi.compareTo(id) >= 0)) lake.add(e.getKey());
        }
        List<Path> shards = catalog.files.shards().stream()
                .filter(p -> id.equals(catalog.shardRuns.get(p)))
                .toList();
        String columns = MetricSchema.castProjection(RUN_METRIC_COLUMNS);
        List<String> parts = new ArrayList<>();
        if (!lake.isEmpty()) {
            parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(lake)) + " WHERE run_id = "
                    + Views.lit(id));
        }
        if (!shards.isEmpty()) parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(shards)));
        if (parts.isEmpty()) return "(SELECT " + MetricSchema.nullRow(RUN_METRIC_COLUMNS) + " WHERE false)";
        return "(SELECT * FROM (" + String.join(" UNION ALL ", parts) + ") WHERE " + MetricSummaries.isUserMetric("key")
                + ")";
    }

    private static List<History.Point> points(Table t) {
        List<History.Point> out = new ArrayList<>(t.size());
        for (List<Object> r : t.rows()) {
            out.add(new History.Point(
                    ((Number) r.get(0)).longValue(),
                    ((Number) r.get(1)).longValue(),
                    ((Number) r.get(2)).doubleValue()));
        }
        return out;
    }
}
