package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.lake.legacy.LegacyEntry;
import io.runlake.lake.legacy.LegacyLog;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.testing.ForwardingStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading a store whose lake still has RunLake's older log ({@code lake/_log/}, FORMAT.md "Upgrading a store"):
 * the lake tables then say what the old log said, the old log is sealed against older RunLakes, and an upgrade
 * repeated (after it finished, or after a crash) changes nothing twice.
 */
class LakeUpgradeTest {
    private static final String EXP = "old log/β";
    /** An experiment whose old log has a quarantine only. */
    private static final String QUARANTINE_ONLY = "quarantine only";

    private static final long NOW = 1_800_000_000_000L;
    private static final String RUN = RunIds.newId();
    private static final String WRITER = RunIds.newId();
    private static final String MAINTAINER = RunIds.newId();
    private static final DataFile F1 =
            new DataFile(LakeLayout.metricsFile(EXP, "f1"), 7, 1298, "01m8bn2a07g0000000000000r7", "01m8bn2a09g", 0);
    private static final DataFile F2 = new DataFile(LakeLayout.metricsFile(EXP, "f2"), 3, 500, "a", "b", 0);
    private static final String INDEX = LakeLayout.runsIndexFile(EXP, "x1");

    @TempDir
    Path tmp;

    private ObjectStore store;

    private static String shard(int seq) {
        return Layout.metricShard(EXP, RUN, 0, WRITER, seq);
    }

    private static Quarantined quarantined(String experiment, int seq) {
        String key = Layout.metricShard(experiment, RUN, 0, WRITER, seq);
        return new Quarantined(key, key + ": not a readable RunLake metric shard", null, 1795687630000L);
    }

    /** The older log, as FORMAT.md's example: a compaction, a quarantine, an index; then one more compaction. */
    @BeforeEach
    void writeTheOlderLog() {
        store = new FileObjectStore(tmp.resolve("store"));
        writeEntry(EXP, compaction(0, F1, List.of(shard(0), shard(1), shard(2))));
        writeEntry(EXP, quarantine(1, quarantined(EXP, 3)));
        writeEntry(
                EXP,
                new LegacyEntry(
                        1,
                        2,
                        LegacyEntry.INDEX,
                        1795687700000L,
                        MAINTAINER,
                        null,
                        null,
                        null,
                        INDEX,
                        "fingerprint-1",
                        1795687760000L,
                        null));
        writeEntry(EXP, compaction(3, F2, List.of(shard(5))));
        writeEntry(QUARANTINE_ONLY, quarantine(0, quarantined(QUARANTINE_ONLY, 0)));
        store.putIfAbsent(INDEX, new byte[321]);
    }

    private static LegacyEntry compaction(long version, DataFile add, List<String> covered) {
        return new LegacyEntry(
                1,
                version,
                LegacyEntry.COMPACTION,
                1795687600000L + version,
                MAINTAINER,
                List.of(add),
                null,
                covered,
                null,
                null,
                null,
                null);
    }

    private static LegacyEntry quarantine(long version, Quarantined object) {
        return new LegacyEntry(
                1,
                version,
                LegacyEntry.QUARANTINE,
                object.timeMs(),
                MAINTAINER,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(object));
    }

    private void writeEntry(String experiment, LegacyEntry entry) {
        assertTrue(store.putIfAbsent(LakeLayout.logEntry(experiment, entry.version()), Json.write(entry)));
    }

    private List<String> deltaLogKeys() {
        return Stream.of(LakeTable.values())
                .flatMap(t -> store.list(t.logPrefix()).stream())
                .map(ObjectInfo::key)
                .toList();
    }

    @Test
    void aStoreWithTheOlderLogIsRefusedUntilUpgraded() {
        assertTrue(LakeUpgrade.needed(store));
        UpgradeRequiredException e = assertThrows(UpgradeRequiredException.class, () -> LakeSnapshot.load(store, EXP));
        assertTrue(e.getMessage().contains("runlake upgrade"), e.getMessage());
    }

    @Test
    void theUpgradedLakeSaysWhatTheOlderLogSaid() {
        LegacyLog old = LegacyLog.load(store, EXP);
        LakeUpgrade.Result result = LakeUpgrade.run(new LakeCommitter(store), "w", NOW);
        assertEquals(List.of(EXP, QUARANTINE_ONLY), result.upgraded());
        assertTrue(result.changedAnything());
        assertFalse(LakeUpgrade.needed(store));

        LakeSnapshot s = LakeSnapshot.load(store, EXP);
        assertEquals(
                old.liveFiles(),
                s.liveFiles().stream().map(f -> f.withCovers(ShardSet.EMPTY)).toList(),
                "same files, rows, sizes, run id ranges and tiers");
        assertTrue(old.isCovered(shard(5)) && !old.isCovered(shard(4)), "the old log covers 0-2 and 5");
        for (int seq = 0; seq <= 6; seq++) {
            assertEquals(old.isCovered(shard(seq)), s.isCovered(shard(seq)), "shard " + seq);
        }
        assertEquals(old.quarantined(), s.quarantined());
        assertEquals(INDEX, s.indexFile());
        assertEquals("fingerprint-1", s.indexFingerprint());
        assertEquals(1795687760000L, s.indexValidUntilMs());
        assertEquals(1795687700000L, s.indexTimeMs(), "the index entry's time: readers compare raw objects' with it");
        assertEquals(321, indexSize(), "the runs index file's size");

        LakeSnapshot quarantineOnly = LakeSnapshot.load(store, QUARANTINE_ONLY);
        assertEquals(
                Map.of(quarantined(QUARANTINE_ONLY, 0).key(), quarantined(QUARANTINE_ONLY, 0)),
                quarantineOnly.quarantined());
        assertTrue(quarantineOnly.liveFiles().isEmpty());
    }

    private long indexSize() {
        String key = LakeTable.RUNS.commitKey(0);
        return DeltaActions.parseCommitFile(store.get(key).orElseThrow(), key).stream()
                .filter(a -> DeltaActions.type(a).equals("add"))
                .mapToLong(a -> DeltaActions.body(a).path("size").asLong())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theOlderLogIsSealedAgainstOlderRunLakes() throws Exception {
        LakeUpgrade.run(new LakeCommitter(store), "w", NOW);
        JsonNode seal =
                Json.MAPPER.readTree(store.get(LakeLayout.logEntry(EXP, 4)).orElseThrow());
        assertEquals(2, seal.path("format_version").asInt());
        assertEquals(4, seal.path("version").asLong());
        assertThrows(FormatVersion.UnsupportedFormatException.class, () -> LegacyLog.load(store, EXP));
        assertThrows(FormatVersion.UnsupportedFormatException.class, () -> LegacyLog.load(store, QUARANTINE_ONLY));
    }

    @Test
    void runningTheUpgradeAgainChangesNothing() {
        LakeUpgrade.run(new LakeCommitter(store), "w", NOW);
        List<String> commits = deltaLogKeys();
        List<String> oldLog =
                store.list(LakeLayout.LOG).stream().map(ObjectInfo::key).toList();

        LakeUpgrade.Result again = LakeUpgrade.run(new LakeCommitter(store), "w", NOW + 1);
        assertEquals(List.of(), again.upgraded());
        assertEquals(List.of(EXP, QUARANTINE_ONLY), again.alreadyDone());
        assertEquals(commits, deltaLogKeys());
        assertEquals(
                oldLog, store.list(LakeLayout.LOG).stream().map(ObjectInfo::key).toList());
    }

    /** A crash between the metrics commit and the runs commit: the next upgrade adds no file twice. */
    @Test
    void anUpgradeThatCrashedAfterTheMetricsCommitCompletesWithoutAddingFilesTwice() {
        assertThrows(
                Crash.class,
                () -> LakeUpgrade.run(
                        new LakeCommitter(crashingOn(k -> k.startsWith(LakeTable.RUNS.logPrefix()))), "w", NOW));
        assertEquals(0, LakeSnapshot.load(store, EXP).version(), "the metrics commit landed");
        assertTrue(LakeUpgrade.needed(store), "not sealed");

        LakeUpgrade.Result result = LakeUpgrade.run(new LakeCommitter(store), "w", NOW + 1);
        assertEquals(List.of(EXP, QUARANTINE_ONLY), result.upgraded());
        LakeSnapshot s = LakeSnapshot.load(store, EXP);
        assertEquals(1, s.version(), "one metrics commit per experiment, none repeated");
        assertEquals(
                List.of(F1.path(), F2.path()),
                s.liveFiles().stream().map(DataFile::path).toList());
        assertEquals(INDEX, s.indexFile());
        assertEquals(0, s.runsVersion());
        assertFalse(LakeUpgrade.needed(store));
    }

    /** A crash after every commit, before the seal: the next upgrade only seals. */
    @Test
    void anUpgradeThatCrashedBeforeSealingOnlySealsWhenRepeated() {
        assertThrows(
                Crash.class,
                () -> LakeUpgrade.run(new LakeCommitter(crashingOn(k -> k.startsWith(LakeLayout.LOG))), "w", NOW));
        assertTrue(LakeUpgrade.needed(store));

        LakeUpgrade.run(new LakeCommitter(store), "w", NOW + 1);
        LakeSnapshot s = LakeSnapshot.load(store, EXP);
        assertEquals(1, s.version(), "a metrics commit for each experiment, none repeated");
        assertEquals(0, s.runsVersion(), "one runs commit, not repeated");
        assertEquals(2, s.liveFiles().size());
        assertFalse(LakeUpgrade.needed(store));
    }

    /** A process dying at the first put of a key the predicate matches. */
    private ObjectStore crashingOn(Predicate<String> key) {
        return new ForwardingStore(store) {
            @Override
            public boolean putIfAbsent(String k, byte[] data) {
                if (key.test(k)) throw new Crash(k);
                return real.putIfAbsent(k, data);
            }
        };
    }

    private static final class Crash extends RuntimeException {
        Crash(String key) {
            super("crashed before writing " + key);
        }
    }
}
