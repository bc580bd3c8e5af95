package io.runlake.lake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.FormatVersion;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One experiment's part of the lake as of one version of each table: its live metrics files (and the raw shards
 * they hold), its current runs index and its quarantined raw objects (FORMAT.md, "The lake tables"). Immutable.
 */
public final class LakeSnapshot {
    private final String experiment;
    private final TableSnapshot metrics;
    private final TableSnapshot runs;
    private final Map<String, DataFile> files = new LinkedHashMap<>();
    private final Map<String, Long> fileTimes = new LinkedHashMap<>();
    private final Map<String, Long> removed = new LinkedHashMap<>();
    private final Map<String, Long> replacedIndexes = new LinkedHashMap<>();
    private final Map<String, Quarantined> quarantined = new LinkedHashMap<>();
    private ShardSet covered = ShardSet.EMPTY;
    private ObjectNode index;
    private String indexKey;

    LakeSnapshot(String experiment, TableSnapshot metrics, TableSnapshot runs) {
        this.experiment = experiment;
        this.metrics = metrics;
        this.runs = runs;
        metrics.liveFiles().forEach((key, add) -> {
            if (!experiment.equals(DeltaActions.partitionExperiment(add))) return;
            DataFile f = dataFile(key, add);
            files.put(key, f);
            fileTimes.put(key, add.path("modificationTime").asLong());
            covered = covered.union(f.covers());
        });
        tombstonesOf(metrics, removed);
        runs.liveFiles().forEach((key, add) -> {
            if (!experiment.equals(DeltaActions.partitionExperiment(add))) return;
            if (index == null
                    || add.path("modificationTime").asLong()
                            >= index.path("modificationTime").asLong()) {
                index = add;
                indexKey = key;
            }
        });
        tombstonesOf(runs, replacedIndexes);
        for (TableSnapshot t : List.of(metrics, runs)) {
            t.domain(DeltaActions.quarantineDomain(experiment))
                    .ifPresent(c -> DeltaActions.parseQuarantine(c, t.table().logPrefix())
                            .forEach(q -> quarantined.putIfAbsent(q.key(), q)));
        }
    }

    /** The state before any commit. */
    public static LakeSnapshot empty(String experiment) {
        return new LakeSnapshot(
                experiment, TableSnapshot.empty(LakeTable.METRICS), TableSnapshot.empty(LakeTable.RUNS));
    }

    /**
     * Reads both tables' logs and takes {@code experiment}'s part.
     *
     * @throws LakeLogException if a log is damaged
     * @throws FormatVersion.UnsupportedFormatException if a table needs a newer reader
     * @throws UpgradeRequiredException if the store has only an older RunLake's lake log
     */
    public static LakeSnapshot load(ObjectStore store, String experiment) {
        LakeSnapshot s = loadTables(store, experiment);
        if (s.metrics.version() < 0 && s.runs.version() < 0 && LakeUpgrade.needed(store)) {
            throw new UpgradeRequiredException("this store's lake still has the log of an older RunLake (lake/_log/): "
                    + "run `runlake upgrade` (or any maintenance: compact, index) to move it into the lake tables");
        }
        return s;
    }

    /** As {@link #load}, also while an older log waits for the upgrade (which reads the tables it fills). */
    static LakeSnapshot loadTables(ObjectStore store, String experiment) {
        return new LakeSnapshot(
                experiment, TableSnapshot.load(store, LakeTable.METRICS), TableSnapshot.load(store, LakeTable.RUNS));
    }

    /** This snapshot brought up to date, reading only the commits made since (the commit loop's refresh). */
    public LakeSnapshot refresh(ObjectStore store) {
        return new LakeSnapshot(experiment, metrics.refresh(store), runs.refresh(store));
    }

    /** The same tables seen for another experiment (no store access). */
    public LakeSnapshot forExperiment(String other) {
        return new LakeSnapshot(other, metrics, runs);
    }

    /** The experiments with live files in either table of {@code store}. */
    public static List<String> experiments(ObjectStore store) {
        return loadTables(store, "").experimentsWithFiles();
    }

    /** The experiments with live files in either table of this snapshot (all experiments, not only this one's). */
    public List<String> experimentsWithFiles() {
        TreeSet<String> out = new TreeSet<>();
        for (TableSnapshot t : List.of(metrics, runs)) {
            t.liveFiles().values().forEach(a -> {
                String e = DeltaActions.partitionExperiment(a);
                if (e != null) out.add(e);
            });
        }
        return List.copyOf(out);
    }

    /** The keys of every live file of both tables of {@code store}, all experiments. */
    public static Set<String> liveKeysOfAllExperiments(ObjectStore store) {
        Set<String> out = new LinkedHashSet<>();
        for (LakeTable t : LakeTable.values())
            out.addAll(TableSnapshot.load(store, t).liveFiles().keySet());
        return out;
    }

    private void tombstonesOf(TableSnapshot table, Map<String, Long> out) {
        table.tombstones().forEach((key, remove) -> {
            if (experiment.equals(DeltaActions.partitionExperiment(remove))) {
                out.put(key, remove.path("deletionTimestamp").asLong());
            }
        });
    }

    private static DataFile dataFile(String key, ObjectNode add) {
        ObjectNode stats = DeltaActions.stats(add);
        String covers = DeltaActions.tag(add, DeltaActions.TAG_COVERS);
        String tier = DeltaActions.tag(add, DeltaActions.TAG_TIER);
        return new DataFile(
                key,
                stats.path("numRecords").asLong(-1),
                add.path("size").asLong(),
                stats.path("minValues").path("run_id").textValue(),
                stats.path("maxValues").path("run_id").textValue(),
                tier == null ? 0 : Integer.parseInt(tier),
                covers == null ? ShardSet.EMPTY : ShardSet.parse(covers, key));
    }

    TableSnapshot table(LakeTable t) {
        return t == LakeTable.METRICS ? metrics : runs;
    }

    /** This snapshot with {@code table} replaced by its state after a commit. */
    LakeSnapshot with(TableSnapshot table) {
        return table.table() == LakeTable.METRICS
                ? new LakeSnapshot(experiment, table, runs)
                : new LakeSnapshot(experiment, metrics, table);
    }

    /** Whether {@code table} has anything of this experiment: a live or removed file, or quarantine records. */
    boolean hasAny(LakeTable table) {
        TableSnapshot t = table(table);
        return t.liveFiles().values().stream().anyMatch(a -> experiment.equals(DeltaActions.partitionExperiment(a)))
                || t.tombstones().values().stream()
                        .anyMatch(a -> experiment.equals(DeltaActions.partitionExperiment(a)))
                || t.domain(DeltaActions.quarantineDomain(experiment)).isPresent();
    }

    public String experiment() {
        return experiment;
    }

    /** The metrics table's version; -1 before its first commit. */
    public long version() {
        return metrics.version();
    }

    /** The runs table's version; -1 before its first commit. */
    public long runsVersion() {
        return runs.version();
    }

    public long lastCommitTimeMs() {
        return metrics.lastCommitTimeMs();
    }

    /** Live metrics files of this experiment, in the order they were added. */
    public List<DataFile> liveFiles() {
        return Collections.unmodifiableList(new ArrayList<>(files.values()));
    }

    public DataFile liveFile(String path) {
        return files.get(path);
    }

    public boolean isLive(String path) {
        return files.containsKey(path);
    }

    /** Whether a live file holds the points of this raw shard (readers skip it). */
    public boolean isCovered(String shardKey) {
        return covered.contains(shardKey);
    }

    /** Shards held by live files, counted once per file that holds them (more than the shards: one is held twice). */
    public long coveredShardCount() {
        return files.values().stream().mapToLong(f -> f.covers().size()).sum();
    }

    /** When the raw shard was covered: the commit time of the earliest live file holding it; null if not covered. */
    public Long coveredAt(String shardKey) {
        Long at = null;
        for (DataFile f : files.values()) {
            if (f.covers().contains(shardKey)) {
                long t = fileTimes.get(f.path());
                at = at == null ? t : Math.min(at, t);
            }
        }
        return at;
    }

    /** Metrics files no longer live, with the time they were removed (vacuum deletes them after a grace period). */
    public Map<String, Long> removedFiles() {
        return Collections.unmodifiableMap(removed);
    }

    /** Runs-index files replaced by a newer index, with the time they were replaced. */
    public Map<String, Long> replacedIndexes() {
        return Collections.unmodifiableMap(replacedIndexes);
    }

    public boolean isQuarantined(String key) {
        return quarantined.containsKey(key);
    }

    public Map<String, Quarantined> quarantined() {
        return Collections.unmodifiableMap(quarantined);
    }

    /** The current runs-index file, or null if none was committed yet. */
    public String indexFile() {
        return indexKey;
    }

    public String indexFingerprint() {
        return index == null ? null : DeltaActions.tag(index, DeltaActions.TAG_FINGERPRINT);
    }

    public Long indexValidUntilMs() {
        String v = index == null ? null : DeltaActions.tag(index, DeltaActions.TAG_VALID_UNTIL);
        return v == null ? null : Long.parseLong(v);
    }

    /** The settled watermark of the current index, or empty (no index, or one written before watermarks). */
    public Optional<SettledWatermark> indexWatermark() {
        return index == null
                ? Optional.empty()
                : SettledWatermark.fromTag(DeltaActions.tag(index, DeltaActions.TAG_SETTLED));
    }

    /**
     * When the indexer listed the inputs of the current index (its {@code modificationTime}); readers compare raw
     * objects' times with it. Null if there is no index.
     */
    public Long indexTimeMs() {
        return index == null ? null : index.path("modificationTime").asLong();
    }

    /** Any lake object the logs name, live or removed (vacuum keeps unreferenced ones only until they are old). */
    public boolean isReferenced(String path) {
        return files.containsKey(path)
                || removed.containsKey(path)
                || path.equals(indexKey)
                || replacedIndexes.containsKey(path)
                || metrics.liveFiles().containsKey(path)
                || metrics.tombstones().containsKey(path)
                || runs.liveFiles().containsKey(path)
                || runs.tombstones().containsKey(path);
    }

    @Override
    public String toString() {
        return "LakeSnapshot{" + experiment + " metrics v" + version() + ", runs v" + runsVersion() + ", "
                + files.size() + " live files, " + quarantined.size() + " quarantined, index=" + indexKey + "}";
    }
}
