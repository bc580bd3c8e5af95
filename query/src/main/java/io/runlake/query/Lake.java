package io.runlake.query;

import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.runs.MetricSummaries;
import io.runlake.report.Direction;
import io.runlake.report.Leaderboard;
import io.runlake.report.RankingRule;
import io.runlake.store.FileObjectStore;
import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

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
 */
public final class Lake implements AutoCloseable {
    /** Times a reader lists and reads the log before it gives up on a store that changes under every attempt. */
    static final int MAX_ATTEMPTS = 10;

    private final URI uri;
    private final LakeOptions options;
    private final Mirror.Progress progress;
    private final Consumer<String> hook;
    private final Connection conn;
    /** The statement {@link #sql(String)} is running, for {@link #cancel()}. */
    private volatile Statement running;
    private Path root;
    private Catalog catalog;
    private Mirror.Result sync;
    private int reloads;

    private Lake(URI uri, LakeOptions options, Mirror.Progress progress, Consumer<String> hook, Connection conn) {
        this.uri = uri;
        this.options = options;
        this.progress = progress;
        this.hook = hook;
        this.conn = conn;
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
        Connection conn = connect();
        try {
            Lake lake = new Lake(uri, options, progress, hook, conn);
            lake.load();
            return lake;
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /**
     * Lists the store (or refreshes the cache), reads the log, decides the files and (re)creates the views. A file
     * that is gone when read was replaced and deleted by maintenance after the listing (FORMAT.md §12.3): list and
     * read the log again, at most {@link #MAX_ATTEMPTS} times, then fail with one clear error. Never skipped.
     */
    private void load() {
        Set<String> gone = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            try {
                loadOnce(new OpenTimer(hook), gone);
                return;
            } catch (RuntimeException e) {
                Vanished v = Vanished.in(e);
                if (v == null) throw e;
                if (attempt >= MAX_ATTEMPTS) throw keepsChanging(v.getMessage(), attempt, e);
                gone.add(v.key);
                reloads++;
            }
        }
    }

    /** A store (folder or bucket prefix) without runs/, lake/ or the format marker: most likely a wrong name. */
    private static QueryException noStore(String where) {
        return new QueryException("no RunLake store at " + where + " (no runs/, lake/ or " + Layout.FORMAT_MARKER
                + ")");
    }

    static QueryException keepsChanging(String what, int attempts, Throwable cause) {
        return new QueryException("the store keeps changing while it is read: " + what + " (gave up after " + attempts + " attempts)", cause);
    }

    private void loadOnce(OpenTimer timer, Set<String> gone) {
        Path cache = options.cacheFor(uri.toString());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path dir;
            List<ObjectInfo> raw;
            ObjectStore logStore;
            Mirror.Result result = null;
            if (store instanceof FileObjectStore fs) {
                dir = fs.root();
                if (!Files.isDirectory(dir.resolve(Layout.RUNS)) && !Files.isDirectory(dir.resolve(Layout.LAKE))) {
                    if (!Files.exists(dir.resolve(Layout.FORMAT_MARKER))) throw noStore(dir.toString());
                }
                raw = LocalListing.list(dir, Layout.RUNS); // FIRST the raw listing (= store.list), the log is read by the catalog afterwards
                timer.lap("list runs/ (" + raw.size() + ")");
                logStore = store;
            } else {
                try {
                    LocalPaths.privateDirectory(cache); // 0700: the mirror is this user's alone
                } catch (IOException e) {
                    throw new QueryException("cannot use the cache folder " + cache + ": " + e.getMessage(), e);
                }
                dir = cache.resolve("store");
                Mirror mirror = new Mirror(store, dir, cache.resolve("manifest.json"), options.ioThreads());
                if (options.refresh()) {
                    result = mirror.sync(false, progress);
                    if (result.listed() == 0) throw noStore(StoreUris.display(uri, ""));
                    raw = result.rawObjects();
                } else {
                    raw = LocalListing.list(dir, Layout.RUNS);
                }
                logStore = FileObjectStore.privateCopy(dir);
                timer.lap("mirror sync");
            }
            Catalog built = Catalog.build(dir, logStore, raw,
                    // "-2": verdicts cached by the rules before format versions were refused are not reused
                    cache.resolve("validated-2.json"), options, conn, timer, gone);
            root = dir;
            catalog = built;
            sync = result;
            materialised.clear();
            experimentsCache = null;
            createViews(timer);
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T run() throws SQLException;
    }

    /**
     * Runs a read of the views. If it fails because a file the views read is gone (maintenance replaced and
     * deleted it after this session listed the store: FORMAT.md §12.3), lists and reads the log again and repeats
     * the read, at most {@link #MAX_ATTEMPTS} times.
     */
    private <T> T reading(SqlCall<T> call) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (SQLException e) {
                Path missing = mayBeMissingFile(e) ? catalog.missingFile() : null;
                if (missing == null) throw e;
                if (attempt >= MAX_ATTEMPTS) throw keepsChanging(missing + " disappeared while it was read", attempt, e);
                reloads++;
                load();
            }
        }
    }

    /** DuckDB reports a file it cannot open as an I/O error ("No files found that match the pattern ..."). */
    private static boolean mayBeMissingFile(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("IO Error") || m.contains("No files found") || m.contains("No such file");
    }

    private static Connection connect() {
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement st = c.createStatement()) {
                st.execute("SET enable_progress_bar = false");
                st.execute("SET TimeZone = 'UTC'");
                try {
                    st.execute("SET parquet_metadata_cache = true");
                } catch (SQLException ignored) {
                    // older DuckDB
                }
            }
            return c;
        } catch (SQLException e) {
            throw new QueryException("cannot start DuckDB: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Views read when the session opens: the raw JSON of unsettled runs, their shards' footers and their ids are
     * read once into tables (every view above them would otherwise read the files again), then {@code runs} is
     * materialised. The rest is materialised on first use ({@link #prepare}).
     */
    private static final Set<String> EAGER = Set.of("_starts", "_workers", "_events", "_ends", "_shard_activity", "_raw_ids");
    /** Views materialised the first time a query names them (view → the table that replaces it). */
    private static final Map<String, java.util.regex.Pattern> LAZY = new LinkedHashMap<>();
    static {
        for (String v : List.of("metric_summary", "params", "tags", "_all_events")) {
            // a view name, not a column (r.params) or a map lookup (params['lr'])
            LAZY.put(v, java.util.regex.Pattern.compile("(?i)(?<![\\w.])" + v + "(?![\\w\\[])"));
        }
    }
    private final Set<String> materialised = new java.util.HashSet<>();

    private void createViews(OpenTimer timer) {
        try (Statement st = conn.createStatement()) {
            for (String s : Views.statements(catalog.files)) {
                String name = Views.viewName(s);
                if (EAGER.contains(name)) {
                    st.execute("CREATE OR REPLACE TABLE " + name + " AS\n" + s.substring(Views.viewPrefix(name).length()));
                    timer.lap("table " + name);
                } else {
                    st.execute(s);
                }
            }
            timer.lap("create views");
            // Materialise the view every query reads once per session.
            st.execute("CREATE OR REPLACE TABLE _m_runs AS SELECT * FROM runs");
            st.execute("CREATE OR REPLACE VIEW runs AS SELECT * FROM _m_runs");
            timer.lap("materialise runs");
        } catch (SQLException e) {
            Path missing = mayBeMissingFile(e) ? catalog.missingFile() : null;
            if (missing != null) throw new Vanished(missing.toString());
            throw new QueryException("cannot build the lake views: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Materialises the lazily materialised views that {@code sql} names (metric summaries, params, tags, events). */
    private void prepare(String sql) {
        for (Map.Entry<String, java.util.regex.Pattern> e : LAZY.entrySet()) {
            String v = e.getKey();
            boolean named = v.equals("_all_events")
                    ? LAZY_EVENTS.matcher(sql).find()
                    : e.getValue().matcher(sql).find();
            if (named) materialise(v);
        }
    }

    private static final java.util.regex.Pattern LAZY_EVENTS = java.util.regex.Pattern.compile("(?i)(?<![\\w.])(artifacts|inputs|_all_events)(?!\\w)");

    private synchronized void materialise(String view) {
        if (materialised.contains(view)) return;
        try {
            reading(() -> {
                try (Statement st = conn.createStatement()) {
                    st.execute("CREATE OR REPLACE TABLE _m_" + view + " AS SELECT * FROM " + view);
                    st.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM _m_" + view);
                }
                return null;
            });
            materialised.add(view);
        } catch (SQLException e) {
            throw new QueryException((view.equals("metric_summary") ? "cannot summarise metrics: " : "cannot read " + view + ": ")
                    + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Computes metric summaries once per session (leaderboards and comparisons read them). */
    private void materialiseSummary() {
        materialise("metric_summary");
    }

    /**
     * The plain DuckDB SQL (CREATE VIEW statements) that defines the views over a local folder laid out like
     * the store (a {@code file:} store or a folder made by {@code runlake sync}). Run it in any DuckDB.
     */
    public static String viewDefinitions(Path localFolder) {
        return viewDefinitions(localFolder, LakeOptions.defaults());
    }

    public static String viewDefinitions(Path localFolder, LakeOptions options) {
        Path root = localFolder.toAbsolutePath().normalize();
        FileObjectStore store = new FileObjectStore(root);
        List<ObjectInfo> raw = LocalListing.list(root, Layout.RUNS);
        Connection conn = connect();
        try {
            Catalog catalog = null;
            Set<String> gone = new HashSet<>();
            for (int attempt = 1; catalog == null; attempt++) {
                try {
                    catalog = Catalog.build(root, store, attempt == 1 ? raw : LocalListing.list(root, Layout.RUNS), null, options, conn,
                            new OpenTimer(), gone);
                } catch (RuntimeException e) {
                    Vanished v = Vanished.in(e);
                    if (v == null) throw e;
                    if (attempt >= MAX_ATTEMPTS) throw keepsChanging(v.getMessage(), attempt, e);
                    gone.add(v.key);
                }
            }
            StringBuilder b = new StringBuilder();
            b.append("-- RunLake views over ").append(root).append(" (generated; file lists follow FORMAT.md §13)\n");
            for (String p : catalog.problems) b.append("-- skipped: ").append(p.replace('\n', ' ')).append('\n');
            for (String s : Views.statements(catalog.files)) b.append(s).append(";\n\n");
            return b.toString();
        } finally {
            closeQuietly(conn);
        }
    }

    /** Mirrors the store into {@code folder} (incrementally) so plain DuckDB can read it; artifacts optional. */
    public static Mirror.Result sync(URI uri, Path folder, boolean artifacts, Mirror.Progress progress) {
        try (ObjectStore store = StoreUris.open(uri)) {
            Path abs = folder.toAbsolutePath().normalize();
            if (store instanceof FileObjectStore fs && fs.root().equals(abs)) {
                throw new QueryException("cannot sync " + uri + " into itself");
            }
            Mirror m = new Mirror(store, abs, abs.resolve(".runlake-sync.json"), 8);
            Mirror.Result result = m.syncWholeStore(artifacts, progress);
            if (result.listed() == 0) throw noStore(StoreUris.display(uri, ""));
            return result;
        }
    }

    public URI uri() {
        return uri;
    }

    /** The local folder the views read. */
    public Path localRoot() {
        return root;
    }

    /** What the last refresh did (null for a {@code file:} store). */
    public Mirror.Result syncResult() {
        return sync;
    }

    /** Objects skipped because they are corrupt, half-written or too new, each naming the object and the problem. */
    public List<String> problems() {
        return catalog.problems;
    }

    /** How often this session listed the store and read the log again because a file it read had vanished. */
    int reloads() {
        return reloads;
    }

    /** The underlying JDBC connection (for advanced use; do not close it). */
    public Connection connection() {
        return conn;
    }

    // ---- SQL ---------------------------------------------------------------------------------------

    /** Runs any SQL over the views; {@link #cancel()} from another thread stops it. */
    public Table sql(String sql) {
        if (sql == null || sql.isBlank()) throw new QueryException("empty SQL");
        prepare(sql);
        try {
            return reading(() -> {
                try (Statement st = conn.createStatement()) {
                    running = st;
                    if (!st.execute(sql)) return new Table(List.of("changed"), List.of(List.of(st.getUpdateCount())));
                    try (ResultSet rs = st.getResultSet()) {
                        return Table.of(rs);
                    }
                } finally {
                    running = null;
                }
            });
        } catch (SQLException e) {
            throw new QueryException("SQL error: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Cancels the statement {@link #sql(String)} is running, if any (an interactive shell's Ctrl-C). */
    public void cancel() {
        Statement st = running;
        if (st == null) return;
        try {
            st.cancel();
        } catch (SQLException e) {
            // it finished meanwhile
        }
    }

    Table query(String sql, Object... args) {
        prepare(sql);
        return queryAsIs(sql, args);
    }

    /** {@link #query} without materialising the views it names (for lookups of a few runs). */
    private Table queryAsIs(String sql, Object... args) {
        return queryAsIs(() -> sql, args);
    }

    /** {@link #queryAsIs(String, Object...)} with SQL built again after a reload (SQL that names files). */
    private Table queryAsIs(Supplier<String> sql, Object... args) {
        try {
            return reading(() -> {
                try (PreparedStatement ps = conn.prepareStatement(sql.get())) {
                    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                    try (ResultSet rs = ps.executeQuery()) {
                        return Table.of(rs);
                    }
                }
            });
        } catch (SQLException e) {
            throw new QueryException("SQL error: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Writes a query's result as Parquet (DuckDB COPY). */
    public void exportParquet(String sql, Path target) {
        copy(sql, target, "FORMAT parquet, COMPRESSION zstd");
    }

    /** Writes a query's result as CSV with a header (DuckDB COPY). */
    public void exportCsv(String sql, Path target) {
        copy(sql, target, "FORMAT csv, HEADER true");
    }

    /** Writes a query's result as newline-delimited JSON (DuckDB COPY). */
    public void exportJson(String sql, Path target) {
        copy(sql, target, "FORMAT json");
    }

    private void copy(String sql, Path target, String options) {
        prepare(sql);
        try {
            reading(() -> {
                try (Statement st = conn.createStatement()) {
                    st.execute("COPY (" + sql + ") TO " + Views.lit(target.toAbsolutePath().toString()) + " (" + options + ")");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new QueryException("export failed: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /**
     * A query's result as Arrow record batches. The reader owns the statement: close the reader (before the
     * allocator). Needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on JDK 17.
     */
    public ArrowReader arrow(String sql, BufferAllocator allocator, long batchSize) {
        prepare(sql);
        try {
            Statement st = conn.createStatement();
            ResultSet rs;
            try {
                rs = reading(() -> st.executeQuery(sql));
            } catch (SQLException | RuntimeException e) {
                st.close();
                throw e;
            }
            ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, batchSize);
            return new ClosingArrowReader(reader, allocator, rs, st);
        } catch (SQLException e) {
            throw new QueryException("SQL error: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    // ---- lookups -----------------------------------------------------------------------------------

    private List<String> experimentsCache;

    public List<String> experiments() {
        if (experimentsCache != null) return experimentsCache;
        List<String> out = new ArrayList<>();
        for (List<Object> r : query("SELECT DISTINCT experiment FROM runs ORDER BY 1").rows()) out.add((String) r.get(0));
        experimentsCache = List.copyOf(out);
        return experimentsCache;
    }

    public Table experimentsTable() {
        return query("SELECT * FROM experiments ORDER BY experiment");
    }

    void requireExperiment(String experiment) {
        List<String> known = experiments();
        if (!known.contains(experiment)) {
            throw new QueryException("unknown experiment '" + experiment + "'" + (known.isEmpty() ? " (the store has no runs)"
                    : " (experiments: " + String.join(", ", known.subList(0, Math.min(10, known.size()))) + (known.size() > 10 ? ", …" : "") + ")"));
        }
    }

    /** The run with this id or unique id prefix (at least 6 characters) or exact name; errors name what was wrong. */
    public String resolveRun(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) throw new QueryException("empty run id");
        Table t = query("SELECT run_id FROM runs WHERE run_id = ? OR (length(?) >= 6 AND starts_with(run_id, ?)) OR name = ? ORDER BY run_id LIMIT 5",
                idOrName, idOrName, idOrName, idOrName);
        if (t.size() == 0) throw new QueryException("unknown run '" + idOrName + "'");
        if (t.size() > 1) {
            List<String> ids = t.rows().stream().map(r -> (String) r.get(0)).toList();
            if (ids.contains(idOrName)) return idOrName;
            throw new QueryException("run '" + idOrName + "' is ambiguous: " + String.join(", ", ids));
        }
        return (String) t.rows().get(0).get(0);
    }

    /** Runs, optionally of one experiment and matching a filter ({@code params.lr < 0.01 and status = 'FINISHED'}). */
    public Table runs(String experiment, String filter, int limit) {
        if (experiment != null) requireExperiment(experiment);
        String where = filterSql(experiment, filter);
        String sql = "SELECT r.experiment, r.run_id, r.name, r.status, r.start_time, r.duration_s, r.params, r.tags FROM runs r WHERE "
                + (experiment == null ? "TRUE" : "r.experiment = ?") + " AND (" + where + ") ORDER BY r.start_time DESC NULLS LAST, r.run_id DESC"
                + (limit > 0 ? " LIMIT " + limit : "");
        try {
            return experiment == null ? query(sql) : query(sql, experiment);
        } catch (QueryException e) {
            if (filter != null && !filter.isBlank()) throw badFilter(experiment, filter, e);
            throw e;
        }
    }

    /** A runs filter as SQL (alias {@code r.}), after checking that each param, tag and metric it names exists. */
    String filterSql(String experiment, String filter) {
        String sql = Filters.translate(filter, "r.");
        for (Filters.Ref ref : Filters.references(filter)) {
            List<String> known = filterNames(ref.kind(), experiment);
            if (!known.contains(ref.name())) {
                String scope = experiment == null ? "in the store" : "of experiment '" + experiment + "'";
                throw new QueryException(Filters.unknownName(ref, scope, known));
            }
        }
        return sql;
    }

    /** The names a filter can look up as {@code kind.NAME} (kind: params, tags or metrics), sorted. */
    private List<String> filterNames(String kind, String experiment) {
        String sql;
        if (kind.equals("metrics")) {
            materialiseSummary();
            sql = "SELECT DISTINCT key FROM metric_summary";
        } else {
            sql = "SELECT DISTINCT unnest(map_keys(" + kind + ")) FROM runs";
        }
        sql = "SELECT * FROM (" + sql + (experiment == null ? "" : " WHERE experiment = ?") + ") ORDER BY 1";
        Table t = experiment == null ? query(sql) : query(sql, experiment);
        return t.rows().stream().map(r -> String.valueOf(r.get(0))).toList();
    }

    /** A filter the database refused; a bare param, tag or metric name ({@code lr < 0.2}) gets a hint. */
    QueryException badFilter(String experiment, String filter, QueryException e) {
        String message = "malformed filter '" + filter + "': ";
        String column = Filters.unknownColumn(e.getMessage());
        if (column != null) {
            for (String kind : List.of("params", "tags", "metrics")) {
                if (filterNames(kind, experiment).contains(column)) {
                    return new QueryException(message + "runs have no column '" + column + "'; did you mean "
                            + kind + "." + column + "?", e);
                }
            }
        }
        return new QueryException(message + e.getMessage().replace("SQL error: ", ""), e);
    }

    /** One run: its row of {@code runs} plus metrics summary, artifacts and inputs, as field/value rows. */
    public Table show(String run) {
        String id = resolveRun(run);
        materialiseSummary();
        Table r = query("SELECT * FROM runs WHERE run_id = ?", id);
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            String c = r.columns().get(i);
            Object v = r.rows().get(0).get(i);
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) rows.add(List.of(c + "." + e.getKey(), String.valueOf(e.getValue())));
            } else {
                rows.add(java.util.Arrays.asList(c, v));
            }
        }
        for (List<Object> m : query("SELECT key, last_value, min_value, max_value, last_step, points FROM metric_summary WHERE run_id = ? ORDER BY key", id).rows()) {
            rows.add(List.of("metrics." + m.get(0), "last " + Table.text(m.get(1)) + " (min " + Table.text(m.get(2)) + ", max "
                    + Table.text(m.get(3)) + ", step " + m.get(4) + ", " + m.get(5) + " points)"));
        }
        for (List<Object> a : query("SELECT name, sha256, size, uri FROM artifacts WHERE run_id = ? ORDER BY time", id).rows()) {
            rows.add(List.of("artifacts." + a.get(0), Table.text(a.get(1)) + " " + Table.text(a.get(2)) + " bytes " + Table.text(a.get(3))));
        }
        for (List<Object> a : query("SELECT name, role, uri, coalesce(sha256, etag) FROM inputs WHERE run_id = ? ORDER BY time", id).rows()) {
            rows.add(List.of("inputs." + a.get(0), Table.text(a.get(1)) + " " + Table.text(a.get(2)) + " " + Table.text(a.get(3))));
        }
        return new Table(List.of("field", "value"), rows);
    }

    // ---- leaderboard, compare, history ---------------------------------------------------------------

    void requireMetric(String experiment, String metric) {
        materialiseSummary();
        Table t = query("SELECT count(*) FROM metric_summary WHERE experiment = ? AND key = ?", experiment, metric);
        if (((Number) t.rows().get(0).get(0)).longValue() == 0) {
            List<String> keys = query("SELECT DISTINCT key FROM metric_summary WHERE experiment = ? ORDER BY 1 LIMIT 20", experiment)
                    .rows().stream().map(r -> (String) r.get(0)).toList();
            throw new QueryException("experiment '" + experiment + "' has no metric '" + metric + "'"
                    + (keys.isEmpty() ? " (it has no metrics)" : " (metrics: " + String.join(", ", keys) + ")"));
        }
    }

    /**
     * The leaderboard of an experiment under {@code rule} (FORMAT.md §12.8), over the runs that pass
     * {@code filter} (the runs filter syntax; null: all), without curves.
     */
    public Leaderboard leaderboard(String experiment, RankingRule rule, String filter) {
        return Leaderboards.rank(this, experiment, rule, filter);
    }

    /**
     * The k best runs by the metric's final value as a table (rank, run_id, name, status, value, best, step,
     * params); a null direction is inferred from the metric name.
     */
    public Table leaderboard(String experiment, String metric, Direction direction, int k, String filter) {
        return Leaderboards.table(leaderboard(experiment, RankingRule.of(metric, direction).withTopK(k), filter));
    }

    /**
     * Runs side by side: one column per run; rows name, status, the params whose values differ (all params when
     * {@code allParams}), then per metric its last, min and max value. Empty {@code metrics}: every metric.
     */
    public Table compare(List<String> runs, List<String> metrics) {
        return compare(runs, metrics, false);
    }

    public Table compare(List<String> runs, List<String> metrics, boolean allParams) {
        if (runs == null || runs.isEmpty()) throw new QueryException("compare needs at least one run");
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(runs.stream().map(this::resolveRun).toList()));
        materialiseSummary();
        String in = ids.stream().map(Views::lit).reduce((a, b) -> a + ", " + b).orElseThrow();
        Map<String, List<Object>> head = new LinkedHashMap<>();
        for (List<Object> r : query("SELECT run_id, name, status, experiment FROM runs WHERE run_id IN (" + in + ")").rows()) {
            head.put((String) r.get(0), r);
        }
        List<String> columns = new ArrayList<>();
        columns.add("field");
        columns.addAll(ids);
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("experiment", ids, id -> head.get(id).get(3)));
        rows.add(row("name", ids, id -> head.get(id).get(1)));
        rows.add(row("status", ids, id -> head.get(id).get(2)));
        Map<String, Map<String, Object>> params = new java.util.TreeMap<>();
        for (List<Object> p : queryAsIs("SELECT run_id, key, value FROM params WHERE run_id IN (" + in + ")").rows()) {
            params.computeIfAbsent((String) p.get(1), k -> new LinkedHashMap<>()).put((String) p.get(0), p.get(2));
        }
        for (Map.Entry<String, Map<String, Object>> p : params.entrySet()) {
            Set<Object> distinct = new java.util.HashSet<>();
            for (String id : ids) distinct.add(p.getValue().get(id));
            if (allParams || distinct.size() > 1) rows.add(row("params." + p.getKey(), ids, id -> p.getValue().get(id)));
        }
        List<String> keys = metrics == null || metrics.isEmpty()
                ? query("SELECT DISTINCT key FROM metric_summary WHERE run_id IN (" + in + ") ORDER BY 1").rows().stream().map(r -> (String) r.get(0)).toList()
                : metrics;
        Map<String, Map<String, List<Object>>> summary = new LinkedHashMap<>();
        for (List<Object> s : query("SELECT key, run_id, last_value, min_value, max_value FROM metric_summary WHERE run_id IN (" + in + ")").rows()) {
            summary.computeIfAbsent((String) s.get(0), k -> new LinkedHashMap<>()).put((String) s.get(1), s);
        }
        for (String key : keys) {
            Map<String, List<Object>> m = summary.get(key);
            if (m == null) throw new QueryException("none of the runs has metric '" + key + "'");
            rows.add(row(key + " (last)", ids, id -> m.containsKey(id) ? m.get(id).get(2) : null));
            rows.add(row(key + " (min)", ids, id -> m.containsKey(id) ? m.get(id).get(3) : null));
            rows.add(row(key + " (max)", ids, id -> m.containsKey(id) ? m.get(id).get(4) : null));
        }
        return new Table(columns, rows);
    }

    private static List<Object> row(String field, List<String> ids, java.util.function.Function<String, Object> f) {
        List<Object> r = new ArrayList<>();
        r.add(field);
        for (String id : ids) r.add(f.apply(id));
        return r;
    }

    /**
     * SQL for the points of one run, reading only the live lake files whose run-id range (from the commit) can
     * hold it and the run's own uncovered shards; same rows as {@code metrics WHERE run_id = id}.
     */
    String runMetrics(String id) {
        List<Path> lake = new ArrayList<>();
        for (Map.Entry<Path, String[]> e : catalog.lakeRanges.entrySet()) {
            String lo = e.getValue()[0], hi = e.getValue()[1];
            if (lo == null || hi == null || (lo.compareTo(id) <= 0 && hi.compareTo(id) >= 0)) lake.add(e.getKey());
        }
        List<Path> shards = catalog.files.shards().stream().filter(p -> id.equals(catalog.shardRuns.get(p))).toList();
        String columns = MetricSchema.castProjection(RUN_METRIC_COLUMNS);
        List<String> parts = new ArrayList<>();
        if (!lake.isEmpty()) {
            parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(lake))
                    + " WHERE run_id = " + Views.lit(id));
        }
        if (!shards.isEmpty()) parts.add("SELECT " + columns + " FROM " + MetricSchema.readPoints(Views.list(shards)));
        if (parts.isEmpty()) return "(SELECT " + MetricSchema.nullRow(RUN_METRIC_COLUMNS) + " WHERE false)";
        return "(SELECT * FROM (" + String.join(" UNION ALL ", parts) + ") WHERE "
                + MetricSummaries.isUserMetric("key") + ")";
    }

    /** The columns of {@link #runMetrics}, in their order. */
    private static final List<String> RUN_METRIC_COLUMNS = List.of(
            MetricSchema.KEY, MetricSchema.STEP, MetricSchema.TIMESTAMP, MetricSchema.VALUE, MetricSchema.WORKER);

    /** A metric's points, downsampled to at most {@code maxPoints} keeping each bucket's first, last, min and max. */
    public History history(String run, String key, int maxPoints) {
        String id = resolveRun(run);
        // the run's files are named in the SQL: built again if a reload changed them
        java.util.function.Function<String, Supplier<String>> over = sql -> () -> sql.replace(SRC, runMetrics(id));
        Table count = queryAsIs(over.apply("SELECT count(*), min(step), max(step) FROM " + SRC + " WHERE key = ?"), key);
        long n = ((Number) count.rows().get(0).get(0)).longValue();
        if (n == 0) {
            List<String> keys = queryAsIs(over.apply("SELECT DISTINCT key FROM " + SRC + " ORDER BY 1 LIMIT 20")).rows().stream()
                    .map(r -> (String) r.get(0)).toList();
            throw new QueryException("run " + id + " has no metric '" + key + "'" + (keys.isEmpty() ? " (it has no metrics)" : " (metrics: " + String.join(", ", keys) + ")"));
        }
        String sql;
        if (maxPoints <= 0 || n <= maxPoints) {
            sql = "SELECT step, epoch_ms(timestamp) AS t, value FROM " + SRC + " WHERE key = ? ORDER BY step, timestamp, worker";
            return new History(id, key, n, points(queryAsIs(over.apply(sql), key)));
        }
        long lo = ((Number) count.rows().get(0).get(1)).longValue(), hi = ((Number) count.rows().get(0).get(2)).longValue();
        long buckets = Math.max(1, maxPoints / 4);
        double width = Math.max(1.0, (hi - lo + 1) / (double) buckets);
        sql = "WITH p AS (SELECT step, epoch_ms(timestamp) AS t, value, CAST(floor((step - " + lo + ") / " + width + ") AS BIGINT) AS b "
                + "FROM " + SRC + " WHERE key = ?), "
                + "agg AS (SELECT arg_min({'step': step, 't': t, 'value': value}, (step, t)) AS f, "
                + "arg_max({'step': step, 't': t, 'value': value}, (step, t)) AS l, "
                + "arg_min({'step': step, 't': t, 'value': value}, value) AS mn, "
                + "arg_max({'step': step, 't': t, 'value': value}, value) AS mx FROM p GROUP BY b) "
                + "SELECT DISTINCT x.step, x.t, x.value FROM (SELECT unnest([f, l, mn, mx]) AS x FROM agg) ORDER BY 1, 2";
        return new History(id, key, n, points(queryAsIs(over.apply(sql), key)));
    }

    /** Stands for {@link #runMetrics} in the history queries. */
    private static final String SRC = "$run_points";

    private static List<History.Point> points(Table t) {
        List<History.Point> out = new ArrayList<>(t.size());
        for (List<Object> r : t.rows()) {
            out.add(new History.Point(((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue(), ((Number) r.get(2)).doubleValue()));
        }
        return out;
    }

    // ---- lineage -----------------------------------------------------------------------------------

    /**
     * Where something came from. {@code target} is a run id (or name), a SHA-256, or a local file (hashed):
     * for an artifact, the runs that produced it with their code version, data inputs, params, environment and
     * parent; for a data set checksum, every run that used it as an input.
     */
    public Lineage lineage(String target) {
        if (target == null || target.isBlank()) throw new QueryException("lineage needs a file, a SHA-256 or a run id");
        String sha = null;
        String described;
        Path file = Path.of(target);
        if (target.matches("[0-9a-fA-F]{64}")) {
            sha = target.toLowerCase(Locale.ROOT);
            described = "sha256 " + sha;
        } else if (Files.isRegularFile(file)) {
            sha = sha256(file);
            described = "file " + file.toAbsolutePath() + " (sha256 " + sha + ")";
        } else if (RunIds.isValid(target) || !target.contains("/")) {
            String id;
            try {
                id = resolveRun(target);
            } catch (QueryException e) {
                throw new QueryException("'" + target + "' is not a run id, a SHA-256 or an existing file");
            }
            return new Lineage("run " + id, null, List.of(runLineage(id, List.of())), List.of());
        } else {
            throw new QueryException("'" + target + "' is not a run id, a SHA-256 or an existing file");
        }
        List<Lineage.RunInfo> producers = new ArrayList<>();
        Map<String, List<Map<String, Object>>> byRun = new LinkedHashMap<>();
        for (List<Object> a : query("SELECT run_id, name, size, uri FROM artifacts WHERE sha256 = ? ORDER BY time", sha).rows()) {
            Map<String, Object> art = new LinkedHashMap<>();
            art.put("name", a.get(1));
            art.put("size", a.get(2));
            art.put("uri", a.get(3));
            byRun.computeIfAbsent((String) a.get(0), k -> new ArrayList<>()).add(art);
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : byRun.entrySet()) producers.add(runLineage(e.getKey(), e.getValue()));
        List<Map<String, Object>> users = new ArrayList<>();
        Table used = query("SELECT i.experiment, i.run_id, r.name, r.status, i.name AS input, i.role, i.uri FROM inputs i "
                + "LEFT JOIN runs r USING (run_id) WHERE i.sha256 = ? OR i.etag = ? ORDER BY i.time", sha, sha);
        for (List<Object> u : used.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < used.columns().size(); i++) m.put(used.columns().get(i), u.get(i));
            users.add(m);
        }
        if (producers.isEmpty() && users.isEmpty()) {
            throw new QueryException("no run produced or used " + described);
        }
        return new Lineage(described, sha, producers, users);
    }

    private Lineage.RunInfo runLineage(String runId, List<Map<String, Object>> artifacts) {
        Table r = query("SELECT experiment, name, status, start_time, parent_run_id, params FROM runs WHERE run_id = ?", runId);
        if (r.size() == 0) throw new QueryException("unknown run '" + runId + "'");
        List<Object> row = r.rows().get(0);
        String experiment = (String) row.get(0);
        RunStart start = readStart(experiment, runId);
        Map<String, Object> parent = null;
        String parentId = (String) row.get(4);
        if (parentId != null) {
            parent = new LinkedHashMap<>();
            parent.put("run_id", parentId);
            Table p = query("SELECT name, status FROM runs WHERE run_id = ?", parentId);
            if (p.size() > 0) {
                parent.put("name", p.rows().get(0).get(0));
                parent.put("status", p.rows().get(0).get(1));
            }
        }
        List<Map<String, Object>> inputs = new ArrayList<>();
        Table in = query("SELECT name, uri, role, sha256, etag, version_id, size, files FROM inputs WHERE run_id = ? ORDER BY time", runId);
        for (List<Object> i : in.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < in.columns().size(); c++) if (i.get(c) != null) m.put(in.columns().get(c), i.get(c));
            inputs.add(m);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> params = row.get(5) instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : Map.of();
        if (start != null && start.params() != null) {
            Map<String, Object> typed = new LinkedHashMap<>(params);
            typed.putAll(start.params());
            params = typed;
        }
        return new Lineage.RunInfo(experiment, runId, (String) row.get(1), (String) row.get(2), Table.text(row.get(3)),
                artifacts, start == null || start.code() == null ? Map.of() : start.code(), inputs, params,
                start == null || start.environment() == null ? Map.of() : start.environment(), parent);
    }

    private RunStart readStart(String experiment, String runId) {
        Path p = root.resolve(Layout.startManifest(experiment, runId));
        try {
            return io.runlake.format.FormatVersion.readJson(Files.readAllBytes(p), RunStart.class,
                    Layout.startManifest(experiment, runId));
        } catch (io.runlake.format.FormatVersion.UnsupportedFormatException e) {
            throw e; // never read a newer manifest as if it were this version's
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new QueryException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closeQuietly(conn);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }
}
