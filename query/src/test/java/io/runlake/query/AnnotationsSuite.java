package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.report.RankingRule;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notes, post-hoc tags and archive/restore (FORMAT.md §8.4) written by the real client and read by the query views,
 * before and after maintenance; subclasses pick file: or S3 (S3Proxy).
 */
abstract class AnnotationsSuite {
    @TempDir
    Path tmp;

    abstract URI newStore(Path tmp) throws Exception;

    private Lake open(URI uri) {
        return Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")));
    }

    private static final String TIMES =
            "SELECT status, start_time, end_time, last_activity, duration_s FROM runs WHERE run_id = ?";

    private static List<Object> times(Lake lake, String runId) {
        return lake.query(TIMES, runId).rows().get(0);
    }

    @Test
    void postHocTagsNotesAndArchiveLeaveTheRunsTimesAlone() throws Exception {
        URI uri = newStore(tmp);
        String quick, other;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e")
                    .name("quick")
                    .tag("stage", "draft")
                    .tag("owner", "bob")
                    .start();
            r.log("loss", 0.5, 0);
            r.finish();
            quick = r.id();
            Run o = t.newRun("e").name("other").start();
            o.log("loss", 0.7, 0);
            o.finish();
            other = o.id();
        }
        List<Object> before;
        try (Lake lake = open(uri)) {
            before = times(lake, quick);
        }
        Thread.sleep(1200); // an annotation a second later must not stretch the run by a second
        try (Tracker t = LakeSuite.tracker(uri, tmp.resolve("later"))) {
            t.annotate(quick)
                    .setTag("stage", "production")
                    .deleteTag("owner")
                    .setNote("first")
                    .setNote("# Baseline\nthe **good** one");
        }
        try (Lake lake = open(uri)) {
            assertEquals(before, times(lake, quick), "status, start, end, last activity and duration unchanged");
            Table row = lake.query("SELECT tags, note, archived FROM runs WHERE run_id = ?", quick);
            assertEquals(Map.of("stage", "production"), row.get(0, "tags"));
            assertEquals("# Baseline\nthe **good** one", row.get(0, "note"));
            assertEquals(false, row.get(0, "archived"));
            assertEquals(
                    List.of(List.of("stage", "production")),
                    lake.query("SELECT key, value FROM tags WHERE run_id = ?", quick)
                            .rows());
            assertTrue(lake.problems().isEmpty(), lake.problems().toString());
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            List<String> keys =
                    store.list(Layout.ANNOTATIONS).stream().map(i -> i.key()).toList();
            assertEquals(4, keys.size(), "each change is one object; both notes stay as the history: " + keys);
            assertTrue(store.list(Layout.runPrefix("e", quick) + "events/").isEmpty(), "nothing joined the run");
            assertTrue(store.list(Layout.runPrefix("e", quick) + "workers/").isEmpty(), "nothing joined the run");
        }

        try (Tracker t = LakeSuite.tracker(uri, tmp.resolve("archive"))) {
            t.annotate(other).archive("a demo run");
        }
        try (Lake lake = open(uri)) {
            assertEquals(
                    List.of(quick),
                    lake.runs("e", null, 0).rows().stream().map(r -> r.get(1)).toList());
            assertEquals(2, lake.runs("e", null, 0, true).size(), "--all shows archived runs");
            assertEquals(1, lake.archivedRuns("e", null));
            assertEquals(
                    1,
                    lake.leaderboard("e", RankingRule.of("loss", null), null)
                            .leaders()
                            .size());
            assertEquals(
                    2,
                    lake.leaderboard("e", RankingRule.of("loss", null), null, true)
                            .leaders()
                            .size());
            assertTrue(lake.compare(List.of(other), List.of())
                    .rows()
                    .get(2)
                    .get(1)
                    .toString()
                    .endsWith("(archived)"));
        }

        // after maintenance the runs come from the index, which folds the same annotations
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact("e");
            Indexer indexer = new Indexer(store, IndexerOptions.defaults().withWorkDir(tmp.resolve("work")));
            assertTrue(indexer.index("e").committed());
            try (Lake lake = open(uri)) {
                assertEquals(before, times(lake, quick));
                Table index = lake.query("SELECT run_id, note, archived, tags FROM _index ORDER BY run_id");
                assertEquals(2, index.size());
                assertEquals("# Baseline\nthe **good** one", index.get(quick.compareTo(other) < 0 ? 0 : 1, "note"));
                assertEquals(Map.of("stage", "production"), index.get(quick.compareTo(other) < 0 ? 0 : 1, "tags"));
                assertEquals(true, index.get(quick.compareTo(other) < 0 ? 1 : 0, "archived"));
                assertEquals(1, lake.runs("e", null, 0).size());
            }
            assertTrue(indexer.index("e").skipped(), "nothing new: the index stands");
            try (Tracker t = LakeSuite.tracker(uri, tmp.resolve("restore"))) {
                t.annotate(other).restore("needed after all");
            }
            assertTrue(indexer.index("e").committed(), "a new annotation changes the index's fingerprint");
            try (Lake lake = open(uri)) {
                assertEquals(2, lake.runs("e", null, 0).size(), "restored");
                assertEquals(0, lake.archivedRuns("e", null));
            }
        }
    }

    @Test
    void corruptAnnotationsAreSkippedWithAProblem() throws Exception {
        URI uri = newStore(tmp);
        String id;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e").name("r").start();
            r.finish();
            id = r.id();
            t.annotate(id).setNote("kept");
        }
        String bad = Layout.annotation("e", id, "01m8bn15h9hrhmr3bgeh23h52z");
        String otherRun = Layout.annotation("e", id, "01m8bn15h9hrhmr3bgeh23h530");
        try (ObjectStore store = StoreUris.open(uri)) {
            store.putIfAbsent(bad, "{\"format_version\":1,\"kind\":\"note\"".getBytes(StandardCharsets.UTF_8));
            store.putIfAbsent(
                    otherRun,
                    ("{\"format_version\":1,\"kind\":\"archive\",\"experiment\":\"e\",\"run_id\":\"01m8bn15h9hrhmr3bgeh23h52y\","
                                    + "\"time_ms\":1}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        try (Lake lake = open(uri)) {
            Table row = lake.query("SELECT note, archived FROM runs WHERE run_id = ?", id);
            assertEquals("kept", row.get(0, "note"));
            assertEquals(false, row.get(0, "archived"), "an annotation naming another run says nothing");
            assertEquals(2, lake.problems().size(), lake.problems().toString());
            assertTrue(lake.problems().get(0).contains(bad)
                    || lake.problems().get(1).contains(bad));
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            new Indexer(store, IndexerOptions.defaults().withWorkDir(tmp.resolve("work"))).index("e");
        }
        try (Lake lake = open(uri)) {
            Table index = lake.query("SELECT note, archived FROM _index");
            assertEquals("kept", index.get(0, "note"));
            assertEquals(false, index.get(0, "archived"));
            assertFalse(lake.problems().isEmpty());
        }
    }
}
