package io.runlake.lake.legacy;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeLogException;
import io.runlake.lake.Quarantined;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The lake log RunLake kept before its lake became Delta tables ({@code lake/_log/experiment=<esc>/}): an
 * experiment's state replayed from it, read only by the upgrade (FORMAT.md, "Upgrading a store").
 */
public final class LegacyLog {
    private final String experiment;
    private long version = -1;
    private long lastCommitTimeMs;
    private final Map<String, DataFile> files = new LinkedHashMap<>();
    private final Map<String, Long> covered = new LinkedHashMap<>();
    private final Map<String, Long> removed = new LinkedHashMap<>();
    private final Map<String, Quarantined> quarantined = new LinkedHashMap<>();
    private final Map<String, Long> replacedIndexes = new LinkedHashMap<>();
    private String index;
    private long indexVersion = -1;
    private String indexFingerprint;
    private Long indexValidUntilMs;
    private Long indexTimeMs;

    private LegacyLog(String experiment) {
        this.experiment = experiment;
    }

    /** The state before any commit. */
    public static LegacyLog empty(String experiment) {
        return new LegacyLog(experiment);
    }

    /**
     * Reads the log of {@code experiment}: lists {@code lake/_log/experiment=<esc>/}, starts from the newest
     * readable checkpoint and applies every later entry in version order.
     *
     * @throws LakeLogException if an entry is missing in the middle or unreadable
     * @throws FormatVersion.UnsupportedFormatException if an entry or the checkpoint used is from a newer format
     */
    public static LegacyLog load(ObjectStore store, String experiment) {
        TreeMap<Long, String> entries = new TreeMap<>();
        TreeMap<Long, String> checkpoints = new TreeMap<>();
        for (ObjectInfo o : store.list(LakeLayout.logPrefix(experiment))) {
            Optional<LakeLayout.LogKey> k = LakeLayout.parseLogKey(o.key());
            if (k.isEmpty() || !k.get().experiment().equals(experiment)) continue;
            (k.get().checkpoint() ? checkpoints : entries).put(k.get().version(), o.key());
        }
        LegacyLog s = new LegacyLog(experiment);
        if (entries.isEmpty()) return s;
        long last = entries.lastKey();
        for (Map.Entry<Long, String> cp : checkpoints.descendingMap().entrySet()) {
            if (cp.getKey() > last) continue;
            Optional<LegacyLog> fromCheckpoint = readCheckpoint(store, experiment, cp.getValue());
            if (fromCheckpoint.isPresent()) {
                s = fromCheckpoint.get();
                break;
            }
        }
        for (long v = s.version + 1; v <= last; v++) {
            String key = entries.get(v);
            if (key == null) {
                throw new LakeLogException("lake log of experiment '" + experiment + "' has no entry "
                        + LakeLayout.logEntry(experiment, v) + " although " + entries.get(last) + " exists");
            }
            byte[] bytes = store.get(key)
                    .orElseThrow(() -> new LakeLogException("lake log entry " + key
                            + " was listed but cannot be read; log entries must never be deleted"));
            s.apply(parseEntry(bytes, key, v));
        }
        if (s.indexVersion >= 0 && s.indexTimeMs == null) s.indexTimeMs = indexTimeFromEntry(store, s);
        return s;
    }

    /** Parses and checks one log entry. */
    public static LegacyEntry parseEntry(byte[] bytes, String key, long expectedVersion) {
        LegacyEntry c;
        try {
            c = FormatVersion.readJson(
                    bytes, LegacyEntry.class, key); // a newer entry is refused, never "not valid JSON"
        } catch (Json.MalformedObjectException e) {
            throw new LakeLogException("lake log entry " + key + " is not valid JSON: " + e.getMessage());
        }
        if (c.version() != expectedVersion) {
            throw new LakeLogException(
                    "lake log entry " + key + " says version " + c.version() + ", expected " + expectedVersion);
        }
        if (!LegacyEntry.KINDS.contains(c.kind())) {
            throw new LakeLogException("lake log entry " + key + " has unknown kind '" + c.kind() + "'");
        }
        return c;
    }

    /**
     * A checkpoint is derived data: an unreadable one is skipped and the entries replayed instead. One from a newer
     * format is refused like a newer entry ({@link FormatVersion.UnsupportedFormatException}): a newer RunLake
     * maintains this log, and its entries cannot be replayed by this one either.
     */
    private static Optional<LegacyLog> readCheckpoint(ObjectStore store, String experiment, String key) {
        try {
            Optional<byte[]> bytes = store.get(key);
            if (bytes.isEmpty()) return Optional.empty();
            LegacyCheckpoint cp = FormatVersion.readJson(bytes.get(), LegacyCheckpoint.class, key);
            if (!experiment.equals(cp.experiment())) return Optional.empty();
            return Optional.of(fromCheckpoint(cp));
        } catch (Json.MalformedObjectException e) {
            return Optional.empty(); // derived data: replay the entries instead
        }
    }

    /**
     * A checkpoint written before checkpoints carried the index commit's time: read it from that entry. Left
     * unknown (null) if the entry cannot be read; readers then do not trust the index's statuses.
     */
    private static Long indexTimeFromEntry(ObjectStore store, LegacyLog s) {
        String key = LakeLayout.logEntry(s.experiment, s.indexVersion);
        try {
            Optional<byte[]> bytes = store.get(key);
            return bytes.isEmpty()
                    ? null
                    : parseEntry(bytes.get(), key, s.indexVersion).timeMs();
        } catch (LakeLogException e) {
            return null;
        }
    }

    private static LegacyLog fromCheckpoint(LegacyCheckpoint cp) {
        LegacyLog s = new LegacyLog(cp.experiment());
        s.version = cp.version();
        s.lastCommitTimeMs = cp.lastCommitTimeMs();
        if (cp.files() != null) cp.files().forEach(f -> s.files.put(f.path(), f));
        if (cp.coveredShards() != null) s.covered.putAll(cp.coveredShards());
        if (cp.removedFiles() != null) s.removed.putAll(cp.removedFiles());
        if (cp.replacedIndexes() != null) s.replacedIndexes.putAll(cp.replacedIndexes());
        if (cp.quarantined() != null) cp.quarantined().forEach(q -> s.quarantined.put(q.key(), q));
        s.index = cp.index();
        s.indexVersion = cp.indexVersion();
        s.indexFingerprint = cp.indexFingerprint();
        s.indexValidUntilMs = cp.indexValidUntilMs();
        s.indexTimeMs = cp.indexTimeMs();
        return s;
    }

    /** An independent copy (snapshots are only mutated while being built). */
    LegacyLog copy() {
        return fromCheckpoint(toCheckpoint(FormatVersion.CURRENT));
    }

    /** Applies the next entry (its version must be this snapshot's version + 1). */
    void apply(LegacyEntry c) {
        if (c.version() != version + 1) {
            throw new LakeLogException("cannot apply lake log entry " + c.version() + " on top of version " + version);
        }
        for (String path : c.remove()) {
            if (files.remove(path) != null) removed.put(path, c.timeMs());
        }
        for (DataFile f : c.add()) files.put(f.path(), f);
        for (String shard : c.coveredShards()) covered.putIfAbsent(shard, c.timeMs());
        for (Quarantined q : c.quarantined()) quarantined.putIfAbsent(q.key(), q);
        if (c.index() != null) {
            if (index != null && !index.equals(c.index())) replacedIndexes.put(index, c.timeMs());
            index = c.index();
            indexVersion = c.version();
            indexFingerprint = c.indexFingerprint();
            indexValidUntilMs = c.indexValidUntilMs();
            indexTimeMs = c.timeMs();
        }
        version = c.version();
        lastCommitTimeMs = c.timeMs();
    }

    public LegacyCheckpoint toCheckpoint(int formatVersion) {
        return new LegacyCheckpoint(
                formatVersion,
                experiment,
                version,
                lastCommitTimeMs,
                List.copyOf(files.values()),
                new LinkedHashMap<>(covered),
                new LinkedHashMap<>(removed),
                index,
                indexVersion,
                indexFingerprint,
                indexValidUntilMs,
                new LinkedHashMap<>(replacedIndexes),
                List.copyOf(quarantined.values()),
                indexTimeMs);
    }

    public String experiment() {
        return experiment;
    }

    /** The last applied log version; -1 when the log is empty. */
    public long version() {
        return version;
    }

    public long lastCommitTimeMs() {
        return lastCommitTimeMs;
    }

    /** Live compacted files, in the order they were added. */
    public List<DataFile> liveFiles() {
        return Collections.unmodifiableList(new ArrayList<>(files.values()));
    }

    public boolean isLive(String path) {
        return files.containsKey(path);
    }

    public boolean isCovered(String shardKey) {
        return covered.containsKey(shardKey);
    }

    /** Covered raw shard keys with the time of the commit that covered them. */
    public Map<String, Long> coveredShards() {
        return Collections.unmodifiableMap(covered);
    }

    /** Lake files no longer live, with the time of the commit that removed them (vacuum deletes them after a grace period). */
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

    /** The current runs-index file, or null if no index was committed yet. */
    public String indexFile() {
        return index;
    }

    /** The log version of the commit that made {@link #indexFile()} current; -1 if none. */
    public long indexVersion() {
        return indexVersion;
    }

    public String indexFingerprint() {
        return indexFingerprint;
    }

    public Long indexValidUntilMs() {
        return indexValidUntilMs;
    }

    /**
     * The time of the commit that made {@link #indexFile()} current (readers compare raw objects' times with
     * it); null if no index was committed, or if an old checkpoint lacks it and its entry cannot be read.
     */
    public Long indexTimeMs() {
        return indexTimeMs;
    }

    /** Any lake object referenced by the log, live or not (vacuum keeps unreferenced ones only until they are old). */
    public boolean isReferenced(String path) {
        return files.containsKey(path)
                || removed.containsKey(path)
                || path.equals(index)
                || replacedIndexes.containsKey(path);
    }

    @Override
    public String toString() {
        return "LegacyLog{" + experiment + " v" + version + ", " + files.size() + " live files, " + covered.size()
                + " covered shards, " + quarantined.size() + " quarantined, index=" + index + "}";
    }
}
