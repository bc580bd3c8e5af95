package io.runlake.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.runlake.format.DuckSql;
import io.runlake.format.FooterVersions;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunObjects;
import io.runlake.format.RunStart;
import io.runlake.format.WorkerStart;
import io.runlake.lake.LakeLogException;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Decides which local files the views read (FORMAT.md §13): per experiment, the raw listing (taken
 * first) and the lake snapshot (read second) give the live lake files and the uncovered shards
 * ({@link LakeView}); runs settled in the runs index are taken from the index, all others from their raw
 * JSON. Corrupt or half-written objects are skipped and reported, never read twice. A file that is gone when
 * read is not corrupt: maintenance deleted it after a newer commit, so building stops with {@link Vanished}
 * and the caller lists and reads the log again (FORMAT.md §12.3).
 */
final class Catalog {
    final Views.Files files;
    final List<String> problems;
    final Set<String> experiments;
    /** Live lake file → [min run id, max run id] (from the commit), to read only the files that can hold a run. */
    final Map<Path, String[]> lakeRanges = new LinkedHashMap<>();

    private Catalog(Views.Files files, List<String> problems, Set<String> experiments) {
        this.files = files;
        this.problems = problems;
        this.experiments = experiments;
    }

    /**
     * @param root local folder laid out like the store
     * @param logStore store to read the lake log from (the local mirror, or the file store itself)
     * @param raw the listing of runs/ (taken BEFORE the log is read)
     * @param validationFile where validation results are cached (key|etag → problem or "")
     * @param gone keys that vanished in earlier attempts: a live lake file or runs index of the new snapshot that is
     *     still missing was not deleted by maintenance, and is reported instead (the store is damaged)
     * @throws Vanished if a file to read is gone
     */
    static Catalog build(Path root, ObjectStore logStore, List<ObjectInfo> raw, Path validationFile, LakeOptions options,
                         Connection conn, OpenTimer timer, Set<String> gone) {
        checkMarker(root); // a store of a newer format is refused before anything else is read
        Map<String, String> validated = readValidation(validationFile);
        timer.lap("read validation (" + validated.size() + ")");
        Map<String, String> newValidation = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        // Parse every listed key once (the regex is the costly part of a 200k-object listing), in parallel.
        List<LakeView.RawObject> parsed = raw.parallelStream()
                .map(o -> Layout.parseRunObject(o.key()).map(ro -> new LakeView.RawObject(o, ro)).orElse(null))
                .filter(java.util.Objects::nonNull)
                .toList();
        Map<String, List<LakeView.RawObject>> byExperiment = new TreeMap<>();
        for (LakeView.RawObject o : parsed) byExperiment.computeIfAbsent(o.parsed().experiment(), k -> new ArrayList<>()).add(o);
        timer.lap("parse keys (" + parsed.size() + ")");
        Set<String> experiments = new TreeSet<>(byExperiment.keySet());
        experiments.addAll(logExperiments(root));
        Map<Path, String[]> ranges = new LinkedHashMap<>();
        List<Path> starts = new ArrayList<>(), workers = new ArrayList<>(), events = new ArrayList<>(), allEvents = new ArrayList<>(),
                ends = new ArrayList<>(), lakeFiles = new ArrayList<>(), shards = new ArrayList<>(), indexFiles = new ArrayList<>();
        Map<Path, String> experimentOf = new HashMap<>();
        for (String experiment : experiments) {
            LakeSnapshot snapshot;
            try {
                snapshot = LakeSnapshot.load(logStore, experiment);
            } catch (LakeLogException e) {
                problems.add("experiment '" + experiment + "': " + e.getMessage() + " (reading raw objects only)");
                snapshot = LakeSnapshot.empty(experiment);
            }
            List<LakeView.RawObject> listed = byExperiment.getOrDefault(experiment, List.of());
            // The view's coverage rule only looks at shards: hand it those (the same result as the whole listing).
            List<ObjectInfo> shardInfos = new ArrayList<>();
            List<LakeView.RawObject> runObjects = new ArrayList<>(listed.size());
            for (LakeView.RawObject o : listed) {
                if (o.parsed().kind() == Layout.RunObjectKind.SHARD) shardInfos.add(o.info());
                if (!snapshot.isQuarantined(o.info().key())) runObjects.add(o); // = LakeView.runObjects()
            }
            LakeView view = LakeView.of(experiment, shardInfos, snapshot);
            timer.lap("snapshot + view");
            requireSupportedLakeFiles(root, snapshot, view, conn);
            for (var f : view.liveFiles()) {
                if (!io.runlake.store.LocalPaths.isSafeKey(f.path())) { // never read a file outside the store
                    problems.add("live lake file " + f.path() + " has an unsafe key (FORMAT.md §2.2); skipped");
                    continue;
                }
                Path p = root.resolve(f.path());
                if (Files.exists(p)) {
                    lakeFiles.add(p);
                    experimentOf.put(p, experiment);
                    ranges.put(p, new String[] {f.minRunId(), f.maxRunId()});
                }
                else if (gone.contains(f.path())) problems.add("live lake file " + f.path() + " is missing; its points are not shown");
                else throw new Vanished(f.path()); // removed by a newer commit and deleted
            }
            Set<String> settled = settledRuns(root, snapshot, view, runObjects, options, conn, problems, indexFiles, gone);
            timer.lap("settled runs (" + settled.size() + ")");
            List<Path> jsonPaths = new ArrayList<>();
            List<LakeView.RawObject> jsonObjects = new ArrayList<>();
            for (LakeView.RawObject o : runObjects) {
                if (o.parsed().kind() == Layout.RunObjectKind.SHARD) continue;
                boolean isEvent = o.parsed().kind() == Layout.RunObjectKind.EVENT;
                if (settled.contains(o.parsed().runId()) && !isEvent) continue;
                jsonPaths.add(root.resolve(o.info().key()));
                jsonObjects.add(o);
            }
            String[] verdicts = new String[jsonObjects.size()];
            Map<String, FormatVersion.UnsupportedFormatException> newer = new java.util.concurrent.ConcurrentSkipListMap<>();
            java.util.stream.IntStream.range(0, jsonObjects.size()).parallel().forEach(i -> {
                LakeView.RawObject o = jsonObjects.get(i);
                String id = o.info().key() + "|" + o.info().etag();
                String problem = validated.get(id);
                try {
                    if (problem == null) problem = validateJson(jsonPaths.get(i), o);
                } catch (FormatVersion.UnsupportedFormatException e) {
                    newer.put(o.info().key(), e);
                    return;
                }
                newValidation.put(id, problem);
                verdicts[i] = problem;
                if (!problem.isEmpty()) problems.add("skipped " + o.info().key() + ": " + problem);
            });
            // A newer object is refused, not skipped: skipping would silently leave its run out of every answer.
            if (!newer.isEmpty()) throw newer.values().iterator().next();
            timer.lap("validate json (" + jsonObjects.size() + ")");
            for (int i = 0; i < jsonObjects.size(); i++) {
                if (!verdicts[i].isEmpty()) continue;
                LakeView.RawObject o = jsonObjects.get(i);
                Path path = jsonPaths.get(i);
                boolean isSettled = settled.contains(o.parsed().runId());
                switch (o.parsed().kind()) {
                    case START -> starts.add(path);
                    case WORKER -> workers.add(path);
                    case END -> ends.add(path);
                    case EVENT -> {
                        allEvents.add(path);
                        if (!isSettled) events.add(path);
                    }
                    default -> { }
                }
            }
            // Uncovered shards: check they are whole Parquet files with the metric columns.
            List<ObjectInfo> toCheck = new ArrayList<>();
            for (ObjectInfo o : view.uncoveredShards()) {
                String id = o.key() + "|" + o.etag();
                String problem = validated.get(id);
                if (problem == null) toCheck.add(o);
                else newValidation.put(id, problem);
            }
            Map<String, Path> unchecked = new LinkedHashMap<>();
            for (ObjectInfo o : toCheck) unchecked.put(o.key(), root.resolve(o.key()));
            FooterVersions.check(conn, unchecked); // never cached as valid: refusing throws before the cache is written
            newValidation.putAll(validateShards(root, toCheck, conn));
            for (ObjectInfo o : view.uncoveredShards()) {
                String problem = newValidation.get(o.key() + "|" + o.etag());
                if (problem.isEmpty()) {
                    shards.add(root.resolve(o.key()));
                    experimentOf.put(root.resolve(o.key()), experiment);
                }
                else problems.add("skipped " + o.key() + ": " + problem);
            }
            timer.lap("validate shards (" + toCheck.size() + ")");
        }
        writeValidation(validationFile, newValidation);
        timer.lap("write validation");
        List<String> sortedProblems = new ArrayList<>(problems);
        Collections.sort(sortedProblems);
        Catalog c = new Catalog(new Views.Files(starts, workers, events, allEvents, ends, lakeFiles, shards, indexFiles,
                options.staleTimeout().toMillis(), experimentOf), sortedProblems, experiments);
        c.lakeRanges.putAll(ranges);
        return c;
    }

    /** Refuses the store when its marker {@code _runlake/format.json} is from a newer format (FORMAT.md §3, §11). */
    private static void checkMarker(Path root) {
        Path marker = root.resolve(Layout.FORMAT_MARKER);
        byte[] bytes;
        try {
            bytes = Files.exists(marker) ? Files.readAllBytes(marker) : null;
        } catch (IOException e) {
            throw new QueryException("cannot read " + marker + ": " + e.getMessage(), e);
        }
        FormatVersion.checkMarker(bytes, root.toString());
    }

    /** Refuses the experiment's live lake files and runs index when one's footer says a newer format. */
    private static void requireSupportedLakeFiles(Path root, LakeSnapshot snapshot, LakeView view, Connection conn) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (var f : view.liveFiles()) files.put(f.path(), root.resolve(f.path()));
        if (snapshot.indexFile() != null) files.put(snapshot.indexFile(), root.resolve(snapshot.indexFile()));
        files.values().removeIf(p -> !Files.exists(p)); // missing ones are reported where they are read
        FooterVersions.check(conn, files);
    }

    private static Set<String> logExperiments(Path root) {
        Set<String> out = new TreeSet<>();
        Path log = root.resolve(LakeLayout.LOG);
        if (!Files.isDirectory(log)) return out;
        try (Stream<Path> dirs = Files.list(log)) {
            dirs.forEach(d -> {
                String n = d.getFileName().toString();
                if (!n.startsWith("experiment=")) return;
                try {
                    out.add(io.runlake.format.Names.unescapeSegment(n.substring("experiment=".length())));
                } catch (IllegalArgumentException e) {
                    // not a valid escaped name (§5): like every key under it, the folder is skipped
                }
            });
        } catch (IOException ignored) {
            // no log
        }
        return out;
    }

    /**
     * Runs taken from the runs index: present in the current index with a final status (FINISHED, FAILED,
     * KILLED), and none of their raw objects modified later than {@code indexMargin} before the index commit.
     */
    private static Set<String> settledRuns(Path root, LakeSnapshot snapshot, LakeView view,
                                           List<LakeView.RawObject> runObjects, LakeOptions options,
                                           Connection conn, List<String> problems, List<Path> indexFiles, Set<String> gone) {
        if (snapshot.indexFile() == null) return Set.of();
        if (!io.runlake.store.LocalPaths.isSafeKey(snapshot.indexFile())) {
            problems.add("runs index " + snapshot.indexFile() + " has an unsafe key (FORMAT.md §2.2); reading raw manifests");
            return Set.of();
        }
        Path index = root.resolve(snapshot.indexFile());
        if (!Files.exists(index)) {
            if (!gone.contains(snapshot.indexFile())) throw new Vanished(snapshot.indexFile()); // replaced and deleted
            problems.add("runs index " + snapshot.indexFile() + " is missing; reading raw manifests");
            return Set.of();
        }
        Long commitMs = snapshot.indexTimeMs();
        if (commitMs == null) {
            problems.add("the time of the index commit (log version " + snapshot.indexVersion()
                    + ") cannot be read; reading raw manifests");
            return Set.of();
        }
        long cutoff = commitMs - options.indexMargin().toMillis();
        Map<String, Long> newest = new HashMap<>();
        for (LakeView.RawObject o : runObjects) {
            long lm = o.info().lastModified() == null ? Long.MAX_VALUE : o.info().lastModified().toEpochMilli();
            newest.merge(o.parsed().runId(), lm, Math::max);
        }
        for (ObjectInfo o : view.uncoveredShards()) {
            Layout.parseRunObject(o.key()).ifPresent(ro -> newest.put(ro.runId(), Long.MAX_VALUE));
        }
        Set<String> settled = new HashSet<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT run_id FROM " + DuckSql.readParquet(Views.lit(index.toString()))
                     + " WHERE status IN ('FINISHED', 'FAILED', 'KILLED')")) {
            while (rs.next()) {
                String runId = rs.getString(1);
                if (runId == null) continue;
                Long lm = newest.get(runId);
                if (lm == null || lm < cutoff) settled.add(runId);
            }
        } catch (SQLException e) {
            problems.add("skipped runs index " + snapshot.indexFile() + ": " + QueryException.firstLine(e.getMessage()));
            return Set.of();
        }
        indexFiles.add(index);
        return settled;
    }

    /**
     * "" when the object is a valid manifest or event for its key, else the problem.
     *
     * @throws FormatVersion.UnsupportedFormatException when it is from a newer format (not a problem to skip)
     */
    static String validateJson(Path file, LakeView.RawObject o) {
        String key = o.info().key();
        try {
            byte[] bytes = Files.readAllBytes(file);
            Layout.RunObject ro = o.parsed();
            String kind;
            Object parsed;
            switch (ro.kind()) {
                // FormatVersion.readJson throws UnsupportedFormatException for a newer object (checked before its shape)
                case START -> {
                    RunStart r = FormatVersion.readJson(bytes, RunStart.class, key);
                    kind = r.kind(); parsed = r;
                    if (!RunStart.KIND.equals(kind)) return "kind is '" + kind + "', expected '" + RunStart.KIND + "'";
                }
                case WORKER -> {
                    WorkerStart r = FormatVersion.readJson(bytes, WorkerStart.class, key);
                    kind = r.kind(); parsed = r;
                    if (!WorkerStart.KIND.equals(kind)) return "kind is '" + kind + "', expected '" + WorkerStart.KIND + "'";
                }
                case END -> {
                    RunEnd r = FormatVersion.readJson(bytes, RunEnd.class, key);
                    kind = r.kind(); parsed = r;
                    if (!RunEnd.KIND.equals(kind)) return "kind is '" + kind + "', expected '" + RunEnd.KIND + "'";
                }
                case EVENT -> {
                    parsed = FormatVersion.readJson(bytes, RunEvent.class, key);
                }
                default -> {
                    return "";
                }
            }
            return RunObjects.disagreement(ro, parsed);
        } catch (Json.MalformedObjectException e) {
            String m = e.getMessage();
            int nl = m.indexOf('\n');
            return "not valid JSON for its kind (" + (nl < 0 ? m : m.substring(0, nl)).replace("malformed object " + key + ": ", "") + ")";
        } catch (NoSuchFileException e) {
            throw new Vanished(key);
        } catch (IOException e) {
            return "cannot read the local copy: " + e.getMessage();
        }
    }

    private static final List<String> COLUMNS = List.of("run_id", "worker", "key", "step", "timestamp", "value");

    /**
     * Checks Parquet magic bytes in Java, then with DuckDB (one query for all, one per file on error) the columns, and
     * then the rows: every page of every column is decoded with the casts the views apply, so a shard whose pages are
     * corrupt is skipped here instead of failing later queries, and every row's {@code run_id} must be the run of its
     * key (a shard never adds points to another run; FORMAT.md §11).
     */
    static Map<String, String> validateShards(Path root, List<ObjectInfo> shards, Connection conn) {
        Map<String, String> out = new LinkedHashMap<>();
        List<ObjectInfo> whole = new ArrayList<>();
        for (ObjectInfo o : shards) {
            String problem = magic(root.resolve(o.key()), o.key());
            if (problem.isEmpty()) whole.add(o);
            else out.put(o.key() + "|" + o.etag(), problem);
        }
        if (whole.isEmpty()) return out;
        List<ObjectInfo> withColumns = new ArrayList<>();
        List<Path> paths = whole.stream().map(o -> root.resolve(o.key())).toList();
        try {
            Map<String, Integer> found = schemaColumns(conn, paths);
            for (ObjectInfo o : whole) {
                Integer n = found.get(root.resolve(o.key()).toString());
                if (n != null && n == COLUMNS.size()) withColumns.add(o);
                else out.put(o.key() + "|" + o.etag(), "not a RunLake metric shard (missing columns)");
            }
        } catch (SQLException batch) {
            for (ObjectInfo o : whole) {
                Path p = root.resolve(o.key());
                if (!Files.exists(p)) throw new Vanished(o.key());
                try {
                    Integer n = schemaColumns(conn, List.of(p)).get(p.toString());
                    if (n != null && n == COLUMNS.size()) withColumns.add(o);
                    else out.put(o.key() + "|" + o.etag(), "not a RunLake metric shard (missing columns)");
                } catch (SQLException e) {
                    out.put(o.key() + "|" + o.etag(), "unreadable Parquet: " + QueryException.firstLine(e.getMessage()).replace(p.toString(), o.key()));
                }
            }
        }
        if (withColumns.isEmpty()) return out;
        try {
            out.putAll(checkRows(root, withColumns, conn));
        } catch (SQLException batch) {
            for (ObjectInfo o : withColumns) {
                Path p = root.resolve(o.key());
                if (!Files.exists(p)) throw new Vanished(o.key()); // deleted by maintenance: not corrupt, rebuild
                try {
                    out.putAll(checkRows(root, List.of(o), conn));
                } catch (SQLException e) {
                    out.put(o.key() + "|" + o.etag(), "unreadable Parquet: " + QueryException.firstLine(e.getMessage()).replace(p.toString(), o.key()));
                }
            }
        }
        return out;
    }

    /** Reads every row of the shards (all columns, cast as the views cast them); "" per shard or the problem. */
    private static Map<String, String> checkRows(Path root, List<ObjectInfo> shards, Connection conn) throws SQLException {
        Map<String, ObjectInfo> byPath = new HashMap<>();
        List<Path> paths = new ArrayList<>();
        for (ObjectInfo o : shards) {
            Path p = root.resolve(o.key());
            byPath.put(p.toString(), o);
            paths.add(p);
        }
        Map<String, String> out = new LinkedHashMap<>();
        String sql = "SELECT filename, min(run_id), max(run_id), count(*) - count(run_id), sum(hash(run_id, worker, key, step, timestamp, value)) FROM (\n"
                + "  SELECT filename, CAST(run_id AS VARCHAR) AS run_id, CAST(worker AS INTEGER) AS worker, CAST(key AS VARCHAR) AS key, "
                + "CAST(step AS BIGINT) AS step, CAST(timestamp AS TIMESTAMPTZ) AS timestamp, CAST(value AS DOUBLE) AS value\n"
                + "  FROM " + DuckSql.readParquet(Views.list(paths), "filename = true") + ") GROUP BY filename";
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ObjectInfo o = byPath.get(rs.getString(1));
                if (o == null) continue;
                String run = Layout.parseRunObject(o.key()).map(Layout.RunObject::runId).orElse("");
                String min = rs.getString(2), max = rs.getString(3);
                String foreign = rs.getLong(4) > 0 ? null : !run.equals(min) ? min : !run.equals(max) ? max : "";
                out.put(o.key() + "|" + o.etag(), "".equals(foreign) ? "" : "has rows of run_id " + (foreign == null ? "NULL" : "'" + foreign + "'")
                        + ", not of its key's run " + run + " (a shard holds points of its own run only)");
            }
        }
        for (ObjectInfo o : shards) out.putIfAbsent(o.key() + "|" + o.etag(), ""); // no rows: nothing to read
        return out;
    }

    private static Map<String, Integer> schemaColumns(Connection conn, List<Path> paths) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        String sql = "SELECT file_name, count(*) FILTER (WHERE name IN ('run_id', 'worker', 'key', 'step', 'timestamp', 'value')) "
                + "FROM parquet_schema(" + Views.list(paths) + ") GROUP BY file_name";
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
    }

    private static String magic(Path p, String key) {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long n = f.length();
            if (n < 12) return "truncated Parquet file (" + n + " bytes)";
            byte[] head = new byte[4], tail = new byte[4];
            f.readFully(head);
            f.seek(n - 4);
            f.readFully(tail);
            String h = new String(head, java.nio.charset.StandardCharsets.US_ASCII), t = new String(tail, java.nio.charset.StandardCharsets.US_ASCII);
            if (!"PAR1".equals(h) || !"PAR1".equals(t)) return "not a whole Parquet file (missing PAR1 magic; half-written or corrupt)";
            return "";
        } catch (IOException e) {
            if (!Files.exists(p)) throw new Vanished(key);
            return "cannot read the local copy: " + e.getMessage();
        }
    }

    private static Map<String, String> readValidation(Path file) {
        if (file == null || !Files.exists(file)) return new HashMap<>();
        try {
            Map<String, String> m = Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<HashMap<String, String>>() {});
            return m == null ? new HashMap<>() : m;
        } catch (IOException e) {
            return new HashMap<>();
        }
    }

    private static void writeValidation(Path file, Map<String, String> m) {
        if (file == null) return;
        try {
            io.runlake.store.LocalPaths.createPrivateDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(new TreeMap<>(m)));
            io.runlake.store.LocalPaths.makePrivate(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // only costs re-validation next time
        }
    }

    /** The first file the views read that no longer exists, or null. */
    Path missingFile() {
        for (List<Path> l : List.of(files.starts(), files.workers(), files.events(), files.allEvents(), files.ends(),
                files.lakeFiles(), files.shards(), files.indexFiles())) {
            for (Path p : l) if (!Files.exists(p)) return p;
        }
        return null;
    }

    static Optional<String> unused() {
        return Optional.empty();
    }
}
