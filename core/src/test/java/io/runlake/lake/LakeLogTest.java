package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.testing.DeltaKernelTables;
import io.runlake.testing.ForwardingStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log on its own: one commit attempt (put-if-absent races), replay, gaps, bad commits and the protocol. */
class LakeLogTest {
    private static final String EXP = "exp 1";
    private static final String RUN = RunIds.newId();
    private static final String WRITER = RunIds.newId();

    @TempDir
    Path tmp;

    static String shard(String experiment, int seq) {
        return Layout.metricShard(experiment, RUN, 0, WRITER, seq);
    }

    private static String shard(int seq) {
        return shard(EXP, seq);
    }

    private static String file(String id) {
        return LakeLayout.metricsFile(EXP, id);
    }

    /** Any shape a reader must replay, not only the ones maintenance writes: the canonical constructor. */
    private static LakeCommit compaction(String file, List<String> remove, List<String> shards) {
        List<DataFile> add = file == null
                ? List.of()
                : List.of(new DataFile(file, 10, 100, "a", "b", 0).withCovers(ShardSet.of(shards)));
        return new LakeCommit(LakeTable.METRICS, EXP, LakeCommit.COMPACTION, 1000, "w", add, remove, null, List.of());
    }

    private static LakeCommit index(String id, long timeMs, List<Quarantined> malformed) {
        LakeCommit.IndexFile index =
                new LakeCommit.IndexFile(LakeLayout.runsIndexFile(EXP, id), 3, 300, timeMs, "fp-" + id, timeMs + 60);
        return LakeCommit.index(EXP, timeMs, "w", index, malformed);
    }

    @Test
    void replayTracksLiveFilesCoveredShardsIndexAndQuarantine() {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s0 = LakeSnapshot.load(store, EXP);
            assertEquals(-1, s0.version());
            assertEquals(-1, s0.runsVersion());
            LakeSnapshot s1 =
                    LakeLog.tryCommit(store, s0, compaction(file("f1"), List.of(), List.of(shard(1), shard(2))));
            assertNotNull(s1);
            assertNull(
                    LakeLog.tryCommit(store, s0, compaction(file("other"), List.of(), List.of())),
                    "version 0 is taken");
            // A merge: its file holds the shards of the file it replaces and one more.
            LakeSnapshot s2 = LakeLog.tryCommit(
                    store, s1, compaction(file("f2"), List.of(file("f1")), List.of(shard(1), shard(2), shard(3))));
            Quarantined bad = new Quarantined(shard(9), "broken", null, 2000);
            LakeSnapshot s3 = LakeLog.tryCommit(store, s2, LakeCommit.quarantine(EXP, 1500, "w", List.of(bad)));
            Quarantined badEvent = new Quarantined(Layout.event(EXP, RUN, 0, WRITER, 1), "bad event", null, 2000);
            LakeSnapshot s4 = LakeLog.tryCommit(store, s3, index("i1", 2000, List.of(badEvent)));
            LakeLog.tryCommit(store, s4, index("i2", 3000, List.of()));

            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            assertEquals(2, s.version(), "compaction, merge, quarantine in the metrics table");
            assertEquals(1, s.runsVersion(), "two indexes in the runs table");
            assertEquals(
                    List.of(file("f2")),
                    s.liveFiles().stream().map(DataFile::path).toList());
            assertTrue(s.isCovered(shard(1)) && s.isCovered(shard(2)) && s.isCovered(shard(3)));
            assertFalse(s.isCovered(shard(4)));
            assertEquals(1000L, s.coveredAt(shard(1)));
            assertEquals(1000L, s.removedFiles().get(file("f1")));
            assertTrue(s.isReferenced(file("f1")) && s.isReferenced(file("f2")));
            assertEquals(LakeLayout.runsIndexFile(EXP, "i2"), s.indexFile());
            assertEquals("fp-i2", s.indexFingerprint());
            assertEquals(3000L, s.indexTimeMs());
            assertEquals(3060L, s.indexValidUntilMs());
            assertTrue(s.replacedIndexes().containsKey(LakeLayout.runsIndexFile(EXP, "i1")));
            assertTrue(s.isQuarantined(bad.key()) && s.isQuarantined(badEvent.key()), "both tables' records");
            assertEquals(bad, s.quarantined().get(bad.key()));
            assertTrue(store.head(LakeTable.METRICS.commitKey(2)).isPresent());
            assertTrue(store.head(LakeTable.RUNS.commitKey(1)).isPresent());

            LakeSnapshot otherExperiment = s.forExperiment("exp 2");
            assertTrue(otherExperiment.liveFiles().isEmpty()
                    && otherExperiment.quarantined().isEmpty());
            assertNull(otherExperiment.indexFile());
            assertEquals(List.of(EXP), LakeSnapshot.experiments(store));
        }
    }

    /** The SDK retried our PUT after its first attempt landed: the 412 answers our own commit. */
    @Test
    void aCommitWhoseRetryGets412IsStillOurs() {
        try (ObjectStore real = new FileObjectStore(tmp)) {
            ObjectStore lostResponse = new ForwardingStore(real) {
                @Override
                public boolean putIfAbsent(String key, byte[] data) {
                    real.putIfAbsent(key, data);
                    return false; // as if the first attempt's response was lost and the retry saw 412
                }
            };
            LakeSnapshot s0 = LakeSnapshot.load(real, EXP);
            LakeSnapshot s1 = LakeLog.tryCommit(lostResponse, s0, compaction(file("f1"), List.of(), List.of(shard(1))));
            assertNotNull(s1, "our own commit must not be taken for another writer's");
            assertEquals(0, s1.version());
            // a genuinely different commit at the next version is still a lost race
            LakeCommit theirs = compaction(file("theirs"), List.of(), List.of());
            real.putIfAbsent(LakeTable.METRICS.commitKey(1), DeltaActions.commitFile(theirs.actions(s1)));
            assertNull(LakeLog.tryCommit(lostResponse, s1, compaction(file("f2"), List.of(), List.of())));
            assertEquals(
                    List.of(file("f1"), file("theirs")),
                    LakeSnapshot.load(real, EXP).liveFiles().stream()
                            .map(DataFile::path)
                            .toList());
        }
    }

    @Test
    void aGapOrAMalformedCommitIsAnErrorNamingTheKey() {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeLog.tryCommit(
                    store, LakeSnapshot.load(store, EXP), compaction(file("f0"), List.of(), List.of()));
            assertNotNull(s);
            store.putIfAbsent(LakeTable.METRICS.commitKey(2), "{\"commitInfo\":{}}\n".getBytes(StandardCharsets.UTF_8));
            LakeLogException gap = assertThrows(LakeLogException.class, () -> LakeSnapshot.load(store, EXP));
            assertTrue(gap.getMessage().contains(LakeTable.METRICS.commitKey(1)), gap.getMessage());

            String key = LakeTable.METRICS.commitKey(1);
            store.putIfAbsent(key, "{\"commitInfo\":{}}\n{not json\n".getBytes(StandardCharsets.UTF_8));
            LakeLogException malformed = assertThrows(LakeLogException.class, () -> LakeSnapshot.load(store, EXP));
            assertTrue(malformed.getMessage().contains(key + " line 2"), malformed.getMessage());
        }
    }

    /**
     * The committer writes a Parquet checkpoint at version 10; a reader starts from it and gets the same snapshot
     * as the replay of every commit, also once the commits before it are deleted (Delta log retention), and so
     * does Delta Kernel. The quarantine domain and the index tags survive the checkpoint.
     */
    @Test
    void aCheckpointGivesTheReplayedStateEvenWithoutTheCommitsBeforeIt() throws Exception {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            s = LakeLog.tryCommit(
                    store,
                    s,
                    LakeCommit.quarantine(
                            EXP, 5, "w", List.of(new Quarantined(shard(99), shard(99) + ": bad", null, 5))));
            for (int i = 1; i < 13; i++) {
                List<String> merged = i == 1 ? List.of() : List.of(file("f" + (i - 1)));
                List<String> shards = new ArrayList<>();
                for (int j = 0; j < i; j++) shards.add(shard(j));
                s = LakeLog.tryCommit(store, s, compaction(file("f" + i), merged, shards));
            }
            s = LakeLog.tryCommit(store, s, index("i1", 2000, List.of()));
            assertTrue(Files.exists(tmp.resolve(LakeTable.METRICS.checkpointKey(10))), "checkpoint at v10");
            LakeSnapshot replayed = LakeSnapshot.load(store, EXP);
            for (int v = 0; v < 10; v++) Files.delete(tmp.resolve(LakeTable.METRICS.commitKey(v)));
            LakeSnapshot fromCheckpoint = LakeSnapshot.load(store, EXP);
            for (LakeSnapshot l : List.of(replayed, fromCheckpoint)) {
                assertEquals(12, l.version());
                assertEquals(
                        List.of(file("f12")),
                        l.liveFiles().stream().map(DataFile::path).toList());
                for (int j = 0; j < 12; j++) assertTrue(l.isCovered(shard(j)), "shard " + j);
                assertFalse(l.isCovered(shard(12)));
                assertEquals(11, l.removedFiles().size());
                assertTrue(l.isQuarantined(shard(99)));
                assertEquals("fp-i1", l.indexFingerprint());
            }
            assertEquals(12, DeltaKernelTables.version(tmp.resolve(LakeTable.METRICS.root())));
            assertEquals(
                    List.of(tmp.resolve(file("f12"))),
                    DeltaKernelTables.liveFiles(tmp.resolve(LakeTable.METRICS.root())));
        }
    }

    /** A runs table made before columns were added gets this RunLake's schema with its next commit (same table id). */
    @Test
    void aTableWithAnOlderSchemaEvolvesWithTheNextCommit() throws Exception {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeLog.tryCommit(store, LakeSnapshot.load(store, EXP), index("i0", 1000, List.of()));
            Path first = tmp.resolve(LakeTable.RUNS.commitKey(0));
            String older = Files.readString(first)
                    .replace(
                            LakeTable.RUNS.schemaString().replace("\"", "\\\""),
                            "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}");
            assertFalse(older.equals(Files.readString(first)), "the test rewrote the schema");
            Files.writeString(first, older);
            s = LakeLog.tryCommit(store, LakeSnapshot.load(store, EXP), index("i1", 2000, List.of()));
            String second = Files.readString(tmp.resolve(LakeTable.RUNS.commitKey(1)));
            assertTrue(second.contains("\"metaData\""), second);
            assertTrue(second.contains(LakeTable.RUNS.schemaString().replace("\"", "\\\"")), second);
            String third = new String(
                    DeltaActions.commitFile(index("i2", 3000, List.of()).actions(LakeSnapshot.load(store, EXP))),
                    StandardCharsets.UTF_8);
            assertFalse(third.contains("\"metaData\""), "once evolved, no more metaData: " + third);
        }
    }

    /** Checkpoints are derived data: one that cannot be read is skipped and the commits are replayed. */
    @Test
    void anUnreadableCheckpointFallsBackToTheCommits() throws Exception {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            for (int i = 0; i < 12; i++) {
                List<String> merged = i == 0 ? List.of() : List.of(file("f" + (i - 1)));
                List<String> shards = new ArrayList<>();
                for (int j = 0; j <= i; j++) shards.add(shard(j));
                s = LakeLog.tryCommit(store, s, compaction(file("f" + i), merged, shards));
            }
            Path checkpoint = tmp.resolve(LakeTable.METRICS.checkpointKey(LakeLog.CHECKPOINT_INTERVAL));
            Files.createDirectories(checkpoint.getParent());
            Files.writeString(checkpoint, "not parquet", StandardCharsets.UTF_8); // replaces one the codec wrote
            LakeSnapshot loaded = LakeSnapshot.load(store, EXP);
            assertEquals(11, loaded.version());
            assertEquals(
                    List.of(file("f11")),
                    loaded.liveFiles().stream().map(DataFile::path).toList());
            for (int j = 0; j < 12; j++) assertTrue(loaded.isCovered(shard(j)), "shard " + j);
            assertEquals(11, loaded.removedFiles().size());
        }
    }

    @Test
    void aTableNeedingANewerReaderIsRefusedAndOneWithUnknownWriterFeaturesIsNotWritten() {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            String newerReader = "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                    + "\"readerFeatures\":[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\"]}}\n";
            store.putIfAbsent(LakeTable.RUNS.commitKey(0), newerReader.getBytes(StandardCharsets.UTF_8));
            FormatVersion.UnsupportedFormatException refused =
                    assertThrows(FormatVersion.UnsupportedFormatException.class, () -> LakeSnapshot.load(store, EXP));
            assertTrue(refused.getMessage().contains(LakeTable.RUNS.commitKey(0)), refused.getMessage());

            String unknownWriterFeature = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,"
                    + "\"writerFeatures\":[\"domainMetadata\",\"rowTracking\"]}}\n";
            store.putIfAbsent(LakeTable.METRICS.commitKey(0), unknownWriterFeature.getBytes(StandardCharsets.UTF_8));
            TableSnapshot metrics = TableSnapshot.load(store, LakeTable.METRICS);
            LakeSnapshot snapshot = new LakeSnapshot(EXP, metrics, TableSnapshot.empty(LakeTable.RUNS));
            LakeLogException notWritten = assertThrows(
                    LakeLogException.class,
                    () -> LakeLog.tryCommit(store, snapshot, compaction(file("f"), List.of(), List.of())));
            assertTrue(notWritten.getMessage().contains("rowTracking"), notWritten.getMessage());
            assertFalse(store.head(LakeTable.METRICS.commitKey(1)).isPresent());
        }
    }

    @Test
    void tableKeysAndPathsRoundTrip() {
        assertEquals("lake/metrics/_delta_log/00000000000000000007.json", LakeTable.METRICS.commitKey(7));
        assertEquals("lake/runs/_delta_log/00000000000000000010.checkpoint.parquet", LakeTable.RUNS.checkpointKey(10));
        assertEquals(
                new LakeTable.LogFile(7, false),
                LakeTable.METRICS.parseLogKey(LakeTable.METRICS.commitKey(7)).orElseThrow());
        assertEquals(
                new LakeTable.LogFile(10, true),
                LakeTable.RUNS.parseLogKey(LakeTable.RUNS.checkpointKey(10)).orElseThrow());
        assertEquals(
                LakeTable.RUNS, LakeTable.ofLogKey(LakeTable.RUNS.commitKey(3)).orElseThrow());
        assertTrue(LakeTable.METRICS.parseLogKey(LakeTable.RUNS.commitKey(3)).isEmpty());
        assertTrue(LakeTable.METRICS
                .parseLogKey("lake/metrics/_delta_log/_last_checkpoint")
                .isEmpty());
        assertTrue(
                LakeTable.METRICS
                        .parseLogKey(
                                "lake/metrics/_delta_log/00000000000000000010.checkpoint.0000000001.0000000002.parquet")
                        .isEmpty(),
                "multi-part checkpoints are not RunLake's");

        // Experiment names are legal with dots, spaces, slashes and non-ASCII letters.
        for (String experiment : List.of("v1..v2", "..x", "a b/c", "αβ %", "s3://x")) {
            String key = LakeLayout.metricsFile(experiment, RunIds.newId());
            String path = LakeTable.METRICS.deltaPath(key);
            assertFalse(path.startsWith("/"), path);
            assertTrue(path.matches("[A-Za-z0-9._~/=%-]+"), path);
            assertEquals(key, LakeTable.METRICS.keyOf(path), experiment);
        }
        assertThrows(IllegalArgumentException.class, () -> LakeTable.RUNS.deltaPath(file("f")));
        for (String outside : List.of("../x.parquet", "experiment=a/../../x", "/abs.parquet", "s3://b/x", "%2E%2E/x")) {
            assertThrows(LakeLogException.class, () -> LakeTable.METRICS.keyOf(outside), outside);
        }
        assertThrows(LakeLogException.class, () -> LakeTable.METRICS.keyOf("experiment=a/%zz.parquet"));
        assertThrows(LakeLogException.class, () -> LakeTable.METRICS.keyOf("experiment=a/x%2"));
    }

    /** The older log's keys: still read (and sealed) by the upgrade. */
    @Test
    void layoutKeysRoundTrip() {
        assertEquals("lake/_log/experiment=exp%201/00000000000000000007.json", LakeLayout.logEntry(EXP, 7));
        assertEquals(
                new LakeLayout.LogKey(EXP, 7, false),
                LakeLayout.parseLogKey(LakeLayout.logEntry(EXP, 7)).orElseThrow());
        assertEquals(
                new LakeLayout.LogKey(EXP, 50, true),
                LakeLayout.parseLogKey(LakeLayout.checkpoint(EXP, 50)).orElseThrow());
        String v = LakeLayout.reportVersion(Instant.parse("2025-03-01T12:00:00.123Z"), 7, "abc");
        assertEquals("20250301T120000123Z-v00000000000000000007-abc", v);
        assertEquals(
                new LakeLayout.ReportKey(EXP, v, "leaderboard.json"),
                LakeLayout.parseReportKey(LakeLayout.report(EXP, v, LakeLayout.LEADERBOARD_JSON))
                        .orElseThrow());
        assertEquals(
                "lake/quarantine/experiment=exp%201/runs/experiment=exp%201/x",
                LakeLayout.quarantineCopy(EXP, "runs/experiment=exp%201/x"));
        assertThrows(IllegalArgumentException.class, () -> LakeLayout.metricsFile(EXP, "../x"));
    }
}
