package io.runlake.functions.core;

import io.runlake.format.Annotation;
import io.runlake.format.DuckSql;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunIds;
import io.runlake.format.RunObjects;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import io.runlake.lake.LakeCommit;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeOperations;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.lake.Quarantined;
import io.runlake.runs.AnnotationFold;
import io.runlake.runs.MetricSummaries;
import io.runlake.runs.RunRules;
import io.runlake.runs.RunState;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the runs index of an experiment: one row per run (status, times, user, host, code version,
 * params, tags, and a summary per metric), as one Parquet file {@code lake/runs/experiment=<esc>/<id>.parquet}
 * made current by an {@code index} commit. Columns (FORMAT.md, "Runs index"):
 *
 * <pre>
 * experiment VARCHAR, run_id VARCHAR, name VARCHAR, parent_run_id VARCHAR, status VARCHAR,
 * start_time TIMESTAMPTZ, end_time TIMESTAMPTZ, last_activity TIMESTAMPTZ, user VARCHAR, host VARCHAR,
 * code_version VARCHAR, error VARCHAR, points BIGINT,
 * params MAP(VARCHAR, VARCHAR), tags MAP(VARCHAR, VARCHAR),
 * metrics STRUCT(key VARCHAR, last_value DOUBLE, min_value DOUBLE, max_value DOUBLE, point_count BIGINT, last_step BIGINT)[],
 * artifacts STRUCT(...)[], inputs STRUCT(...)[] (see {@link IndexLineage})
 * </pre>
 *
 * Metric points are read through the same exactly-once view as any reader (live lake files plus uncovered
 * shards), so the summaries count every worker's points once.
 */
public final class Indexer {
    private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
    private static final int MAX_ATTEMPTS = 20;

    private final ObjectStore store;
    private final IndexerOptions options;
    private final String writerId = RunIds.newId();
    private final LakeCommitter committer;

    public Indexer(ObjectStore store, IndexerOptions options) {
        this.store = store;
        this.options = options;
        this.committer = new LakeCommitter(store);
    }

    /** What one call did. {@code skipped}: the current index was already up to date. */
    public record Result(
            String experiment,
            boolean committed,
            boolean skipped,
            String indexFile,
            long version,
            int runs,
            int quarantined,
            Map<String, Long> statusCounts) {}

    public Result index(String experiment) {
        Maintenance.checkStore(store);
        for (int attempt = 1; ; attempt++) {
            Optional<Result> r = tryIndex(experiment);
            if (r.isPresent()) return r.get();
            if (attempt >= MAX_ATTEMPTS) {
                throw new MaintenanceException("gave up indexing experiment '" + experiment + "' after " + MAX_ATTEMPTS
                        + " attempts: its raw objects or lake log kept changing under the indexer");
            }
        }
    }

    /** One attempt; empty means "inputs changed underneath, start over". */
    private Optional<Result> tryIndex(String experiment) {
        LakeView view = LakeView.load(store, experiment);
        LakeSnapshot snap = view.snapshot();
        long now = options.clock().millis();
        List<LakeView.RawObject> objects = view.runObjects();
        List<ObjectInfo> annotations = store.list(Layout.annotationsOfExperiment(experiment));
        String fingerprint = fingerprint(view, objects, annotations);
        if (!options.force()
                && snap.indexFile() != null
                && fingerprint.equals(snap.indexFingerprint())
                && (snap.indexValidUntilMs() == null || now < snap.indexValidUntilMs())) {
            return Optional.of(
                    new Result(experiment, false, true, snap.indexFile(), snap.runsVersion(), -1, 0, Map.of()));
        }

        Map<String, String> bad = new LinkedHashMap<>();
        Map<String, RunState> runs = readManifests(objects, bad);
        Map<String, Long> reopenedAt = new HashMap<>();
        Map<String, List<AnnotationFold.Keyed>> notes = readAnnotations(annotations, reopenedAt);
        try (LocalFiles local = new LocalFiles(store, options.workDir(), options.ioThreads())) {
            Map<String, Optional<Path>> sources = local.fetchAll(view.pointSources());
            if (sources.values().stream().anyMatch(Optional::isEmpty)) return Optional.empty(); // compacted meanwhile
            Map<String, Path> files = new LinkedHashMap<>();
            sources.forEach((k, v) -> files.put(k, v.get()));
            Optional<IndexFile> built = build(experiment, view, files, runs, notes, local, now);
            if (built.isEmpty()) return Optional.empty();
            Settling settling = settle(view, objects, runs, reopenedAt, bad, now);
            return publish(
                    experiment,
                    snap,
                    fingerprint,
                    built.get().until(settling.revisitAt()),
                    settling.watermark(),
                    bad,
                    runs.size(),
                    now);
        }
    }

    /** The index's settled watermark, and when time alone would settle one more run (null: never). */
    private record Settling(SettledWatermark watermark, Long revisitAt) {}

    /**
     * The settled watermark of the index being written (FORMAT.md §12.7, §13.3): which runs readers may take from it
     * without listing their objects, and when a run left open would be settled by time alone.
     */
    private Settling settle(
            LakeView view,
            List<LakeView.RawObject> objects,
            Map<String, RunState> runs,
            Map<String, Long> reopenedAt,
            Map<String, String> bad,
            long now) {
        Map<String, Long> newest = LakeView.newestObjectTimes(objects);
        Set<String> uncovered = new HashSet<>(), quarantined = new HashSet<>();
        for (ObjectInfo o : view.uncoveredShards())
            Layout.parseRunObject(o.key()).ifPresent(ro -> uncovered.add(ro.runId()));
        for (String key : bad.keySet()) Layout.parseRunObject(key).ifPresent(ro -> quarantined.add(ro.runId()));
        long margin = options.indexMargin().toMillis(),
                settleAge = options.settleAge().toMillis();
        long timeout = options.crashTimeout().toMillis();
        SortedMap<String, Boolean> settled = new TreeMap<>();
        Long revisitAt = null;
        for (RunState s : runs.values()) {
            SettledWatermark.Observed seen = new SettledWatermark.Observed(
                    s,
                    s.status(now, timeout),
                    newest.getOrDefault(s.runId(), Long.MAX_VALUE),
                    uncovered.contains(s.runId()),
                    quarantined.contains(s.runId()),
                    reopenedAt.get(s.runId()));
            boolean forGood = SettledWatermark.settledForGood(seen, now, margin, settleAge);
            settled.put(s.runId(), forGood);
            if (forGood) continue;
            long crashedAt = s.lastActivityMs() == null ? now : s.lastActivityMs() + timeout + 1;
            Optional<Long> at = SettledWatermark.settlesAt(seen, crashedAt, margin, settleAge);
            if (at.isPresent()) revisitAt = revisitAt == null ? at.get() : Math.min(revisitAt, at.get());
        }
        return new Settling(SettledWatermark.choose(settled, now, margin, settleAge), revisitAt);
    }

    /** A runs index written locally, with the statuses it counts and until when they hold (null: for ever). */
    private record IndexFile(Path path, Long validUntil, Map<String, Long> statusCounts) {
        /** Valid until {@code revisitAt} at most: then a run it leaves open would be settled (null: no such run). */
        IndexFile until(Long revisitAt) {
            if (revisitAt == null || (validUntil != null && validUntil <= revisitAt)) return this;
            return new IndexFile(path, revisitAt, statusCounts);
        }
    }

    /** Writes the runs index of {@code runs} and the points in {@code files}; empty: shards were quarantined. */
    private Optional<IndexFile> build(
            String experiment,
            LakeView view,
            Map<String, Path> files,
            Map<String, RunState> runs,
            Map<String, List<AnnotationFold.Keyed>> notes,
            LocalFiles local,
            long now) {
        Path out = local.newDir("out").resolve("runs.parquet");
        try (Duck duck = Duck.open(local.newDir("spill"), options.memoryLimit(), options.threads())) {
            // A newer lake file or shard stops indexing before its points are read or it could be quarantined.
            duck.requireSupportedFormat(files);
            if (!summariseOrQuarantine(duck, experiment, view, files, now)) return Optional.empty(); // rebuild
            for (Object[] row : duck.query("SELECT run_id, epoch_ms(max(last_time)) FROM summaries GROUP BY run_id")) {
                runs.computeIfAbsent((String) row[0], RunState::new).notePointTime(((Number) row[1]).longValue());
            }
            Map<String, Long> statusCounts = new TreeMap<>();
            Long validUntil = insertRuns(duck, experiment, runs, notes, now, statusCounts);
            duck.exec("COPY (" + INDEX_SELECT + ") TO " + Duck.lit(out.toString()) + " (" + DuckSql.PORTABLE_PARQUET
                    + ", " + Duck.footer(experiment) + ")");
            return Optional.of(new IndexFile(out, validUntil, statusCounts));
        } catch (SQLException e) {
            throw new MaintenanceException(
                    "writing the runs index of experiment '" + experiment + "' failed: "
                            + Quarantine.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * Summarises the metric points; shards holding another run's rows or that cannot be read are quarantined
     * instead (false: the index must be built again without them).
     */
    private boolean summariseOrQuarantine(
            Duck duck, String experiment, LakeView view, Map<String, Path> files, long now) throws SQLException {
        LakeSnapshot snap = view.snapshot();
        Map<String, Path> shards = new LinkedHashMap<>();
        view.uncoveredShards().forEach(o -> shards.put(o.key(), files.get(o.key())));
        try {
            Map<String, String> foreign = Quarantine.foreignRows(duck, shards);
            if (!foreign.isEmpty()) {
                Quarantine.commit(committer, snap, foreign, shards, writerId, now);
                return false;
            }
            summarise(duck, List.copyOf(files.values()));
            return true;
        } catch (SQLException e) {
            Map<String, String> corrupt = Quarantine.unreadableShards(duck, shards);
            if (corrupt.isEmpty()) {
                throw new MaintenanceException(
                        "summarising the metrics of experiment '" + experiment + "' failed: "
                                + Quarantine.firstLine(e.getMessage()),
                        e);
            }
            Quarantine.commit(committer, snap, corrupt, shards, writerId, now);
            return false;
        }
    }

    /**
     * Inserts one row per run (and its params, tags, artifacts and inputs) into the tables the index is selected
     * from, counting the statuses into {@code statusCounts}; returns when the first RUNNING run would be CRASHED
     * (null: none runs).
     */
    private Long insertRuns(
            Duck duck,
            String experiment,
            Map<String, RunState> runs,
            Map<String, List<AnnotationFold.Keyed>> notes,
            long now,
            Map<String, Long> statusCounts)
            throws SQLException {
        long timeout = options.crashTimeout().toMillis();
        Long validUntil = null;
        try (PreparedStatement runRow =
                        duck.prepare("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement kv = duck.prepare("INSERT INTO kv VALUES (?, ?, ?, ?)");
                // a param's text by the rule the readers of raw JSON apply (json() re-serialises as their reader does)
                PreparedStatement param = duck.prepare("INSERT INTO kv SELECT ?, 'param', ?, "
                        + RunRules.paramTextSql("v") + " FROM (SELECT json(?) AS v)")) {
            for (RunState s : runs.values()) {
                RunStatus status = s.status(now, timeout);
                statusCounts.merge(status.name(), 1L, Long::sum);
                if (status == RunStatus.RUNNING) {
                    long until = s.lastActivityMs() + timeout + 1; // RUNNING: it has activity
                    validUntil = validUntil == null ? until : Math.min(validUntil, until);
                }
                int i = 1;
                runRow.setString(i++, experiment);
                runRow.setString(i++, s.runId());
                runRow.setString(i++, s.start().map(RunStart::name).orElse(null));
                runRow.setString(i++, s.start().map(RunStart::parentRunId).orElse(null));
                runRow.setString(i++, status.name());
                setMillis(runRow, i++, s.startTimeMs());
                setMillis(runRow, i++, s.endTimeMs(status));
                setMillis(runRow, i++, s.lastActivityMs());
                runRow.setString(i++, s.environment("user"));
                runRow.setString(i++, s.environment("host"));
                runRow.setString(i++, s.codeVersion());
                runRow.setString(i++, s.error());
                AnnotationFold.Folded folded = AnnotationFold.fold(s.tags(), notes.getOrDefault(s.runId(), List.of()));
                runRow.setString(i++, folded.note());
                runRow.setBoolean(i, folded.archived());
                runRow.addBatch();
                for (Map.Entry<String, String> p : s.paramsJson().entrySet()) {
                    param.setString(1, s.runId());
                    param.setString(2, p.getKey());
                    param.setString(3, p.getValue());
                    param.addBatch();
                }
                for (Map.Entry<String, String> t : folded.tags().entrySet()) addKv(kv, s.runId(), "tag", t);
            }
            runRow.executeBatch();
            kv.executeBatch();
            param.executeBatch();
        }
        IndexLineage.insert(duck, runs.values());
        return validUntil;
    }

    /** Uploads the index file and commits it with the malformed objects' quarantine; empty: lost a race. */
    private Optional<Result> publish(
            String experiment,
            LakeSnapshot snap,
            String fingerprint,
            IndexFile index,
            SettledWatermark watermark,
            Map<String, String> bad,
            int runCount,
            long now) {
        Path out = index.path();
        String key = LakeLayout.runsIndexFile(experiment, RunIds.newId());
        if (!store.putFileIfAbsent(key, out)
                && store.head(key).map(i -> i.size() != LocalFiles.sizeOf(out)).orElse(true)) {
            throw new MaintenanceException("runs index file " + key + " already exists; file ids must be unique");
        }
        List<Quarantined> malformed = new ArrayList<>();
        bad.forEach((k, err) -> malformed.add(new Quarantined(k, err, null, now)));
        LakeCommitter.Outcome commit = committer.commit(
                snap,
                LakeOperations.replaceIndex(
                        snap,
                        new LakeCommit.IndexFile(
                                key,
                                runCount,
                                LocalFiles.sizeOf(out),
                                now,
                                fingerprint,
                                index.validUntil(),
                                watermark.toTag()),
                        malformed,
                        writerId,
                        now));
        if (!commit.committed()) {
            deleteQuietly(key); // an index or quarantine commit came in between: rebuild from the new state
            return Optional.empty();
        }
        if (!bad.isEmpty()) LOG.warn("experiment '{}': quarantined malformed objects {}", experiment, bad);
        LOG.info(
                "experiment '{}': v{} runs index {} ({} runs: {})",
                experiment,
                commit.snapshot().runsVersion(),
                key,
                runCount,
                index.statusCounts());
        return Optional.of(new Result(
                experiment,
                true,
                false,
                key,
                commit.snapshot().runsVersion(),
                runCount,
                bad.size(),
                index.statusCounts()));
    }

    private static final String INDEX_SELECT = """
            SELECT r.experiment, r.run_id, r.name, r.parent_run_id, r.status, r.start_time, r.end_time, r.last_activity,
                   r."user", r.host, r.code_version, r.error, COALESCE(m.points, 0)::BIGINT AS points,
                   COALESCE(p.params, MAP {}::MAP(VARCHAR, VARCHAR)) AS params,
                   COALESCE(t.tags, MAP {}::MAP(VARCHAR, VARCHAR)) AS tags,
                   COALESCE(m.metrics, []) AS metrics, %s, r.note, r.archived
            FROM runs r
            LEFT JOIN (SELECT run_id, map(list(name ORDER BY name), list(value ORDER BY name)) AS params
                       FROM kv WHERE kind = 'param' GROUP BY run_id) p USING (run_id)
            LEFT JOIN (SELECT run_id, map(list(name ORDER BY name), list(value ORDER BY name)) AS tags
                       FROM kv WHERE kind = 'tag' GROUP BY run_id) t USING (run_id)
            LEFT JOIN (SELECT run_id, sum(point_count) AS points,
                              list({'key': key, 'last_value': last_value, 'min_value': min_value, 'max_value': max_value,
                                    'point_count': point_count, 'last_step': last_step} ORDER BY key) AS metrics
                       FROM summaries GROUP BY run_id) m USING (run_id)
            %s
            ORDER BY r.start_time NULLS LAST, r.run_id""".formatted(IndexLineage.selectList(), IndexLineage.joins());

    /** Per (run, metric): the summary of {@link MetricSummaries}, and the latest point's time (the run's activity). */
    private static void summarise(Duck duck, List<Path> files) throws SQLException {
        duck.exec(
                "CREATE TABLE runs (experiment VARCHAR, run_id VARCHAR, name VARCHAR, parent_run_id VARCHAR, status VARCHAR, "
                        + "start_time TIMESTAMPTZ, end_time TIMESTAMPTZ, last_activity TIMESTAMPTZ, \"user\" VARCHAR, host VARCHAR, "
                        + "code_version VARCHAR, error VARCHAR, note VARCHAR, archived BOOLEAN)");
        duck.exec("CREATE TABLE kv (run_id VARCHAR, kind VARCHAR, name VARCHAR, value VARCHAR)");
        String summaryColumns = "run_id, key, " + MetricSummaries.aggregates() + ", max(timestamp) AS last_time";
        if (files.isEmpty()) {
            duck.exec("CREATE TABLE summaries AS SELECT " + summaryColumns + " FROM (SELECT "
                    + MetricSchema.nullRow(MetricSchema.COLUMNS.stream()
                            .map(MetricSchema.Column::name)
                            .toList())
                    + ") WHERE false GROUP BY run_id, key");
        } else {
            duck.exec("CREATE TABLE summaries AS SELECT " + summaryColumns + " FROM (" + Duck.points(files)
                    + ") GROUP BY run_id, key");
        }
    }

    private static void setMillis(PreparedStatement ps, int i, Long ms) throws SQLException {
        if (ms == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC));
    }

    private static void addKv(PreparedStatement kv, String runId, String kind, Map.Entry<String, String> e)
            throws SQLException {
        kv.setString(1, runId);
        kv.setString(2, kind);
        kv.setString(3, e.getKey());
        kv.setString(4, e.getValue());
        kv.addBatch();
    }

    /** Reads every manifest and event (in parallel); malformed ones go to {@code bad} with the reason. */
    private Map<String, RunState> readManifests(List<LakeView.RawObject> objects, Map<String, String> bad) {
        Map<String, RunState> runs = new TreeMap<>();
        List<LakeView.RawObject> json = objects.stream()
                .filter(o -> o.parsed().kind() != Layout.RunObjectKind.SHARD)
                .toList();
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.max(1, Math.min(options.ioThreads(), json.size())), r -> {
                    Thread t = new Thread(r, "runlake-manifests");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<Optional<byte[]>>> bodies = new ArrayList<>();
            for (LakeView.RawObject o : json)
                bodies.add(pool.submit(() -> store.get(o.info().key())));
            for (int i = 0; i < json.size(); i++) {
                LakeView.RawObject o = json.get(i);
                Optional<byte[]> body = await(bodies.get(i));
                String key = o.info().key();
                if (body.isEmpty()) {
                    throw new StoreException(
                            "raw object " + key + " was listed but is gone; raw manifests must never be deleted");
                }
                Layout.RunObject ro = o.parsed();
                RunState run = runs.computeIfAbsent(ro.runId(), RunState::new);
                try {
                    // a newer object is refused (the whole index run stops) before it could be judged malformed
                    Object value = RunObjects.read(body.get(), key, ro);
                    if (value instanceof RunStart s) run.addStart(s);
                    else if (value instanceof WorkerStart w) run.addWorker(w);
                    else if (value instanceof RunEnd e) run.addEnd(e);
                    else if (value instanceof RunEvent e) run.addEvent(e, ro.seq());
                } catch (Json.MalformedObjectException e) {
                    bad.put(key, e.getMessage());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return runs;
    }

    /**
     * The experiment's valid annotations by run (FORMAT.md §8.4), and into {@code reopenedAt} when each run's newest
     * {@code reopen} annotation landed. A corrupt one is skipped and logged, not quarantined (it holds no points and
     * readers skip it the same way); a newer one stops the index run.
     */
    private Map<String, List<AnnotationFold.Keyed>> readAnnotations(
            List<ObjectInfo> listed, Map<String, Long> reopenedAt) {
        Map<String, List<AnnotationFold.Keyed>> byRun = new TreeMap<>();
        for (ObjectInfo o : listed) {
            Optional<Layout.AnnotationKey> key = Layout.parseAnnotation(o.key());
            if (key.isEmpty()) continue;
            Optional<byte[]> body = store.get(o.key());
            if (body.isEmpty()) continue; // purged meanwhile
            try {
                Annotation a = Annotation.read(body.get(), o.key(), key.get());
                byRun.computeIfAbsent(a.runId(), k -> new ArrayList<>())
                        .add(new AnnotationFold.Keyed(key.get().annotationId(), a));
                if (Annotation.REOPEN.equals(a.kind())) reopenedAt.merge(a.runId(), o.landedMs(), Math::max);
            } catch (Json.MalformedObjectException e) {
                LOG.warn("skipped {}", e.getMessage());
            }
        }
        return byRun;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading manifests", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Digest of everything the index is built from: manifests (key + etag), live files, uncovered shards, and the
     * annotations (key + etag).
     */
    static String fingerprint(LakeView view, List<LakeView.RawObject> objects, List<ObjectInfo> annotations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (LakeView.RawObject o : objects) {
                if (o.parsed().kind() == Layout.RunObjectKind.SHARD) continue;
                md.update((o.info().key() + "|" + o.info().etag() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (String k : view.pointSources()) md.update(("p|" + k + "\n").getBytes(StandardCharsets.UTF_8));
            for (ObjectInfo o : annotations) {
                md.update(("a|" + o.key() + "|" + o.etag() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (StoreException e) {
            // vacuum deletes unreferenced index files later
        }
    }
}
