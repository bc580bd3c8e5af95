package io.runlake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.lake.legacy.LegacyLog;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Upgrades a store whose lake still has the log RunLake kept before its lake became Delta tables
 * ({@code lake/_log/experiment=<esc>/}; FORMAT.md, "Upgrading a store"). Per experiment, in one pass that can
 * be repeated after a crash:
 *
 * <ol>
 *   <li>replay the old log;
 *   <li>unless the metrics table already has the experiment, commit its live files (holding the shards the old
 *       log covered) and quarantine records to the metrics table, and its runs index to the runs table;
 *   <li><b>seal</b> the old log: put-if-absent its next entry, of format version 2, which any older RunLake
 *       refuses ("upgrade RunLake to read it"), so no older reader or maintainer ever reads a stale old log.
 * </ol>
 *
 * Nothing is deleted or rewritten: lake files keep their keys, the old log stays as it was plus its seal.
 */
public final class LakeUpgrade {
    /** The format version of the seal entry; RunLake before Delta tables supports 1 only. */
    static final int SEAL_FORMAT_VERSION = 2;

    static final String SEAL_KIND = "moved_to_delta";

    private LakeUpgrade() {}

    /** What an upgrade did: the experiments it moved and those already moved. */
    public record Result(List<String> upgraded, List<String> alreadyDone) {
        public boolean changedAnything() {
            return !upgraded.isEmpty();
        }
    }

    /** Whether the store has an old log that is not sealed yet (one LIST). */
    public static boolean needed(ObjectStore store) {
        return !unsealed(store).isEmpty();
    }

    /** Upgrades every experiment of the old log. Safe to run again, and concurrently with itself. */
    public static Result run(LakeCommitter committer, String writer, long nowMs) {
        ObjectStore store = committer.store();
        List<String> upgraded = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Long> e : experiments(store).entrySet()) {
            String experiment = e.getKey();
            if (isSealed(store, experiment, e.getValue())) {
                done.add(experiment);
                continue;
            }
            LegacyLog old = LegacyLog.load(store, experiment);
            importInto(committer, old, writer, nowMs);
            seal(store, old);
            upgraded.add(experiment);
        }
        return new Result(upgraded, done);
    }

    private static Map<String, Long> unsealed(ObjectStore store) {
        Map<String, Long> out = new TreeMap<>();
        experiments(store).forEach((experiment, last) -> {
            if (!isSealed(store, experiment, last)) out.put(experiment, last);
        });
        return out;
    }

    /** Experiment → greatest entry version of the old log. */
    private static Map<String, Long> experiments(ObjectStore store) {
        Map<String, Long> out = new TreeMap<>();
        for (ObjectInfo o : store.list(LakeLayout.LOG)) {
            LakeLayout.parseLogKey(o.key())
                    .filter(k -> !k.checkpoint())
                    .ifPresent(k -> out.merge(k.experiment(), k.version(), Math::max));
        }
        return out;
    }

    private static boolean isSealed(ObjectStore store, String experiment, long lastVersion) {
        Optional<byte[]> last = store.get(LakeLayout.logEntry(experiment, lastVersion));
        if (last.isEmpty()) return false;
        try {
            JsonNode entry = Json.MAPPER.readTree(last.get());
            return SEAL_KIND.equals(entry.path("kind").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private static void importInto(LakeCommitter committer, LegacyLog old, String writer, long nowMs) {
        String experiment = old.experiment();
        List<DataFile> files = new ArrayList<>(old.liveFiles());
        List<String> covered = old.coveredShards().keySet().stream()
                .filter(k -> Layout.parseRunObject(k)
                        .filter(o -> o.kind() == Layout.RunObjectKind.SHARD)
                        .isPresent())
                .toList();
        // The live files together hold every covered shard; which file carries the set does not matter to readers.
        if (!files.isEmpty()) files.set(0, files.get(0).withCovers(ShardSet.of(covered)));
        Map<String, Quarantined> quarantined = new LinkedHashMap<>(old.quarantined());
        LakeCommit metrics = new LakeCommit(
                LakeTable.METRICS,
                experiment,
                LakeCommit.UPGRADE,
                nowMs,
                writer,
                files,
                List.of(),
                null,
                List.copyOf(quarantined.values()));
        committer.commit(
                LakeSnapshot.loadTables(committer.store(), experiment), LakeOperations.importExperiment(metrics));
        if (old.indexFile() != null) {
            long bytes = committer
                    .store()
                    .head(old.indexFile())
                    .map(ObjectInfo::size)
                    .orElse(0L);
            LakeCommit.IndexFile index = new LakeCommit.IndexFile(
                    old.indexFile(),
                    -1,
                    bytes,
                    old.indexTimeMs() == null ? old.lastCommitTimeMs() : old.indexTimeMs(),
                    old.indexFingerprint(),
                    old.indexValidUntilMs());
            LakeCommit runs = LakeCommit.index(experiment, nowMs, writer, index, List.of());
            committer.commit(experiment, LakeOperations.importExperiment(runs));
        }
    }

    private static void seal(ObjectStore store, LegacyLog old) {
        long version = old.version() + 1;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("format_version", SEAL_FORMAT_VERSION);
        entry.put("version", version);
        entry.put("kind", SEAL_KIND);
        entry.put("moved_to", List.of(LakeTable.METRICS.logPrefix(), LakeTable.RUNS.logPrefix()));
        String key = LakeLayout.logEntry(old.experiment(), version);
        if (!store.putIfAbsent(key, Json.write(entry)) && !isSealed(store, old.experiment(), version)) {
            throw new LakeLogException("the old lake log of experiment '" + old.experiment() + "' got entry " + key
                    + " while it was being upgraded: stop the older RunLake's maintenance and run the upgrade again");
        }
    }
}
