package io.runlake.functions.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeOperations;
import io.runlake.lake.LakeSnapshot;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.ModelUri;
import io.runlake.runs.PurgeAudits;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Really deletes one run (FORMAT.md §12.11): its points from the lake, its raw objects, annotations and run-id
 * pointer, then rebuilds the runs index. An audit entry is written first as the intent, so a purge stopped
 * half-way (a crash, a store refusing deletes) leaves a record that the next purge of the run completes.
 * Artifact blobs are kept: they are content-addressed and may be shared with other runs and models.
 */
public final class Purge {
    static final String KIND = PurgeAudits.KIND;
    private static final int MAX_ATTEMPTS = 5;

    private final ObjectStore store;
    private final CompactorOptions compactorOptions;
    private final IndexerOptions indexerOptions;
    private final Compactor files;
    private final LakeCommitter committer;
    private final String writerId = RunIds.newId();

    public Purge(ObjectStore store, CompactorOptions compactorOptions, IndexerOptions indexerOptions) {
        this.store = store;
        this.compactorOptions = compactorOptions;
        this.indexerOptions = indexerOptions;
        this.files = new Compactor(store, compactorOptions);
        this.committer = new LakeCommitter(store);
    }

    /**
     * What a purge of the run would delete.
     *
     * @param ended whether any worker of the run wrote an end manifest (else it may still be writing)
     * @param keys the run's objects, deleted in this order: raw objects, annotations, the run-id pointer last
     * @param lakeFiles live lake files whose run-id range includes the run (those holding its points are rewritten)
     * @param pendingAudit the audit entry of an earlier purge of the run that did not complete, if any
     * @param modelVersions the model versions that name the run ({@code models:/fraud/3}); they are never changed, so
     *     a purge leaves them naming a purged run
     */
    public record Plan(
            String experiment,
            String runId,
            boolean ended,
            List<String> keys,
            List<String> lakeFiles,
            Optional<String> pendingAudit,
            List<String> modelVersions) {}

    /**
     * What a purge did.
     *
     * @param auditKey the audit entry ({@code audit/<id>.json})
     * @param alreadyPurged nothing was left: an earlier purge completed (auditKey is its entry)
     * @param deleted keys deleted by this call
     * @param lakeFilesRewritten lake files removed by the purge commit(s)
     * @param lakeVersion metrics-table version of the last purge commit; null when no lake file held the run's points
     */
    public record Result(
            String auditKey,
            boolean alreadyPurged,
            List<String> deleted,
            List<String> lakeFilesRewritten,
            Long lakeVersion) {}

    /** The plan for {@code runId}; empty when the store has nothing of it and no unfinished purge of it. */
    public Optional<Plan> plan(String runId) {
        Optional<PurgeAudits.Entry> audit = PurgeAudits.latest(store, runId);
        Optional<String> pending = audit.filter(a -> !a.completed()).map(PurgeAudits.Entry::key);
        Optional<String> experiment = store.get(Layout.runIdPointer(runId))
                .map(b -> Json.read(b, RunIdPointer.class, Layout.runIdPointer(runId))
                        .experiment())
                .or(() -> audit.map(PurgeAudits.Entry::experiment)); // a stopped purge, or a run re-created after one
        if (experiment.isEmpty()) return Optional.empty();
        String exp = experiment.get();
        List<String> raw = new ArrayList<>();
        boolean ended = false;
        for (ObjectInfo o : store.list(Layout.runPrefix(exp, runId))) {
            raw.add(o.key());
            ended |= Layout.parseRunObject(o.key())
                    .map(r -> r.kind() == Layout.RunObjectKind.END)
                    .orElse(false);
        }
        List<String> keys = new ArrayList<>(raw);
        store.list(Layout.annotationPrefix(exp, runId)).forEach(o -> keys.add(o.key()));
        if (store.head(Layout.runIdPointer(runId)).isPresent()) keys.add(Layout.runIdPointer(runId));
        if (keys.isEmpty() && pending.isEmpty()) return Optional.empty(); // purged (its points left with its shards)
        List<String> lake = candidates(LakeSnapshot.load(store, exp), runId).stream()
                .map(DataFile::path)
                .toList();
        return Optional.of(new Plan(exp, runId, ended, List.copyOf(keys), lake, pending, modelVersionsOf(runId)));
    }

    /** The URIs of the model versions made by the run (FORMAT.md §16.3), in model and version order. */
    private List<String> modelVersionsOf(String runId) {
        return new ModelRegistry(store, "purge")
                .read().versions().stream()
                        .filter(v -> v.runId().equals(runId))
                        .map(v -> ModelUri.ofVersion(v.model(), v.version()).toString())
                        .toList();
    }

    /** {@link #purge(String, String, String, boolean, boolean)} of a run that no model version names. */
    public Result purge(String runId, String who, String reason, boolean force) {
        return purge(runId, who, reason, force, false);
    }

    /**
     * Purges {@code runId}. A run without an end manifest (still running, or crashed) is refused unless
     * {@code force}; a run that model versions name is refused unless {@code withModelVersions} (the versions are
     * kept and named in the audit entry; readers then show their run as purged); an unfinished earlier purge is
     * completed whatever its state.
     *
     * @throws IllegalArgumentException when the run is unknown, running without {@code force}, or named by model
     *     versions without {@code withModelVersions}
     */
    public Result purge(String runId, String who, String reason, boolean force, boolean withModelVersions) {
        Optional<Plan> found = plan(runId);
        if (found.isEmpty()) {
            Optional<PurgeAudits.Entry> done = PurgeAudits.latest(store, runId).filter(PurgeAudits.Entry::completed);
            if (done.isPresent()) return new Result(done.get().key(), true, List.of(), List.of(), null);
            throw new IllegalArgumentException("unknown run '" + runId + "' in " + store.uri());
        }
        Plan plan = found.get();
        if (!plan.ended() && !force && plan.pendingAudit().isEmpty()) {
            throw new IllegalArgumentException("run " + runId + " has no end manifest (it may still be running): "
                    + "purge it with --force once its writer has stopped");
        }
        if (!plan.modelVersions().isEmpty()
                && !withModelVersions
                && plan.pendingAudit().isEmpty()) {
            throw new IllegalArgumentException("run " + runId + " made the model versions "
                    + String.join(", ", plan.modelVersions()) + ": purging it leaves them without their run "
                    + "(their artifact bytes are kept and still resolve). Move or remove their aliases first if they "
                    + "must not be used, then purge with --model-versions-too to record them in the audit entry");
        }
        String auditKey = plan.pendingAudit().orElseGet(() -> writeIntent(plan, who, reason));
        String experiment = plan.experiment();
        List<String> rewritten = new ArrayList<>();
        Long version = rewriteLake(experiment, runId, rewritten);
        List<String> deleted = new ArrayList<>();
        for (String key : plan.keys()) {
            store.delete(key); // a refused delete stops here; the intent says what was attempted
            deleted.add(key);
        }
        // a compactor may have committed the run's last shards between the rewrite and their deletion
        Long again = rewriteLake(experiment, runId, rewritten);
        if (again != null) version = again;
        new Indexer(store, indexerOptions).index(experiment);
        ObjectNode done = Json.MAPPER.createObjectNode();
        done.put("format_version", 1);
        done.put("kind", KIND);
        done.put("audit", auditKey);
        done.put(
                "completed",
                Instant.ofEpochMilli(compactorOptions.clock().millis()).toString());
        done.set("keys_deleted", Json.MAPPER.valueToTree(deleted));
        done.set("lake_files_rewritten", Json.MAPPER.valueToTree(rewritten));
        if (version == null) done.putNull("lake_version");
        else done.put("lake_version", version);
        store.putIfAbsent(completionKey(auditKey), Json.write(done)); // a re-run that finds one there keeps it
        return new Result(auditKey, false, deleted, rewritten, version);
    }

    private String writeIntent(Plan plan, String who, String reason) {
        long now = compactorOptions.clock().millis();
        String key = Layout.AUDIT + RunIds.newId() + Layout.JSON_SUFFIX;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("format_version", 1);
        n.put("kind", KIND);
        n.put("experiment", plan.experiment());
        n.put("run_id", plan.runId());
        n.put("who", who);
        n.put("when", Instant.ofEpochMilli(now).toString());
        n.put("reason", reason);
        n.set("keys", Json.MAPPER.valueToTree(plan.keys()));
        n.set("lake_files", Json.MAPPER.valueToTree(plan.lakeFiles()));
        n.put("artifact_blobs", "kept");
        n.set("model_versions", Json.MAPPER.valueToTree(plan.modelVersions()));
        if (!store.putIfAbsent(key, Json.write(n))) throw new MaintenanceException("audit entry " + key + " exists");
        return key;
    }

    static String completionKey(String auditKey) {
        return PurgeAudits.completionKey(auditKey);
    }

    /** Live files whose run-id range includes the run (files are sorted by run id; null bounds: unknown). */
    private static List<DataFile> candidates(LakeSnapshot snapshot, String runId) {
        return snapshot.liveFiles().stream()
                .filter(f -> (f.minRunId() == null || f.minRunId().compareTo(runId) <= 0)
                        && (f.maxRunId() == null || f.maxRunId().compareTo(runId) >= 0))
                .toList();
    }

    /**
     * Replaces every live file holding the run's points by its rewrite without them, in one commit.
     *
     * @return the committed version, or null when no live file held any
     */
    private Long rewriteLake(String experiment, String runId, List<String> rewritten) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            LakeSnapshot snapshot = LakeSnapshot.load(store, experiment);
            List<DataFile> candidates = candidates(snapshot, runId);
            if (candidates.isEmpty()) return null;
            Map<String, DataFile> rewrites = new LinkedHashMap<>();
            try (LocalFiles local = new LocalFiles(store, compactorOptions.workDir(), compactorOptions.ioThreads())) {
                Map<String, Optional<Path>> got =
                        local.fetchAll(candidates.stream().map(DataFile::path).toList());
                if (got.values().stream().anyMatch(Optional::isEmpty)) continue; // merged and vacuumed meanwhile
                Map<String, Path> byKey = new LinkedHashMap<>();
                got.forEach((k, v) -> byKey.put(k, v.get()));
                try (Duck duck =
                        Duck.open(local.newDir("spill"), compactorOptions.memoryLimit(), compactorOptions.threads())) {
                    duck.requireSupportedFormat(byKey); // a newer lake file is never rewritten
                    String isRun = "run_id = " + Duck.lit(runId);
                    for (DataFile f : candidates) {
                        Path in = byKey.get(f.path());
                        Object[] r = duck.query("SELECT count(*) FILTER (WHERE " + isRun + "), count(*) FROM "
                                        + Duck.readParquet(List.of(in)))
                                .get(0);
                        long ofRun = ((Number) r[0]).longValue();
                        if (ofRun == 0) continue;
                        if (ofRun == ((Number) r[1]).longValue()) {
                            rewrites.put(f.path(), null); // only the run's points: removed, nothing added
                            continue;
                        }
                        Path out = local.newDir("out").resolve("purged.parquet");
                        files.writeSorted(duck, List.of(in), "NOT (" + isRun + ")", out, experiment);
                        Compactor.FileStats fs = Compactor.fileStats(duck, out);
                        rewrites.put(f.path(), files.upload(experiment, out, fs, f.tier()));
                    }
                } catch (SQLException e) {
                    throw new MaintenanceException(
                            "rewriting lake files of experiment '" + experiment + "' without run " + runId + " failed: "
                                    + Quarantine.firstLine(e.getMessage()),
                            e);
                }
            }
            if (rewrites.isEmpty()) return null;
            LakeCommitter.Outcome outcome = committer.commit(
                    snapshot, LakeOperations.purge(runId, rewrites, writerId, compactorOptions.clock()::millis));
            if (outcome.committed()) {
                rewritten.addAll(rewrites.keySet());
                return outcome.snapshot().version();
            }
            for (DataFile f : rewrites.values()) if (f != null) store.delete(f.path()); // never committed
        }
        throw new MaintenanceException("gave up purging run " + runId + " from the lake of experiment '" + experiment
                + "' after " + MAX_ATTEMPTS + " attempts: its files kept being merged");
    }
}
