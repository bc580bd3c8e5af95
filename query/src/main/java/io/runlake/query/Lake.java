package io.runlake.query;

import io.runlake.report.Direction;
import io.runlake.report.Leaderboard;
import io.runlake.report.RankingRule;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * An in-process DuckDB session over a RunLake store, with views {@code experiments}, {@code runs},
 * {@code metrics}, {@code metric_summary}, {@code params}, {@code tags}, {@code artifacts}, {@code inputs}
 * and {@code points} (metrics including RunLake's own {@code runlake/} keys).
 *
 * <p>A {@code file:} store is read in place. An {@code s3://} store is mirrored into a local cache folder,
 * refreshed on open with one LIST of {@code runs/} and one of {@code lake/} plus a GET per new or changed
 * object ({@link Mirror}). DuckDB's httpfs is never needed. Every metric point is seen exactly once: live
 * compacted files plus the raw shards the commit log does not cover ({@link io.runlake.lake.LakeView}).
 * Corrupt or half-written objects are skipped and listed in {@link #problems()}.
 *
 * <p>This class is the entry point only: {@link LakeSession} opens the store and runs SQL, {@link RunQueries},
 * {@link RunHistory}, {@link LineageQueries}, {@link Leaderboards} and {@link Exports} answer the questions.
 */
public final class Lake implements AutoCloseable {
    private final LakeSession session;
    private final RunQueries runs;
    private final RunHistory history;
    private final LineageQueries lineage;
    private final Exports exports;

    private Lake(LakeSession session) {
        this.session = session;
        this.runs = new RunQueries(session);
        this.history = new RunHistory(session, runs);
        this.lineage = new LineageQueries(session, runs);
        this.exports = new Exports(session);
    }

    /** {@link #history} reading every point, never a history summary: what the summaries must agree with (tests). */
    History historyFromEveryPoint(String run, String key, int maxPoints) {
        return new RunHistory(session, runs, false).history(run, key, maxPoints);
    }

    /**
     * Starts DuckDB (loading its native library) on a background thread, so that a process that will open a lake
     * soon (a one-shot command) does its other start-up work meanwhile; the next {@link #open} uses it.
     */
    public static void preload() {
        LakeSession.preconnect();
    }

    public static Lake open(String uri) {
        return open(StoreUris.parse(uri), LakeOptions.defaults());
    }

    public static Lake open(URI uri) {
        return open(uri, LakeOptions.defaults());
    }

    public static Lake open(URI uri, LakeOptions options) {
        return open(uri, options, Mirror.Progress.NONE);
    }

    public static Lake open(URI uri, LakeOptions options, Mirror.Progress progress) {
        return open(uri, options, progress, phase -> {});
    }

    /** As {@link #open(URI, LakeOptions, Mirror.Progress)}, handing each phase of opening to {@code hook} (tests). */
    static Lake open(URI uri, LakeOptions options, Mirror.Progress progress, Consumer<String> hook) {
        return new Lake(LakeSession.open(uri, options, progress, hook));
    }

    /**
     * The plain DuckDB SQL (CREATE VIEW statements) that defines the views over a local folder laid out like
     * the store (a {@code file:} store or a folder made by {@code runlake sync}). Run it in any DuckDB.
     */
    public static String viewDefinitions(Path localFolder) {
        return viewDefinitions(localFolder, LakeOptions.defaults());
    }

    public static String viewDefinitions(Path localFolder, LakeOptions options) {
        return ViewScript.of(localFolder, options);
    }

    /** Mirrors the store into {@code folder} (incrementally) so plain DuckDB can read it; artifacts optional. */
    public static Mirror.Result sync(URI uri, Path folder, boolean artifacts, Mirror.Progress progress) {
        return Mirror.copyStore(uri, folder, artifacts, progress);
    }

    public URI uri() {
        return session.uri();
    }

    LakeOptions options() {
        return session.options();
    }

    /** The local folder the views read. */
    public Path localRoot() {
        return session.root();
    }

    /** What the last refresh did (null for a {@code file:} store). */
    public Mirror.Result syncResult() {
        return session.syncResult();
    }

    /** Objects skipped because they are corrupt, half-written or too new, each naming the object and the problem. */
    public List<String> problems() {
        return session.catalog().problems;
    }

    /** How often this session listed the store and read the log again because a file it read had vanished. */
    int reloads() {
        return session.reloads();
    }

    /** The underlying JDBC connection (for advanced use; do not close it). */
    public Connection connection() {
        return session.connection();
    }

    // ---- SQL ---------------------------------------------------------------------------------------

    /** Runs any SQL over the views; {@link #cancel()} from another thread stops it. */
    public Table sql(String sql) {
        return session.sql(sql);
    }

    /** Cancels the statement {@link #sql(String)} is running, if any (an interactive shell's Ctrl-C). */
    public void cancel() {
        session.cancel();
    }

    Table query(String sql, Object... args) {
        return session.query(sql, args);
    }

    /** Writes a query's result as Parquet (DuckDB COPY). */
    public void exportParquet(String sql, Path target) {
        exports.parquet(sql, target);
    }

    /** Writes a query's result as CSV with a header (DuckDB COPY). */
    public void exportCsv(String sql, Path target) {
        exports.csv(sql, target);
    }

    /** Writes a query's result as newline-delimited JSON (DuckDB COPY). */
    public void exportJson(String sql, Path target) {
        exports.json(sql, target);
    }

    /**
     * A query's result as Arrow record batches. The reader owns the statement: close the reader (before the
     * allocator). Needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on JDK 17.
     */
    public ArrowReader arrow(String sql, BufferAllocator allocator, long batchSize) {
        return exports.arrow(sql, allocator, batchSize);
    }

    // ---- runs --------------------------------------------------------------------------------------

    public List<String> experiments() {
        return runs.experiments();
    }

    public Table experimentsTable() {
        return runs.experimentsTable();
    }

    void requireExperiment(String experiment) {
        runs.requireExperiment(experiment);
    }

    void requireMetric(String experiment, String metric) {
        runs.requireMetric(experiment, metric);
    }

    /** The run with this id or unique id prefix (at least 6 characters) or exact name; errors name what was wrong. */
    public String resolveRun(String idOrName) {
        return runs.resolveRun(idOrName);
    }

    /**
     * How each of {@code ids} is shown to a person (FORMAT.md §13.5): the shortest prefix of at least 8 characters
     * that no other run id of the store starts with; {@link #resolveRun} accepts it back.
     */
    public Map<String, String> showRunIds(Collection<String> ids) {
        return runs.showRunIds(ids);
    }

    /**
     * {@code table} as shown to a person (FORMAT.md §13.5): each run id of the store and each SHA-256 of its
     * artifacts and inputs — in a cell, a map's values or a column name — as its shortest unique prefix, which
     * every command accepts back. For text tables; CSV and JSON keep the full ids for programs.
     */
    public Table showIds(Table table) {
        return runs.showIds(table);
    }

    /** Runs, optionally of one experiment and matching a filter ({@code params.lr < 0.01 and status = 'FINISHED'}). */
    public Table runs(String experiment, String filter, int limit) {
        return runs(experiment, filter, limit, false);
    }

    /** {@link #runs(String, String, int)}, with archived runs too when {@code withArchived} (FORMAT.md §8.4). */
    public Table runs(String experiment, String filter, int limit, boolean withArchived) {
        return runs.runs(experiment, filter, limit, withArchived);
    }

    /** How many runs of the experiment (null: every one) that pass the filter are archived: hidden by default. */
    public long archivedRuns(String experiment, String filter) {
        return runs.archived(experiment, filter);
    }

    /**
     * As {@link #runs(String, String, int)} with the named columns of the runs view (e.g. {@code parent_run_id},
     * {@code error}), for a runs table that shows more than the CLI.
     */
    public Table runs(String experiment, String filter, int limit, List<String> columns) {
        return runs.runs(experiment, filter, limit, false, columns);
    }

    /** The run's row of the runs view, every column ({@code run}: an id, unique prefix or name). */
    public Table run(String run) {
        return runs.runRow(runs.resolveRun(run));
    }

    /** The run's metric summaries: key, last_value, min_value, max_value, last_step, points. */
    public Table runMetrics(String run) {
        return runs.runMetrics(runs.resolveRun(run));
    }

    /**
     * A sweep by name (FORMAT.md §9.5): its attempts (parent runs) and trials. {@code experiment} may be null when
     * only one experiment has a sweep of that name.
     *
     * @throws QueryException when there is no such sweep, or several experiments have one of that name
     */
    public SweepView sweep(String name, String experiment) {
        return SweepQueries.sweep(this, name, experiment);
    }

    /** The last value of each metric of each run of an experiment (null: all): run_id, key, last_value. */
    public Table lastValues(String experiment) {
        if (experiment != null) runs.requireExperiment(experiment);
        return runs.lastValues(experiment);
    }

    /** The run's artifacts: name, sha256, size, uri (a store key unless reference), reference, time. */
    public Table runArtifacts(String run) {
        return runs.runArtifacts(runs.resolveRun(run));
    }

    /** The run's inputs: name, role, uri, checksum, size, time. */
    public Table runInputs(String run) {
        return runs.runInputs(runs.resolveRun(run));
    }

    /** A runs filter as SQL (alias {@code r.}), after checking that each param, tag and metric it names exists. */
    String filterSql(String experiment, String filter) {
        return runs.filterSql(experiment, filter);
    }

    /** A filter the database refused; a bare param, tag or metric name ({@code lr < 0.2}) gets a hint. */
    QueryException badFilter(String experiment, String filter, QueryException e) {
        return runs.badFilter(experiment, filter, e);
    }

    /** One run: its row of {@code runs} plus metrics summary, artifacts and inputs, as field/value rows. */
    public Table show(String run) {
        return runs.show(run);
    }

    // ---- leaderboard, compare, history ---------------------------------------------------------------

    /**
     * The leaderboard of an experiment under {@code rule} (FORMAT.md §12.8), over the runs that pass
     * {@code filter} (the runs filter syntax; null: all), without curves.
     */
    public Leaderboard leaderboard(String experiment, RankingRule rule, String filter) {
        return leaderboard(experiment, rule, filter, false);
    }

    /** {@link #leaderboard(String, RankingRule, String)}, ranking archived runs too when {@code withArchived}. */
    public Leaderboard leaderboard(String experiment, RankingRule rule, String filter, boolean withArchived) {
        return Leaderboards.rank(this, experiment, rule, filter, withArchived);
    }

    /**
     * The k best runs by the metric's final value as a table (rank, run_id, name, status, value, best, step,
     * params); a null direction is inferred from the metric name.
     */
    public Table leaderboard(String experiment, String metric, Direction direction, int k, String filter) {
        return Leaderboards.table(
                leaderboard(experiment, RankingRule.of(metric, direction).withTopK(k), filter));
    }

    /**
     * Runs side by side: one column per run; rows name, status, the params whose values differ (all params when
     * {@code allParams}), then per metric its last, min and max value. Empty {@code metrics}: every metric.
     */
    public Table compare(List<String> runs, List<String> metrics) {
        return compare(runs, metrics, false);
    }

    public Table compare(List<String> runs, List<String> metrics, boolean allParams) {
        return this.runs.compare(runs, metrics, allParams);
    }

    /** A metric's points, downsampled to at most {@code maxPoints} keeping each bucket's first, last, min and max. */
    public History history(String run, String key, int maxPoints) {
        return history.history(run, key, maxPoints);
    }

    /** As {@link #history}, empty where the run has not logged the metric (a plot of several runs skips it). */
    public Optional<History> historyIfLogged(String run, String key, int maxPoints) {
        return history.logged(run, key, maxPoints);
    }

    /**
     * Where something came from. {@code target} is a run id (or name), a SHA-256, or a local file (hashed):
     * for an artifact, the runs that produced it with their code version, data inputs, params, environment and
     * parent; for a data set checksum, every run that used it as an input.
     */
    public Lineage lineage(String target) {
        return lineage.lineage(target);
    }

    /** The pool this lake goes back to when closed (null: closing closes it). */
    private LakePool pool;

    /** For {@link LakePool}: closing gives this lake back to {@code pool} instead of closing it. */
    Lake pooledIn(LakePool pool) {
        this.pool = pool;
        return this;
    }

    /** For {@link LakePool}: lists the store and reads the log again; the views are rebuilt only where they changed. */
    void refresh(Mirror.Progress progress) {
        session.refresh(progress);
    }

    /** How often the views were built (tests: a refresh with nothing changed does not build them again). */
    int generation() {
        return session.generation();
    }

    /** For {@link LakePool}: closes this lake for good. */
    void closeSession() {
        session.close();
    }

    @Override
    public void close() {
        if (pool != null) pool.giveBack(this);
        else session.close();
    }
}
