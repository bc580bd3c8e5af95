package io.runlake.query;

import io.runlake.format.MetricSchema;
import io.runlake.lake.HistorySummary;
import io.runlake.runs.MetricSummaries;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    /** Whether downsampled histories may come from history summaries; false reads every point (tests compare). */
    private final boolean useSummaries;

    RunHistory(LakeSession session, RunQueries runs) {
        this(session, runs, true);
    }

    RunHistory(LakeSession session, RunQueries runs, boolean useSummaries) {
        this.session = session;
        this.runs = runs;
        this.useSummaries = useSummaries;
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
        if (maxPoints <= 0) return all(id, key);
        if (useSummaries) {
            try {
                Optional<Optional<History>> summarised = fromSummaries(id, key, maxPoints);
                if (summarised.isPresent()) return summarised.get();
            } catch (QueryException e) {
                // the files changed under the two queries (a compaction's vacuum): the scan below copes with that
            }
        }
        Range r = session.readRows(
                over(
                        id,
                        "SELECT count(*), min(step), max(step), epoch_ms(min(timestamp)), epoch_ms(max(timestamp)) FROM "
                                + SRC + " WHERE key = ?"),
                Range::read,
                key);
        if (r.n() == 0) return Optional.empty();
        if (r.n() <= maxPoints) return all(id, key);
        long width = HistorySummary.widthFor(r.loStep(), r.hiStep(), buckets(maxPoints));
        String bucket = "CAST(floor(step / " + width + ".0) AS BIGINT)";
        OptionalLong span = r.timeSpan();
        String sql = span.isPresent() ? packedBuckets(r, span.getAsLong(), bucket) : structBuckets(bucket);
        List<History.Point> points = session.readRows(over(id, sql), rs -> points(rs, null), key);
        return Optional.of(new History(id, key, r.n(), points));
    }

    /** Buckets of a downsampled picture of at most {@code maxPoints}: each keeps up to four points. */
    private static long buckets(int maxPoints) {
        return Math.max(1, maxPoints / 4);
    }

    /**
     * The downsampled history from the history summaries in the footers of the lake files that hold the run
     * (FORMAT.md §12.4.1), plus the points of its files without one (its uncovered shards, lake files where the metric
     * has few points): the same picture as the scan, without reading the summarised points. Empty when no file has a
     * summary of the metric, or when the picture asked for is finer than a summary's buckets.
     */
    private Optional<Optional<History>> fromSummaries(String id, String key, int maxPoints) {
        List<Path> lake = lakeFilesOf(id);
        if (lake.isEmpty() || key.startsWith(MetricSchema.RESERVED_KEY_PREFIX)) return Optional.empty();
        Map<String, HistorySummary> summaries = new LinkedHashMap<>(); // by file name as DuckDB was given it
        session.readRows(
                () -> "SELECT file_name, decode(value) FROM parquet_kv_metadata(" + Views.list(lakeFilesOf(id))
                        + ") WHERE decode(key) = ?",
                rs -> {
                    while (rs.next()) {
                        try {
                            summaries.put(rs.getString(1), HistorySummary.decode(rs.getString(2)));
                        } catch (IllegalArgumentException e) {
                            // a damaged summary: that file is read point by point
                        }
                    }
                    return null;
                },
                HistorySummary.footerKey(id, key));
        if (summaries.isEmpty()) return Optional.empty();
        List<Path> rest = new ArrayList<>();
        for (Path p : lake) if (!summaries.containsKey(p.toString())) rest.add(p);
        String columns = "step, epoch_ms(timestamp) AS t, value";
        List<String> parts = new ArrayList<>();
        if (!rest.isEmpty()) {
            parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(rest)) + " WHERE run_id = "
                    + Views.lit(id) + " AND key = ?");
        }
        List<Path> shards = shardsOf(id);
        if (!shards.isEmpty()) {
            parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(shards)) + " WHERE key = ?");
        }
        List<HistorySummary.Sample> points = parts.isEmpty()
                ? List.of()
                : session.readRows(
                        () -> String.join(" UNION ALL ", parts),
                        rs -> {
                            List<HistorySummary.Sample> out = new ArrayList<>();
                            while (rs.next()) {
                                out.add(new HistorySummary.Sample(rs.getLong(1), rs.getLong(2), rs.getDouble(3)));
                            }
                            return out;
                        },
                        parts.size() == 2 ? new Object[] {key, key} : new Object[] {key});
        long n = points.size();
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (HistorySummary s : summaries.values()) {
            n += s.count();
            lo = Math.min(lo, s.loStep());
            hi = Math.max(hi, s.hiStep());
        }
        for (HistorySummary.Sample p : points) {
            lo = Math.min(lo, p.step());
            hi = Math.max(hi, p.step());
        }
        long width = HistorySummary.widthFor(lo, hi, buckets(maxPoints));
        if (n <= maxPoints) return Optional.empty(); // every point: the scan below
        for (HistorySummary s : summaries.values()) {
            if (!HistorySummary.nests(s.shift(), width)) return Optional.empty(); // finer than stored: scan
        }
        List<History.Point> picture = new ArrayList<>();
        for (HistorySummary.Sample p : HistorySummary.merge(summaries.values(), points, width)) {
            picture.add(new History.Point(p.step(), p.timeMs(), p.value()));
        }
        return Optional.of(Optional.of(new History(id, key, n, picture)));
    }

    /** The metric's count, step range and time range (ms), in one scan of the step and timestamp columns. */
    private record Range(long n, long loStep, long hiStep, long loTime, long hiTime) {
        static Range read(ResultSet rs) throws SQLException {
            rs.next();
            long n = rs.getLong(1);
            return n == 0
                    ? new Range(0, 0, 0, 0, 0)
                    : new Range(n, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }

        /**
         * The number of distinct times, when (step, time) fits one BIGINT as {@code (step - loStep) * span + (time -
         * loTime)} for every step and time in range, which orders as (step, time) does.
         */
        OptionalLong timeSpan() {
            try {
                long span = Math.addExact(Math.subtractExact(hiTime, loTime), 1);
                long steps = Math.addExact(Math.subtractExact(hiStep, loStep), 1);
                Math.multiplyExact(steps, span);
                return OptionalLong.of(span);
            } catch (ArithmeticException e) {
                return OptionalLong.empty();
            }
        }
    }

    /**
     * Each bucket's first and last point by (step, time) and the points of its least and greatest value, in one
     * pass of plain aggregates over primitives: (step, time) packed into one BIGINT {@code k} whose order is theirs.
     * Ties (points with the same k, or the same value) go to the first point read, as in {@link #structBuckets},
     * and {@code min(value)} with {@code arg_min(k, value)} keep the same point (both keep the first of equals).
     */
    private static String packedBuckets(Range r, long span, String bucket) {
        String step = "(" + r.loStep() + " + k // " + span + ")";
        String time = "(" + r.loTime() + " + k % " + span + ")";
        return "WITH p AS (SELECT value, (step - " + r.loStep() + ") * " + span + " + (epoch_ms(timestamp) - "
                + r.loTime() + ") AS k, " + bucket + " AS b FROM " + SRC + " WHERE key = ?), "
                + "agg AS (SELECT min(k) AS fk, arg_min(value, k) AS fv, max(k) AS lk, arg_max(value, k) AS lv, "
                + "arg_min(k, value) AS nk, min(value) AS nv, arg_max(k, value) AS xk, max(value) AS xv FROM p GROUP BY b), "
                + "x AS (SELECT unnest([fk, lk, nk, xk]) AS k, unnest([fv, lv, nv, xv]) AS value FROM agg) "
                + "SELECT DISTINCT " + step + " AS step, " + time + " AS t, value FROM x ORDER BY 1, 2";
    }

    /** As {@link #packedBuckets} for the ranges whose (step, time) does not fit one BIGINT: structs, slower. */
    private static String structBuckets(String bucket) {
        return "WITH p AS (SELECT step, epoch_ms(timestamp) AS t, value, " + bucket + " AS b FROM " + SRC
                + " WHERE key = ?), "
                + "agg AS (SELECT arg_min({'step': step, 't': t, 'value': value}, (step, t)) AS f, "
                + "arg_max({'step': step, 't': t, 'value': value}, (step, t)) AS l, "
                + "arg_min({'step': step, 't': t, 'value': value}, value) AS mn, "
                + "arg_max({'step': step, 't': t, 'value': value}, value) AS mx FROM p GROUP BY b) "
                + "SELECT DISTINCT x.step, x.t, x.value FROM (SELECT unnest([f, l, mn, mx]) AS x FROM agg) ORDER BY 1, 2";
    }

    /**
     * Every point of the metric in (step, time, worker) order. Read in scan order first: a compacted lake file holds
     * a run's points sorted by step (FORMAT.md §12.4), so DuckDB's sort is needed only where the scan order is not
     * already the history's (uncompacted shards, several workers at one step); then the points are read sorted.
     */
    private Optional<History> all(String id, String key) {
        String sql = "SELECT step, epoch_ms(timestamp) AS t, value, worker FROM " + SRC + " WHERE key = ?";
        boolean[] sorted = {true};
        List<History.Point> points = session.readRows(over(id, sql), rs -> points(rs, sorted), key);
        if (points.isEmpty()) return Optional.empty();
        if (!sorted[0]) {
            points = session.readRows(over(id, sql + " ORDER BY step, timestamp, worker"), rs -> points(rs, null), key);
        }
        return Optional.of(new History(id, key, points.size(), points));
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
        List<Path> lake = lakeFilesOf(id);
        List<Path> shards = shardsOf(id);
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

    /** The live lake files whose run-id range (from the commit) can hold the run. */
    private List<Path> lakeFilesOf(String id) {
        List<Path> lake = new ArrayList<>();
        for (Map.Entry<Path, String[]> e : session.catalog().lakeRanges.entrySet()) {
            String lo = e.getValue()[0];
            String hi = e.getValue()[1];
            if (lo == null || hi == null || (lo.compareTo(id) <= 0 && hi.compareTo(id) >= 0)) lake.add(e.getKey());
        }
        return lake;
    }

    /** The run's shards that no lake file covers. */
    private List<Path> shardsOf(String id) {
        Catalog catalog = session.catalog();
        return catalog.files.shards().stream()
                .filter(p -> id.equals(catalog.shardRuns.get(p)))
                .toList();
    }

    /**
     * The rows (step, t, value[, worker]) as points, read with typed getters (no boxed cell). With {@code sorted},
     * also records whether they came in (step, t, worker) order.
     */
    private static List<History.Point> points(ResultSet rs, boolean[] sorted) throws SQLException {
        List<History.Point> out = new ArrayList<>();
        long prevStep = Long.MIN_VALUE;
        long prevTime = Long.MIN_VALUE;
        int prevWorker = Integer.MIN_VALUE;
        while (rs.next()) {
            long step = rs.getLong(1);
            long time = rs.getLong(2);
            out.add(new History.Point(step, time, rs.getDouble(3)));
            if (sorted != null && sorted[0]) {
                int worker = rs.getInt(4);
                int c = step != prevStep
                        ? Long.compare(step, prevStep)
                        : time != prevTime ? Long.compare(time, prevTime) : Integer.compare(worker, prevWorker);
                if (c < 0) sorted[0] = false;
                prevStep = step;
                prevTime = time;
                prevWorker = worker;
            }
        }
        return out;
    }
}
