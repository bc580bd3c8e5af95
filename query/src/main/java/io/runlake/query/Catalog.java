package io.runlake.query;

import io.runlake.format.Annotation;
import io.runlake.format.FooterVersions;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.RegisteredModel;
import io.runlake.format.RunObjects;
import io.runlake.lake.LakeLogException;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.registry.ModelRegistry;
import io.runlake.runs.PurgeAudits;
import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.IntStream;
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
    /** Uncovered shard read by the views → the run of its key. */
    final Map<Path, String> shardRuns = new HashMap<>();

    /** Listings at least this long are parsed in parallel. */
    private static final int PARALLEL_PARSE_THRESHOLD = 10_000;

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
    static Catalog build(
            Path root,
            ObjectStore logStore,
            List<ObjectInfo> raw,
            Path validationFile,
            LakeOptions options,
            Connection conn,
            OpenTimer timer,
            Set<String> gone,
            IndexRunIds indexIds) {
        checkMarker(root); // a store of a newer format is refused before anything else is read
        Map<String, List<LakeView.RawObject>> byExperiment = parseKeys(raw);
        timer.lap("parse keys (" + raw.size() + ")");
        Set<String> experiments = new TreeSet<>(byExperiment.keySet());
        FileLists lists = new FileLists(root, logStore, validationFile, options, conn, timer, gone, indexIds);
        experiments.addAll(lists.lakeExperiments());
        for (String experiment : experiments) {
            lists.addExperiment(experiment, byExperiment.getOrDefault(experiment, List.of()));
        }
        lists.addAnnotations(LocalListing.list(root, Layout.ANNOTATIONS));
        timer.lap("annotations");
        lists.addRegistry(LocalListing.list(root, Layout.MODELS));
        timer.lap("registry");
        if (lists.validatedAnything()) {
            ValidationCache.write(validationFile, lists.newValidation);
            timer.lap("write validation");
        }
        return lists.catalog(experiments);
    }

    /**
     * Every listed key parsed once (the costly part of a 200k-object listing), in parallel when there are many; by
     * experiment. A small store's keys are parsed on this thread: starting the common pool would cost more than the
     * parsing (a one-shot command on a small store).
     */
    private static Map<String, List<LakeView.RawObject>> parseKeys(List<ObjectInfo> raw) {
        Stream<ObjectInfo> keys = raw.size() >= PARALLEL_PARSE_THRESHOLD ? raw.parallelStream() : raw.stream();
        List<LakeView.RawObject> parsed = keys.map(o -> Layout.parseRunObject(o.key())
                        .map(ro -> new LakeView.RawObject(o, ro))
                        .orElse(null))
                .filter(Objects::nonNull)
                .toList();
        Map<String, List<LakeView.RawObject>> byExperiment = new TreeMap<>();
        for (LakeView.RawObject o : parsed)
            byExperiment
                    .computeIfAbsent(o.parsed().experiment(), k -> new ArrayList<>())
                    .add(o);
        return byExperiment;
    }

    /** The file lists of the views, filled one experiment at a time (FORMAT.md §13.2, §13.3). */
    private static final class FileLists {
        private final Path root;
        private final ObjectStore logStore;
        private final Path validationFile;
        /** The cached verdicts, read when the first object is validated (none is when every run is settled). */
        private Map<String, String> validated;

        private final LakeOptions options;
        private final Connection conn;
        private final OpenTimer timer;
        private final Set<String> gone;
        private final IndexRunIds indexIds;
        final Map<String, String> newValidation = new ConcurrentHashMap<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final Map<Path, String[]> ranges = new LinkedHashMap<>();
        final List<Path> starts = new ArrayList<>(),
                workers = new ArrayList<>(),
                events = new ArrayList<>(),
                allEvents = new ArrayList<>(),
                annotations = new ArrayList<>(),
                ends = new ArrayList<>(),
                lakeFiles = new ArrayList<>(),
                shards = new ArrayList<>(),
                indexFiles = new ArrayList<>();
        final Map<Path, String> experimentOf = new HashMap<>();
        final Map<Path, String> shardRuns = new HashMap<>();

        FileLists(
                Path root,
                ObjectStore logStore,
                Path validationFile,
                LakeOptions options,
                Connection conn,
                OpenTimer timer,
                Set<String> gone,
                IndexRunIds indexIds) {
            this.root = root;
            this.indexIds = indexIds;
            this.logStore = logStore;
            this.validationFile = validationFile;
            this.options = options;
            this.conn = conn;
            this.timer = timer;
            this.gone = gone;
        }

        private synchronized Map<String, String> validated() {
            if (validated == null) {
                validated = ValidationCache.read(validationFile);
                timer.lap("read validation (" + validated.size() + ")");
            }
            return validated;
        }

        /** Whether any object was validated (else the cache file need not be written again). */
        boolean validatedAnything() {
            return validated != null;
        }

        /** Both tables, read once per catalog (after the raw listing) and shared by every experiment. */
        private LakeSnapshot tables;

        /** The experiments the lake tables have files of (some may have no raw objects left). */
        List<String> lakeExperiments() {
            try {
                tables = LakeSnapshot.load(logStore, "");
                return tables.experimentsWithFiles();
            } catch (LakeLogException e) {
                problems.add(e.getMessage());
                return List.of();
            }
        }

        void addExperiment(String experiment, List<LakeView.RawObject> listed) {
            LakeSnapshot snapshot;
            try {
                tables = tables == null ? LakeSnapshot.load(logStore, experiment) : tables;
                snapshot = tables.forExperiment(experiment);
            } catch (LakeLogException e) {
                problems.add("experiment '" + experiment + "': " + e.getMessage() + " (reading raw objects only)");
                snapshot = LakeSnapshot.empty(experiment);
            }
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
            addLiveFiles(experiment, view);
            Set<String> settled =
                    settledRuns(root, snapshot, view, runObjects, options, conn, problems, indexFiles, gone, indexIds);
            timer.lap("settled runs (" + settled.size() + ")");
            addJson(runObjects, settled);
            addShards(experiment, view);
        }

        private void addLiveFiles(String experiment, LakeView view) {
            for (var f : view.liveFiles()) {
                if (!LocalPaths.isSafeKey(f.path())) { // never read a file outside the store
                    problems.add("live lake file " + f.path() + " has an unsafe key (FORMAT.md §2.2); skipped");
                    continue;
                }
                Path p = root.resolve(f.path());
                if (Files.exists(p)) {
                    lakeFiles.add(p);
                    experimentOf.put(p, experiment);
                    ranges.put(p, new String[] {f.minRunId(), f.maxRunId()});
                } else if (gone.contains(f.path())) {
                    problems.add("live lake file " + f.path() + " is missing; its points are not shown");
                } else {
                    throw new Vanished(f.path()); // removed by a newer commit and deleted
                }
            }
        }

        /** The valid JSON objects the views read: all events, and the manifests of runs not settled in the index. */
        private void addJson(List<LakeView.RawObject> runObjects, Set<String> settled) {
            List<LakeView.RawObject> json = new ArrayList<>();
            for (LakeView.RawObject o : runObjects) {
                if (o.parsed().kind() == Layout.RunObjectKind.SHARD) continue;
                boolean isEvent = o.parsed().kind() == Layout.RunObjectKind.EVENT;
                if (settled.contains(o.parsed().runId()) && !isEvent) continue;
                json.add(o);
            }
            String[] verdicts = validateAll(json);
            timer.lap("validate json (" + json.size() + ")");
            for (int i = 0; i < json.size(); i++) {
                if (!verdicts[i].isEmpty()) continue;
                LakeView.RawObject o = json.get(i);
                Path path = root.resolve(o.info().key());
                switch (o.parsed().kind()) {
                    case START -> starts.add(path);
                    case WORKER -> workers.add(path);
                    case END -> ends.add(path);
                    case EVENT -> {
                        allEvents.add(path);
                        if (!settled.contains(o.parsed().runId())) events.add(path);
                    }
                    default -> {}
                }
            }
        }

        /** Per object "" or its problem (cached by key and etag), in parallel; a newer object is refused. */
        private String[] validateAll(List<LakeView.RawObject> json) {
            String[] verdicts = new String[json.size()];
            Map<String, FormatVersion.UnsupportedFormatException> newer = new ConcurrentSkipListMap<>();
            Map<String, String> cached = json.isEmpty() ? Map.of() : validated();
            IntStream.range(0, json.size()).parallel().forEach(i -> {
                LakeView.RawObject o = json.get(i);
                String id = o.info().key() + "|" + o.info().etag();
                String problem = cached.get(id);
                try {
                    if (problem == null)
                        problem = validateJson(root.resolve(o.info().key()), o);
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
            return verdicts;
        }

        /**
         * The valid annotations (FORMAT.md §8.4); corrupt ones are skipped and named once, newer ones refuse the
         * store. Few and small, so each is parsed here rather than cached.
         */
        void addAnnotations(List<ObjectInfo> listed) {
            for (ObjectInfo o : listed) {
                Optional<Layout.AnnotationKey> key = Layout.parseAnnotation(o.key());
                if (key.isEmpty()) continue; // not an annotation key: ignored like unknown keys (§11)
                Path path = root.resolve(o.key());
                try {
                    Annotation.read(Files.readAllBytes(path), o.key(), key.get());
                    annotations.add(path);
                } catch (Json.MalformedObjectException e) {
                    problems.add("skipped " + o.key() + ": " + e.problem());
                } catch (IOException e) {
                    problems.add("skipped " + o.key() + ": cannot read the local copy: " + e.getMessage());
                }
            }
        }

        private final Map<String, String> purgedRuns = new TreeMap<>();
        private final List<Path> registeredModels = new ArrayList<>(),
                modelVersions = new ArrayList<>(),
                aliasEvents = new ArrayList<>();

        /**
         * The valid objects under models/, by the registry's own rules ({@link ModelRegistry#checked}, FORMAT.md
         * §16.6): corrupt ones are skipped and named once, newer ones refuse the store. Few and small, so each is
         * parsed here rather than cached.
         */
        void addRegistry(List<ObjectInfo> listed) {
            for (ObjectInfo o : listed) {
                Path path = root.resolve(o.key());
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(path);
                } catch (IOException e) {
                    problems.add("skipped " + o.key() + ": cannot read the local copy: " + e.getMessage());
                    continue;
                }
                Optional<Object> valid = ModelRegistry.checked(o.key(), bytes, problems);
                if (valid.isEmpty()) continue;
                if (valid.get() instanceof RegisteredModel) registeredModels.add(path);
                else if (valid.get() instanceof ModelVersion) modelVersions.add(path);
                else aliasEvents.add(path);
            }
            if (modelVersions.isEmpty()) return;
            // a version whose run was purged says so (FORMAT.md §12.11) rather than just lacking its run
            try {
                PurgeAudits.latestByRun(logStore).forEach((run, e) -> purgedRuns.put(run, e.key()));
            } catch (Json.MalformedObjectException e) {
                problems.add("skipped the purge entries of audit/: " + e.getMessage());
            }
        }

        /** Uncovered shards: read when they are whole Parquet files with the metric columns (§11). */
        private void addShards(String experiment, LakeView view) {
            List<ObjectInfo> toCheck = new ArrayList<>();
            for (ObjectInfo o : view.uncoveredShards()) {
                String id = o.key() + "|" + o.etag();
                String problem = validated().get(id);
                if (problem == null) toCheck.add(o);
                else newValidation.put(id, problem);
            }
            Map<String, Path> unchecked = new LinkedHashMap<>();
            for (ObjectInfo o : toCheck) unchecked.put(o.key(), root.resolve(o.key()));
            FooterVersions.check(conn, unchecked); // never cached as valid: refusing throws before the cache is written
            newValidation.putAll(ShardChecks.check(root, toCheck, conn));
            for (ObjectInfo o : view.uncoveredShards()) {
                String problem = newValidation.get(o.key() + "|" + o.etag());
                if (problem.isEmpty()) {
                    Path p = root.resolve(o.key());
                    shards.add(p);
                    experimentOf.put(p, experiment);
                    Layout.parseRunObject(o.key()).ifPresent(ro -> shardRuns.put(p, ro.runId()));
                } else {
                    problems.add("skipped " + o.key() + ": " + problem);
                }
            }
            timer.lap("validate shards (" + toCheck.size() + ")");
        }

        Catalog catalog(Set<String> experiments) {
            List<String> sortedProblems = new ArrayList<>(problems);
            Collections.sort(sortedProblems);
            Views.Files files = new Views.Files(
                    starts,
                    workers,
                    events,
                    allEvents,
                    ends,
                    annotations,
                    lakeFiles,
                    shards,
                    indexFiles,
                    options.staleTimeout().toMillis(),
                    experimentOf,
                    new Views.Registry(registeredModels, modelVersions, aliasEvents, purgedRuns));
            Catalog c = new Catalog(files, sortedProblems, experiments);
            c.lakeRanges.putAll(ranges);
            c.shardRuns.putAll(shardRuns);
            return c;
        }
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

    /**
     * Runs taken from the runs index: present in the current index with a final status (FINISHED, FAILED,
     * KILLED), and none of their raw objects modified later than {@code indexMargin} before the index commit.
     */
    private static Set<String> settledRuns(
            Path root,
            LakeSnapshot snapshot,
            LakeView view,
            List<LakeView.RawObject> runObjects,
            LakeOptions options,
            Connection conn,
            List<String> problems,
            List<Path> indexFiles,
            Set<String> gone,
            IndexRunIds indexIds) {
        if (snapshot.indexFile() == null) return Set.of();
        if (!LocalPaths.isSafeKey(snapshot.indexFile())) {
            problems.add("runs index " + snapshot.indexFile()
                    + " has an unsafe key (FORMAT.md §2.2); reading raw manifests");
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
            problems.add("the time of runs index " + snapshot.indexFile() + " is unknown; reading raw manifests");
            return Set.of();
        }
        long cutoff = commitMs - options.indexMargin().toMillis();
        Map<String, Long> newest = LakeView.newestObjectTimes(runObjects);
        for (ObjectInfo o : view.uncoveredShards()) {
            Layout.parseRunObject(o.key()).ifPresent(ro -> newest.put(ro.runId(), Long.MAX_VALUE));
        }
        Set<String> settled = new HashSet<>();
        try {
            for (String runId : indexIds.endedRuns(index, conn)) {
                Long lm = newest.get(runId);
                if (lm == null || lm < cutoff) settled.add(runId);
            }
        } catch (SQLException e) {
            problems.add(
                    "skipped runs index " + snapshot.indexFile() + ": " + QueryException.firstLine(e.getMessage()));
            return Set.of();
        }
        indexFiles.add(index);
        return settled;
    }

    /**
     * "" when the object is a valid manifest or event for its key, else the problem (the one validation of run
     * objects: the indexer quarantines exactly the objects this skips).
     *
     * @throws FormatVersion.UnsupportedFormatException when it is from a newer format (not a problem to skip)
     */
    static String validateJson(Path file, LakeView.RawObject o) {
        String key = o.info().key();
        try {
            RunObjects.read(Files.readAllBytes(file), key, o.parsed());
            return "";
        } catch (Json.MalformedObjectException e) {
            return e.problem();
        } catch (NoSuchFileException e) {
            throw new Vanished(key);
        } catch (IOException e) {
            return "cannot read the local copy: " + e.getMessage();
        }
    }

    /** The first file the views read that no longer exists, or null. */
    Path missingFile() {
        for (List<Path> l : List.of(
                files.starts(),
                files.workers(),
                files.events(),
                files.allEvents(),
                files.ends(),
                files.annotations(),
                files.lakeFiles(),
                files.shards(),
                files.indexFiles())) {
            for (Path p : l) if (!Files.exists(p)) return p;
        }
        for (List<Path> l : files.registry().all()) {
            for (Path p : l) if (!Files.exists(p)) return p;
        }
        return null;
    }
}
