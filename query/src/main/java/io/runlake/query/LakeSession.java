package io.runlake.query;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.runs.RunRules;
import io.runlake.store.FileObjectStore;
import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One DuckDB connection over a store's files: lists the store (or refreshes its mirror), reads the log, creates the
 * views, materialises them (those every query reads when it opens, the rest on first use) and runs SQL over them.
 * When maintenance deleted a file under a read (FORMAT.md §12.3) it lists and reads the log again and repeats.
 */
final class LakeSession implements AutoCloseable {
    /** Times a reader lists and reads the log before it gives up on a store that changes under every attempt. */
    static final int MAX_ATTEMPTS = 10;

    /**
     * Views read when the session opens: the raw JSON of unsettled runs, their shards' footers and their ids are
     * read once into tables (every view above them would otherwise read the files again), then {@code runs} is
     * materialised. The rest is materialised on first use ({@link #prepare}).
     */
    private static final Set<String> EAGER =
            Set.of("_starts", "_workers", "_events", "_ends", "_shard_activity", "_raw_ids");
    /** Views materialised the first time a query names them (view → the pattern that finds it in SQL). */
    private static final Map<String, Pattern> LAZY = new LinkedHashMap<>();

    static {
        for (String v : List.of("metric_summary", "params", "tags")) {
            // a view name, not a column (r.params) or a map lookup (params['lr'])
            LAZY.put(v, Pattern.compile("(?i)(?<![\\w.])" + v + "(?![\\w\\[])"));
        }
        // the events table under artifacts and inputs
        LAZY.put("_all_events", Pattern.compile("(?i)(?<![\\w.])(artifacts|inputs|_all_events)(?!\\w)"));
    }

    private final URI uri;
    private final LakeOptions options;
    private volatile Mirror.Progress progress;
    private final Consumer<String> hook;
    private final Connection conn;
    private final Set<String> materialised = new HashSet<>();
    /** The statement {@link #sql(String)} is running, for {@link #cancel()}. */
    private volatile Statement running;

    private Path root;
    private Catalog catalog;
    private Mirror.Result sync;
    private int reloads;
    /** Counts the loads, so that what was cached from the views can tell it is stale. */
    private int generation;
    /** Run ids of the runs index files, read once per file (they are immutable). */
    private final IndexRunIds indexIds = new IndexRunIds();
    /** The raw objects the views were built over (with the catalog's files: what {@link #refresh} compares). */
    private List<ObjectInfo> viewsRaw;

    private LakeSession(
            URI uri, LakeOptions options, Mirror.Progress progress, Consumer<String> hook, Connection conn) {
        this.uri = uri;
        this.options = options;
        this.progress = progress;
        this.hook = hook;
        this.conn = conn;
    }

    /** Opens a session over the store, handing each phase of opening to {@code hook} (tests act between them). */
    static LakeSession open(URI uri, LakeOptions options, Mirror.Progress progress, Consumer<String> hook) {
        Connection conn = connect();
        try {
            LakeSession session = new LakeSession(uri, options, progress, hook, conn);
            session.load();
            return session;
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /** A connection being made ahead of time by {@link #preconnect}, taken by the first {@link #connect}. */
    private static final AtomicReference<CompletableFuture<Connection>> PRECONNECTED = new AtomicReference<>();

    /**
     * Starts loading DuckDB's native library (a 60 MB shared object: a fifth of a one-shot command) and connecting
     * on a background thread, while the caller does other start-up work; the next {@link #connect} takes it.
     */
    static void preconnect() {
        CompletableFuture<Connection> f = new CompletableFuture<>();
        if (!PRECONNECTED.compareAndSet(null, f)) return;
        Thread t = new Thread(
                () -> {
                    try {
                        f.complete(newConnection());
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                },
                "runlake-duckdb-load");
        t.setDaemon(true);
        t.start();
        Thread json = new Thread(LakeSession::readyJsonReader, "runlake-json-warm-up");
        json.setDaemon(true);
        json.start();
    }

    /**
     * Reads a format marker once, so that the JSON reader's first use (building its record readers: about 70 ms of
     * a one-shot command) happens while DuckDB loads rather than after it.
     */
    private static void readyJsonReader() {
        try {
            FormatVersion.checkMarker(WARM_UP_MARKER, "warm-up");
        } catch (RuntimeException ignored) {
            // only a warm-up: the real marker is checked when the store is opened
        }
    }

    private static final byte[] WARM_UP_MARKER =
            "{\"format_version\":1,\"created_by\":\"warm-up\",\"created_at_ms\":0}".getBytes(StandardCharsets.UTF_8);

    static Connection connect() {
        CompletableFuture<Connection> f = PRECONNECTED.getAndSet(null);
        if (f == null) return newConnection();
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private static Connection newConnection() {
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            Timing.phase("DuckDB loaded and connected");
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
     * Runs {@code attempt} with the keys found gone so far until no file it reads vanishes (it was replaced and
     * deleted by maintenance after the listing: FORMAT.md §12.3), at most {@link #MAX_ATTEMPTS} times, then fails
     * with one clear error. A vanished file is never skipped.
     */
    static <T> T untilSteady(Function<Set<String>, T> attempt, Runnable beforeRetry) {
        Set<String> gone = new HashSet<>();
        for (int n = 1; ; n++) {
            try {
                return attempt.apply(gone);
            } catch (RuntimeException e) {
                Vanished v = Vanished.in(e);
                if (v == null) throw e;
                if (n >= MAX_ATTEMPTS) throw keepsChanging(v.getMessage(), n, e);
                gone.add(v.key);
                beforeRetry.run();
            }
        }
    }

    static QueryException keepsChanging(String what, int attempts, Throwable cause) {
        return new QueryException(
                "the store keeps changing while it is read: " + what + " (gave up after " + attempts + " attempts)",
                cause);
    }

    /** Lists the store (or refreshes the cache), reads the log, decides the files and (re)creates the views. */
    private void load() {
        untilSteady(
                gone -> {
                    loadOnce(new OpenTimer(hook), gone);
                    return null;
                },
                () -> reloads++);
    }

    /** Where the views' files are, the raw objects listed there, and the store to read the log from. */
    private record Listing(Path dir, List<ObjectInfo> raw, ObjectStore logStore, Mirror.Result result) {}

    private void loadOnce(OpenTimer timer, Set<String> gone) {
        Path cache = options.cacheFor(uri.toString());
        try (ObjectStore store = StoreUris.open(uri)) {
            Listing listing =
                    store instanceof FileObjectStore fs ? listInPlace(fs, options, timer) : mirror(store, cache, timer);
            Catalog built = Catalog.build(
                    listing.dir(),
                    listing.logStore(),
                    listing.raw(),
                    // "-2": verdicts cached by the rules before format versions were refused are not reused
                    cache.resolve("validated-2.json"),
                    options,
                    conn,
                    timer,
                    gone,
                    indexIds);
            indexIds.keepOnlyUsed();
            boolean unchanged = catalog != null
                    && built.files.equals(catalog.files)
                    && listing.raw().equals(viewsRaw)
                    && !statusesMoved();
            root = listing.dir();
            catalog = built;
            sync = listing.result();
            if (unchanged) {
                timer.lap("views unchanged");
            } else {
                materialised.clear();
                generation++;
                viewsRaw = null; // until the views over this listing exist
                createViews(timer);
                viewsRaw = listing.raw();
            }
        }
        StoreCaches.markUsed(cache, Instant.now());
        StoreCaches.pruneUnused(cache.getParent(), Instant.now());
    }

    /**
     * Lists the store and reads the log again, as a new session would. The views are built again only when what they
     * would read differs: other files or raw objects (objects are immutable, so the same keys, sizes and times are the
     * same contents), or a run whose status moved with the clock alone (RUNNING past the stale timeout). Otherwise the
     * tables already made are the new session's, and a query answers as it would there.
     */
    void refresh(Mirror.Progress progress) {
        this.progress = progress;
        load();
    }

    /** Whether a run materialised as RUNNING is now quiet for longer than the stale timeout: CRASHED, if read again. */
    private boolean statusesMoved() {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM _m_runs WHERE status = 'RUNNING' AND "
                        + RunRules.staleSql(
                                "epoch_ms(last_activity)",
                                options.staleTimeout().toMillis()))) {
            return !rs.next() || rs.getLong(1) > 0;
        } catch (SQLException e) {
            return true; // build the views again, which says what is wrong
        }
    }

    /** A {@code file:} store is read in place. */
    private static Listing listInPlace(FileObjectStore fs, LakeOptions options, OpenTimer timer) {
        Path dir = fs.root();
        if (!Files.isDirectory(dir.resolve(Layout.RUNS)) && !Files.isDirectory(dir.resolve(Layout.LAKE))) {
            if (!Files.exists(dir.resolve(Layout.FORMAT_MARKER))) throw QueryException.noStore(dir.toString());
        }
        // The watermarks of the current log and the reopened runs say which run folders need listing (§13.3)
        Map<String, Long> reopened = RunsListing.reopenedRuns(dir, LocalListing.list(dir, Layout.ANNOTATIONS));
        RunsListing runs = RunsListing.of(fs, reopened, options.indexMargin().toMillis());
        timer.lap("watermarks");
        // FIRST the raw listing (= store.list from the watermarks), the log is read by the catalog afterwards
        List<ObjectInfo> raw = runs.listInPlace(dir);
        timer.lap("list runs/ (" + raw.size() + ")");
        return new Listing(dir, raw, fs, null);
    }

    /** Any other store is mirrored into this user's cache folder (refreshed unless the options say not to). */
    private Listing mirror(ObjectStore store, Path cache, OpenTimer timer) {
        try {
            LocalPaths.privateDirectory(cache); // 0700: the mirror is this user's alone
        } catch (IOException e) {
            throw new QueryException("cannot use the cache folder " + cache + ": " + e.getMessage(), e);
        }
        Path dir = cache.resolve("store");
        Mirror mirror = new Mirror(store, dir, cache.resolve("manifest.json"), options.ioThreads());
        Mirror.Result result = null;
        List<ObjectInfo> raw;
        if (options.refresh()) {
            result = mirror.syncFromWatermarks(progress, options.indexMargin().toMillis());
            if (result.listed() == 0) throw QueryException.noStore(StoreUris.display(uri, ""));
            raw = result.rawObjects();
        } else {
            raw = LocalListing.list(dir, Layout.RUNS);
        }
        ObjectStore logStore = FileObjectStore.privateCopy(dir);
        timer.lap("mirror sync");
        return new Listing(dir, raw, logStore, result);
    }

    @FunctionalInterface
    interface SqlCall<T> {
        T run() throws SQLException;
    }

    /**
     * Runs a read of the views. If it fails because a file the views read is gone (maintenance replaced and
     * deleted it after this session listed the store: FORMAT.md §12.3), lists and reads the log again and repeats
     * the read, at most {@link #MAX_ATTEMPTS} times.
     */
    <T> T reading(SqlCall<T> call) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (SQLException e) {
                Path missing = mayBeMissingFile(e) ? catalog.missingFile() : null;
                if (missing == null) throw e;
                if (attempt >= MAX_ATTEMPTS) {
                    throw keepsChanging(missing + " disappeared while it was read", attempt, e);
                }
                reloads++;
                viewsRaw = null; // a file the views read is gone: build them again whatever the listing says
                load();
            }
        }
    }

    /** DuckDB reports a file it cannot open as an I/O error ("No files found that match the pattern ..."). */
    private static boolean mayBeMissingFile(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("IO Error") || m.contains("No files found") || m.contains("No such file");
    }

    /**
     * DuckDB's CREATE TABLE AS over a list of many small files (2,000 run.json objects) takes ten times as long when
     * it keeps the files' row order on more than one thread (3 s instead of 0.3 s); the order of a materialised
     * table's rows means nothing (every query that lists rows orders them), so materialising does not keep it.
     */
    private static final String UNORDERED = "SET preserve_insertion_order = false";

    /** Back to DuckDB's default, on a statement of its own (DuckDB closes a statement whose SQL failed). */
    private void keepInsertionOrder() {
        try (Statement st = conn.createStatement()) {
            st.execute("SET preserve_insertion_order = true");
        } catch (SQLException e) {
            // the connection is unusable; the caller's own error says why
        }
    }

    private void createViews(OpenTimer timer) {
        try (Statement st = conn.createStatement()) {
            st.execute(UNORDERED);
            try {
                for (String s : Views.statements(catalog.files)) {
                    String name = Views.viewName(s);
                    if (EAGER.contains(name)) {
                        st.execute("CREATE OR REPLACE TABLE " + name + " AS\n"
                                + s.substring(Views.viewPrefix(name).length()));
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
            } finally {
                keepInsertionOrder();
            }
        } catch (SQLException e) {
            Path missing = mayBeMissingFile(e) ? catalog.missingFile() : null;
            if (missing != null) throw new Vanished(missing.toString());
            throw new QueryException("cannot build the lake views: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Materialises the lazily materialised views that {@code sql} names (metric summaries, params, tags, events). */
    void prepare(String sql) {
        for (Map.Entry<String, Pattern> e : LAZY.entrySet()) {
            if (e.getValue().matcher(sql).find()) materialise(e.getKey());
        }
    }

    /** Computes metric summaries once per session (leaderboards and comparisons read them). */
    void materialiseSummary() {
        materialise("metric_summary");
    }

    private synchronized void materialise(String view) {
        if (materialised.contains(view)) return;
        try {
            reading(() -> {
                try (Statement st = conn.createStatement()) {
                    st.execute(UNORDERED);
                    try {
                        st.execute("CREATE OR REPLACE TABLE _m_" + view + " AS SELECT * FROM " + view);
                        st.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM _m_" + view);
                    } finally {
                        keepInsertionOrder();
                    }
                }
                return null;
            });
            materialised.add(view);
        } catch (SQLException e) {
            String what = view.equals("metric_summary") ? "cannot summarise metrics: " : "cannot read " + view + ": ";
            throw new QueryException(what + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Runs any SQL over the views; {@link #cancel()} from another thread stops it. */
    Table sql(String sql) {
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
    void cancel() {
        Statement st = running;
        if (st == null) return;
        try {
            st.cancel();
        } catch (SQLException e) {
            // it finished meanwhile
        }
    }

    /** A parameterised query ({@code ?} bound to {@code args}) after materialising the views it names. */
    Table query(String sql, Object... args) {
        prepare(sql);
        return queryAsIs(sql, args);
    }

    /** {@link #query} without materialising the views it names (for lookups of a few runs). */
    Table queryAsIs(String sql, Object... args) {
        return queryAsIs(() -> sql, args);
    }

    /** {@link #queryAsIs(String, Object...)} with SQL built again after a reload (SQL that names files). */
    Table queryAsIs(Supplier<String> sql, Object... args) {
        return readRows(sql, Table::of, args);
    }

    /** Reads the rows of a query's result (the caller's own typed getters, no boxed cell). */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * A parameterised query ({@code ?} bound to {@code args}) whose result {@code reader} reads; after a reload the
     * SQL is built and the reader run again from the start, without materialising the views the SQL names.
     */
    <T> T readRows(Supplier<String> sql, RowReader<T> reader, Object... args) {
        try {
            return reading(() -> {
                try (PreparedStatement ps = conn.prepareStatement(sql.get())) {
                    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                    try (ResultSet rs = ps.executeQuery()) {
                        return reader.read(rs);
                    }
                }
            });
        } catch (SQLException e) {
            throw new QueryException("SQL error: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    URI uri() {
        return uri;
    }

    Connection connection() {
        return conn;
    }

    Path root() {
        return root;
    }

    Catalog catalog() {
        return catalog;
    }

    Mirror.Result syncResult() {
        return sync;
    }

    int reloads() {
        return reloads;
    }

    LakeOptions options() {
        return options;
    }

    int generation() {
        return generation;
    }

    @Override
    public void close() {
        closeQuietly(conn);
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }
}
