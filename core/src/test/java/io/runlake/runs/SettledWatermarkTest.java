package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettledWatermarkTest {
    static final long T = 1_795_687_600_000L, M = 600_000L;

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
        SettledWatermark w = SettledWatermark.choose(runs, T, M);
        assertEquals(RunIds.floorOf(T - M), w.below());
        assertEquals(Set.of(id(T - 3_000_000, '2')), w.open());
        assertTrue(w.skips(id(T - 3_600_000, '1'), Set.of()));
        assertFalse(w.skips(id(T - 3_600_000, '1'), Set.of(id(T - 3_600_000, '1'))), "reopened");
        assertFalse(w.skips(id(T - 3_000_000, '2'), Set.of()), "open");
        assertFalse(w.skips(id(T - M + 1, '4'), Set.of()), "above W");
    }

    @Test
    void tooManyOpenRunsStopTheWatermarkAtTheFirstThatDoesNotFit() {
        SortedMap<String, Boolean> runs = new TreeMap<>();
        for (int i = 0; i < SettledWatermark.MAX_OPEN + 3; i++) runs.put(id(T - 3_600_000 + i, 'a'), false);
        SettledWatermark w = SettledWatermark.choose(runs, T, M);
        assertEquals(SettledWatermark.MAX_OPEN, w.open().size());
        assertEquals(id(T - 3_600_000 + SettledWatermark.MAX_OPEN, 'a'), w.below());
        assertTrue(w.open().stream().allMatch(r -> r.compareTo(w.below()) < 0));
    }

    @Test
    void tagRoundTripsAndBadTagsReadAsNone() {
        SortedMap<String, Boolean> runs = new TreeMap<>();
        runs.put(id(T - 3_600_000, 'b'), false);
        SettledWatermark w = SettledWatermark.choose(runs, T, M);
        assertEquals(Optional.of(w), SettledWatermark.fromTag(w.toTag()));
        for (String bad : List.of(
                "", "{", "[]", "{\"below\":\"x\",\"margin_ms\":1,\"open\":[]}", "{\"below\":\"" + w.below() + "\"}"))
            assertEquals(Optional.empty(), SettledWatermark.fromTag(bad), bad);
        assertEquals(Optional.empty(), SettledWatermark.fromTag(null));
        assertTrue(w.usableWith(M) && w.usableWith(0) && !w.usableWith(M + 1));
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
            SettledWatermark w = new SettledWatermark(ids.get(1), M, new java.util.TreeSet<>());
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
