package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.format.RunEnd;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettledWatermarkTest {
    static final long T = 1_795_687_600_000L, M = 600_000L, S = 3_600_000L, R = 300_000L;

    @TempDir
    Path tmp;

    /** A run id of time {@code ms} with a fixed tail, so tests can order ids by time. */
    static String id(long ms, char tail) {
        return RunIds.floorOf(ms).substring(0, 10) + String.valueOf(tail).repeat(16);
    }

    @Test
    void watermarkIsTheFloorOfTMinusMAndTheOpenRunsBelowIt() {
        SortedMap<String, Boolean> runs = new TreeMap<>();
        runs.put(id(T - 3_600_000, '1'), true);
        runs.put(id(T - 3_000_000, '2'), false); // crashed: open
        runs.put(id(T - 2_000_000, '3'), true);
        runs.put(id(T - M + 1, '4'), false); // created within the margin: above W, not open
        SettledWatermark w = SettledWatermark.choose(runs, T, M, S);
        assertEquals(RunIds.floorOf(T - M), w.below());
        assertEquals(Set.of(id(T - 3_000_000, '2')), w.open());
        assertEquals(T - S, w.reopensFromMs());
        assertTrue(w.skips(id(T - 3_600_000, '1'), Map.of()));
        assertFalse(w.skips(id(T - 3_600_000, '1'), Map.of(id(T - 3_600_000, '1'), T - S)), "reopened since");
        assertTrue(w.skips(id(T - 3_600_000, '1'), Map.of(id(T - 3_600_000, '1'), T - S - 1)), "reopen was judged");
        assertFalse(w.skips(id(T - 3_000_000, '2'), Map.of()), "open");
        assertFalse(w.skips(id(T - M + 1, '4'), Map.of()), "above W");
    }

    @Test
    void tooManyOpenRunsStopTheWatermarkAtTheFirstThatDoesNotFit() {
        SortedMap<String, Boolean> runs = new TreeMap<>();
        for (int i = 0; i < SettledWatermark.MAX_OPEN + 3; i++) runs.put(id(T - 3_600_000 + i, 'a'), false);
        SettledWatermark w = SettledWatermark.choose(runs, T, M, S);
        assertEquals(SettledWatermark.MAX_OPEN, w.open().size());
        assertEquals(id(T - 3_600_000 + SettledWatermark.MAX_OPEN, 'a'), w.below());
        assertTrue(w.open().stream().allMatch(r -> r.compareTo(w.below()) < 0));
    }

    @Test
    void tagRoundTripsAndBadTagsReadAsNone() {
        SortedMap<String, Boolean> runs = new TreeMap<>();
        runs.put(id(T - 3_600_000, 'b'), false);
        SettledWatermark w = SettledWatermark.choose(runs, T, M, S);
        assertEquals(Optional.of(w), SettledWatermark.fromTag(w.toTag()));
        for (String bad : List.of(
                "", "{", "[]", "{\"below\":\"x\",\"margin_ms\":1,\"open\":[]}", "{\"below\":\"" + w.below() + "\"}"))
            assertEquals(Optional.empty(), SettledWatermark.fromTag(bad), bad);
        assertEquals(Optional.empty(), SettledWatermark.fromTag(null));
        assertTrue(w.usableWith(M) && w.usableWith(0) && !w.usableWith(M + 1));
        String before = "{\"below\":\"" + w.below() + "\",\"margin_ms\":" + M + ",\"open\":[]}";
        SettledWatermark old = SettledWatermark.fromTag(before).orElseThrow();
        assertEquals(Long.MIN_VALUE, old.reopensFromMs(), "a tag written before reopens_from_ms");
        assertTrue(old.reopenedSince(0L), "an older index did not judge any reopen: every one counts");
        assertEquals(
                Optional.empty(),
                SettledWatermark.fromTag(before.replace("\"open\"", "\"reopens_from_ms\":\"x\",\"open\"")));
    }

    static RunState run(boolean ended) {
        String r = id(T - 4 * S, 'r'), writer = id(T - 4 * S, 'w');
        RunState s = new RunState(r);
        s.addStart(new RunStart(
                1, RunStart.KIND, "e", r, "n", null, T - 4 * S, 0, writer, Map.of(), Map.of(), Map.of(), Map.of()));
        if (ended) {
            s.addEnd(new RunEnd(1, RunEnd.KIND, "e", r, 0, writer, "FINISHED", T - 4 * S + 5, null, 0, 0, 0));
        }
        return s;
    }

    @Test
    void anEndedRunSettlesAfterTheMarginACrashedOneAfterTheSettleAge() {
        RunState ended = run(true), crashed = run(false);
        RunStatus fin = RunStatus.FINISHED, crash = RunStatus.CRASHED;
        assertTrue(SettledWatermark.settledForGood(
                new SettledWatermark.Observed(ended, fin, T - M - 1, false, false, null), T, M, S));
        assertFalse(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(ended, fin, T - M, false, false, null), T, M, S),
                "within M");
        assertFalse(SettledWatermark.settledForGood(
                new SettledWatermark.Observed(crashed, crash, T - M - 1, false, false, null), T, M, S));
        assertFalse(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(crashed, crash, T - S, false, false, null), T, M, S),
                "within S");
        assertTrue(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(crashed, crash, T - S - 1, false, false, null), T, M, S),
                "silent");
        assertFalse(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(crashed, RunStatus.RUNNING, T - S - 1, false, false, null),
                        T,
                        M,
                        S),
                "its writer's clock says it is alive");
        assertFalse(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(crashed, crash, T - S - 1, true, false, null), T, M, S),
                "uncovered");
        assertFalse(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(crashed, crash, T - S - 1, false, true, null), T, M, S),
                "bad");
        assertFalse(SettledWatermark.settledForGood(
                new SettledWatermark.Observed(new RunState(id(T - S, 'x')), crash, 0, false, false, null), T, M, S));
    }

    @Test
    void aReopenKeepsARunOpenUntilItIsOlderThanTheSettleAge() {
        RunState ended = run(true);
        RunStatus fin = RunStatus.FINISHED;
        assertFalse(SettledWatermark.settledForGood(
                new SettledWatermark.Observed(ended, fin, T - 2 * S, false, false, T - S), T, M, S));
        assertTrue(
                SettledWatermark.settledForGood(
                        new SettledWatermark.Observed(ended, fin, T - 2 * S, false, false, T - S - 1), T, M, S),
                "judged");
        assertEquals(
                Optional.of(T - S + S + 1),
                SettledWatermark.settlesAt(
                        new SettledWatermark.Observed(ended, fin, T - 2 * S, false, false, T - S), T, M, S),
                "the index is built again when the reopen is old enough");
        assertEquals(
                Optional.of(T + 10 + S + 1),
                SettledWatermark.settlesAt(
                        new SettledWatermark.Observed(run(false), RunStatus.CRASHED, T + 10, false, false, null),
                        T,
                        M,
                        S));
        assertEquals(
                Optional.empty(),
                SettledWatermark.settlesAt(
                        new SettledWatermark.Observed(run(false), RunStatus.CRASHED, T, true, false, null), T, M, S),
                "an uncovered shard waits for compaction, which builds the index again anyway");
    }

    @Test
    void aWriterAnnouncesAfterSilenceOrBeforeItsFirstObjectOfAnOldRun() {
        long r = R * 1_000_000L;
        assertFalse(SettledWatermark.mustAnnounce(r, 10 * R, R), "its previous object landed R ago");
        assertTrue(SettledWatermark.mustAnnounce(r + 1, 0, R), "silent for longer than R");
        assertFalse(SettledWatermark.mustAnnounce(-1, R, R), "the first object of a run started R ago");
        assertTrue(SettledWatermark.mustAnnounce(-1, R + 1, R), "the first object of an older run");
    }

    @Test
    void startAfterListsExactlyTheRunsAtOrAboveTheWatermark() throws Exception {
        try (FileObjectStore store = new FileObjectStore(tmp)) {
            String exp = Layout.experimentPrefix("e");
            List<String> ids = List.of(id(T - 3000, 'c'), id(T - 2000, 'c'), id(T - 1000, 'c'));
            for (String r : ids) {
                store.putIfAbsent(Layout.startManifest("e", r), new byte[] {'{', '}'});
                store.putIfAbsent(Layout.endManifest("e", r, 0, r), new byte[] {'{', '}'});
            }
            SettledWatermark w = new SettledWatermark(ids.get(1), M, T - S, new java.util.TreeSet<>());
            List<String> expected = store.list(exp).stream()
                    .map(ObjectInfo::key)
                    .filter(k -> !k.contains(ids.get(0)))
                    .toList();
            assertEquals(4, expected.size());
            assertEquals(
                    expected,
                    store.listAfter(exp, w.startAfter(exp)).stream()
                            .map(ObjectInfo::key)
                            .toList(),
                    "the file store walks from W");
            assertEquals(List.of(exp), store.listFolders(Layout.RUNS));
        }
    }
}
