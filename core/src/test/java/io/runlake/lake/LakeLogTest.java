package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.testing.ForwardingStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log on its own: one commit attempt (put-if-absent races), replay, checkpoints, gaps and bad entries. */
class LakeLogTest {
    private static final String EXP = "exp 1";

    @TempDir
    Path tmp;

    /** Any shape a reader must replay, not only the ones maintenance writes: the canonical constructor. */
    private static LakeCommit compaction(String file, List<String> remove, List<String> shards) {
        return new LakeCommit(
                FormatVersion.CURRENT,
                0,
                LakeCommit.COMPACTION,
                1000,
                "w",
                file == null ? List.of() : List.of(new DataFile(file, 10, 100, "a", "b", 0)),
                remove,
                shards,
                null,
                null,
                null,
                List.of());
    }

    @Test
    void replayTracksLiveFilesCoveredShardsIndexAndQuarantine() {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s0 = LakeSnapshot.load(store, EXP);
            assertEquals(-1, s0.version());
            LakeSnapshot s1 =
                    LakeLog.tryCommit(store, s0, compaction("lake/f1", List.of(), List.of("runs/s1", "runs/s2")));
            assertNotNull(s1);
            assertNull(
                    LakeLog.tryCommit(store, s0, compaction("lake/other", List.of(), List.of())), "version 0 is taken");
            LakeSnapshot s2 =
                    LakeLog.tryCommit(store, s1, compaction("lake/f2", List.of("lake/f1"), List.of("runs/s3")));
            LakeLog.tryCommit(
                    store,
                    s2,
                    LakeCommit.index(
                            2000,
                            "w",
                            "lake/runs/i1",
                            "fp",
                            null,
                            List.of(new Quarantined("runs/bad", "broken", null, 2000))));
            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            assertEquals(2, s.version());
            assertEquals(
                    List.of("lake/f2"),
                    s.liveFiles().stream().map(DataFile::path).toList());
            assertTrue(s.isCovered("runs/s1") && s.isCovered("runs/s3"));
            assertTrue(s.removedFiles().containsKey("lake/f1"));
            assertEquals("lake/runs/i1", s.indexFile());
            assertEquals(2, s.indexVersion());
            assertTrue(s.isQuarantined("runs/bad"));
            assertTrue(store.head(LakeLayout.logEntry(EXP, 2)).isPresent());
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
            LakeSnapshot s1 = LakeLog.tryCommit(lostResponse, s0, compaction("lake/f1", List.of(), List.of("runs/s1")));
            assertNotNull(s1, "our own commit must not be taken for another writer's");
            assertEquals(0, s1.version());
            // a genuinely different entry at the next version is still a lost race
            real.putIfAbsent(
                    LakeLayout.logEntry(EXP, 1),
                    Json.write(compaction("lake/theirs", List.of(), List.of()).withVersion(1)));
            assertNull(LakeLog.tryCommit(lostResponse, s1, compaction("lake/f2", List.of(), List.of())));
        }
    }

    @Test
    void checkpointsShortenReplayAndABadCheckpointIsIgnored() throws Exception {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            for (int i = 0; i < 120; i++) {
                s = LakeLog.tryCommit(
                        store,
                        s,
                        compaction(
                                "lake/f" + i, i == 0 ? List.of() : List.of("lake/f" + (i - 1)), List.of("runs/s" + i)));
            }
            assertTrue(store.head(LakeLayout.checkpoint(EXP, 50)).isPresent());
            assertTrue(store.head(LakeLayout.checkpoint(EXP, 100)).isPresent());
            LakeSnapshot loaded = LakeSnapshot.load(store, EXP);
            assertEquals(119, loaded.version());
            assertEquals(
                    List.of("lake/f119"),
                    loaded.liveFiles().stream().map(DataFile::path).toList());
            assertEquals(120, loaded.coveredShards().size());
            // A corrupt checkpoint: the reader falls back to the previous one / the entries.
            Files.writeString(tmp.resolve(LakeLayout.checkpoint(EXP, 100)), "{not json", StandardCharsets.UTF_8);
            LakeSnapshot again = LakeSnapshot.load(store, EXP);
            assertEquals(loaded.liveFiles(), again.liveFiles());
            assertEquals(loaded.coveredShards().keySet(), again.coveredShards().keySet());
        }
    }

    @Test
    void aGapOrAForeignEntryIsAnErrorNamingTheKey() throws Exception {
        try (ObjectStore store = new FileObjectStore(tmp)) {
            LakeSnapshot s = LakeLog.tryCommit(
                    store, LakeSnapshot.load(store, EXP), compaction("lake/f0", List.of(), List.of()));
            store.putIfAbsent(LakeLayout.logEntry(EXP, 2), new byte[] {'{', '}'});
            LakeLogException gap = assertThrows(LakeLogException.class, () -> LakeSnapshot.load(store, EXP));
            assertTrue(gap.getMessage().contains(LakeLayout.logEntry(EXP, 1)), gap.getMessage());
            store.putIfAbsent(
                    LakeLayout.logEntry(EXP, 1),
                    "{\"format_version\":1,\"version\":5,\"kind\":\"compaction\"}".getBytes(StandardCharsets.UTF_8));
            LakeLogException wrong = assertThrows(LakeLogException.class, () -> LakeSnapshot.load(store, EXP));
            assertTrue(wrong.getMessage().contains("says version 5"), wrong.getMessage());
            assertNotNull(s);
        }
    }

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
