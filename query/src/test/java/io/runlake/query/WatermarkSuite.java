package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeTable;
import io.runlake.report.Direction;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.FaultyStore;
import io.runlake.testing.ForwardingStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening from the runs index's settled watermark (FORMAT.md §13.3): old settled runs are not listed, and every
 * answer equals a full listing's — also for a run joined after the index, a run whose start reached the store late
 * from a spill, a run that crashed and was resumed, and an index without a watermark. Each store kind (file:, S3)
 * runs the same cases; the subclass says how to count what a reader listed.
 */
abstract class WatermarkSuite {
    static final String EXP = "wm";
    /**
     * The indexer looks at the store half an hour from now: everything written so far is older than its margin (10 min),
     * but younger than its settle age (60 min), so a crashed run stays open.
     */
    static final Duration LATER = Duration.ofMinutes(30);

    @TempDir
    Path tmp;

    abstract URI newStore() throws Exception;

    /** The raw objects a reader of {@code uri} lists with the watermarks (only the run keys). */
    abstract List<String> listedRunKeys(URI uri) throws Exception;

    static final long MARGIN_MS = Duration.ofMinutes(10).toMillis();

    /** The margin the readers of a case use with the watermark (a full listing uses a larger one). */
    Duration readerMargin = Duration.ofMinutes(10);
    /** The readers' stale timeout, as the indexer's crash timeout of the case. */
    Duration readerStaleTimeout = IndexerOptions.DEFAULT_CRASH_TIMEOUT;

    /** The LIST requests of the remote listing ({@link RunsListing#list}) of {@code uri}, counted by a wrapper. */
    static int listRequests(URI uri) {
        try (ObjectStore real = StoreUris.open(uri)) {
            CountingStore counting = new CountingStore(real);
            RunsListing.of(real, java.util.Map.of(), MARGIN_MS).list(counting);
            return counting.lists.get();
        }
    }

    /** Counts LIST requests of every kind. */
    static final class CountingStore extends ForwardingStore {
        final AtomicInteger lists = new AtomicInteger(), gets = new AtomicInteger();

        CountingStore(ObjectStore real) {
            super(real);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            lists.incrementAndGet();
            return super.list(prefix);
        }

        @Override
        public List<ObjectInfo> listAfter(String prefix, String startAfter) {
            lists.incrementAndGet();
            return super.listAfter(prefix, startAfter);
        }

        @Override
        public List<String> listFolders(String prefix) {
            lists.incrementAndGet();
            return super.listFolders(prefix);
        }

        @Override
        public Optional<ObjectInfo> download(String key, Path target) {
            gets.incrementAndGet();
            return super.download(key, target);
        }

        @Override
        public Optional<byte[]> get(String key) {
            gets.incrementAndGet();
            return super.get(key);
        }
    }

    @Test
    void settledRunsAreNotListedAndAnswersEqualAFullListing() throws Exception {
        URI uri = newStore();
        List<String> ids = writeRuns(uri, 6);
        index(uri);
        SettledWatermark w = watermark(uri);
        assertTrue(w.open().isEmpty(), "every run settled: " + w);
        assertTrue(ids.stream().allMatch(id -> id.compareTo(w.below()) < 0), "W is past every run");
        assertEquals(List.of(), listedRunKeys(uri), "no run folder listed");
        assertEquals(2, listRequests(uri), "one delimiter LIST of runs/ and one LIST from W");
        assertSameAnswers(uri);
    }

    @Test
    void aRunJoinedAfterTheIndexIsListedAgain() throws Exception {
        URI uri = newStore();
        List<String> ids = writeRuns(uri, 4);
        index(uri);
        String joined = ids.get(1);
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run worker = t.joinRun(joined, 1);
            worker.log("acc", 0.99, 7);
            worker.logParam("late", "yes");
            worker.finish();
        }
        assertTrue(listedRunKeys(uri).stream().anyMatch(k -> k.contains("run=" + joined + "/workers/")));
        assertFalse(listedRunKeys(uri).stream().anyMatch(k -> k.contains("run=" + ids.get(0) + "/")));
        assertSameAnswers(uri);
        try (Lake lake = open(uri, Duration.ofMinutes(10))) {
            assertEquals(
                    List.of(List.of(3L, 0.99)),
                    lake.sql("SELECT points, last_value FROM metric_summary WHERE run_id = '" + joined
                                    + "' AND key = 'acc'")
                            .rows(),
                    "the joined worker's point is read with the two of the first worker");
        }
    }

    @Test
    void aStartUploadedLateFromTheSpillIsNotMissed() throws Exception {
        URI uri = newStore();
        writeRuns(uri, 3);
        String late;
        try (ObjectStore real = StoreUris.open(uri)) {
            FaultyStore faulty = new FaultyStore(real);
            try (Tracker t = Tracker.open(
                    faulty,
                    LakeSuite.trackerOptions(tmp.resolve("spill-late")).withCloseTimeout(Duration.ofSeconds(2)))) {
                faulty.down.set(true); // every object of this run goes to the spill
                Run r = t.newRun(EXP).name("late").param("lr", 0.9).start();
                r.log("acc", 0.42, 0);
                r.finish();
                late = r.id();
                index(uri); // the indexer never sees the run, and W passes its id
                assertTrue(late.compareTo(watermark(uri).below()) < 0);
                faulty.down.set(false);
                assertEquals(0, t.pushSpill());
            }
        }
        assertTrue(listedRunKeys(uri).stream().anyMatch(k -> k.contains("run=" + late + "/run.json")));
        assertSameAnswers(uri);
        try (Lake lake = open(uri, Duration.ofMinutes(10))) {
            assertEquals(
                    List.of(List.of("late", "FINISHED")),
                    lake.sql("SELECT name, status FROM runs WHERE run_id = '" + late + "'")
                            .rows());
        }
    }

    @Test
    void aCrashedRunStaysOpenAndItsResumeIsRead() throws Exception {
        URI uri = newStore();
        List<String> ids = writeRuns(uri, 3);
        String crashed = ids.get(0);
        crash(uri, crashed);
        index(uri);
        SettledWatermark w = watermark(uri);
        assertEquals(Set.of(crashed), w.open(), "the crashed run is open below W");
        assertEquals(Set.of(crashed), runsOf(listedRunKeys(uri)), "only the open run is listed");
        assertSameAnswers(uri);
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run resumed = t.joinRun(crashed, 0);
            resumed.log("acc", 0.77, 9);
            resumed.finish();
        }
        assertSameAnswers(uri);
        try (Lake lake = open(uri, Duration.ofMinutes(10))) {
            assertEquals(
                    List.of(List.of(0.77)),
                    lake.sql("SELECT last_value FROM metric_summary WHERE run_id = '" + crashed + "' AND key = 'acc'")
                            .rows());
        }
    }

    /**
     * FORMAT.md's times scaled down (R = 1 s, M = 2 s, S = 6 s: still S ≥ R + 2·M + 2·D for a local store), real clocks throughout:
     * a crashed run silent for S is settled and no longer listed; a writer resuming it announces a reopen, so the
     * resume is read; once the reopen is older than S, the next index settles the run again.
     */
    @Test
    void aRunSilentForTheSettleAgeIsSettledAndItsResumeIsAnnounced() throws Exception {
        Duration r = Duration.ofSeconds(1), m = Duration.ofSeconds(2), s = Duration.ofSeconds(6);
        readerMargin = m;
        readerStaleTimeout = Duration.ofSeconds(1);
        URI uri = newStore();
        List<String> ids = writeRuns(uri, 3);
        String crashed = ids.get(0);
        crash(uri, crashed);
        Thread.sleep(s.toMillis() + 1500);
        indexNow(uri, m, s);
        SettledWatermark w = watermark(uri);
        assertEquals(Set.of(), w.open(), "the silent crashed run is settled: " + w);
        assertTrue(ids.stream().allMatch(id -> id.compareTo(w.below()) < 0));
        assertEquals(List.of(), listedRunKeys(uri), "no run folder listed");
        assertSameAnswers(uri);
        try (Lake lake = open(uri, m)) {
            assertEquals(
                    List.of(List.of("CRASHED")),
                    lake.sql("SELECT status FROM runs WHERE run_id = '" + crashed + "'")
                            .rows());
        }

        try (Tracker t = Tracker.open(
                uri, LakeSuite.trackerOptions(tmp.resolve("spill-resume")).withResumeSilence(r))) {
            Run resumed = t.joinRun(crashed, 0); // a job restarted from its checkpoint, under the same run id
            resumed.log("acc", 0.88, 2);
            resumed.finish();
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            assertTrue(
                    store.list(Layout.annotationsOfExperiment(EXP)).stream()
                            .anyMatch(o -> o.key().contains("run=" + crashed + "/")),
                    "a reopen announced the resume");
        }
        assertTrue(listedRunKeys(uri).stream().anyMatch(k -> k.contains("run=" + crashed + "/workers/")));
        Thread.sleep(1500); // past the 1 s stale timeout, so both readers derive CRASHED whenever they query
        assertSameAnswers(uri);
        try (Lake lake = open(uri, m)) {
            assertEquals(
                    List.of(List.of(3L, 0.88)),
                    lake.sql("SELECT points, last_value FROM metric_summary WHERE run_id = '" + crashed
                                    + "' AND key = 'acc'")
                            .rows(),
                    "the resumed point is read with the crashed writer's two");
        }

        Thread.sleep(s.toMillis() + 1500);
        indexNow(uri, m, s);
        assertEquals(Set.of(), watermark(uri).open(), "the reopen is consumed");
        assertEquals(List.of(), listedRunKeys(uri), "the resumed run is taken from the index again");
        assertSameAnswers(uri);
    }

    /** Compacts and indexes with the real clock and the given margin and settle age (crash timeout 1 s). */
    void indexNow(URI uri, Duration margin, Duration settleAge) {
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact(EXP);
            IndexerOptions options = IndexerOptions.defaults()
                    .withWorkDir(tmp.resolve("work"))
                    .withCrashTimeout(Duration.ofSeconds(1))
                    .withSettleTimes(margin, settleAge)
                    .withForce(true);
            new Indexer(store, options).index(EXP);
        }
    }

    @Test
    void anIndexWithoutAWatermarkIsListedInFull() throws Exception {
        URI uri = newStore();
        writeRuns(uri, 3);
        index(uri);
        stripWatermark(uri);
        try (ObjectStore store = StoreUris.open(uri)) {
            assertTrue(LakeSnapshot.load(store, EXP).indexWatermark().isEmpty());
            List<String> all = store.list(Layout.RUNS).stream()
                    .map(ObjectInfo::key)
                    .filter(k -> Layout.parseRunObject(k).isPresent())
                    .toList();
            assertFalse(all.isEmpty());
            assertEquals(all, listedRunKeys(uri), "every run object is listed");
        }
        assertSameAnswers(uri);
    }

    /** Rewrites the runs table's newest commit without the watermark tag, as an indexer before watermarks wrote it. */
    static void stripWatermark(URI uri) throws Exception {
        try (ObjectStore store = StoreUris.open(uri)) {
            List<ObjectInfo> log = store.list(LakeTable.RUNS.logPrefix()).stream()
                    .filter(o -> o.key().endsWith(".json"))
                    .toList();
            String key = log.get(log.size() - 1).key();
            String text = new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            for (String line : text.split("\n")) {
                ObjectNode action = (ObjectNode) Json.MAPPER.readTree(line);
                if (action.has("add")) ((ObjectNode) action.get("add").get("tags")).remove(SettledWatermark.TAG);
                out.append(action).append('\n');
            }
            assertTrue(text.contains(SettledWatermark.TAG));
            store.delete(key);
            assertTrue(store.putIfAbsent(key, out.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    // ---- a lake kept open between commands (LakePool: the CLI's query daemon)

    @Test
    void aKeptLakeAnswersAsANewOneAfterEveryChange() throws Exception {
        URI uri = newStore();
        writeRuns(uri, 3);
        try (LakePool pool = new LakePool(2)) {
            Lake kept;
            try (Lake l = pooled(pool, uri)) {
                kept = l;
                assertAnswersOfANewLake(uri, l);
            }
            int generation = kept.generation();
            try (Lake l = pooled(pool, uri)) {
                assertSame(kept, l, "the kept lake is handed out again");
                assertEquals(generation, l.generation(), "nothing changed: the views are not built again");
                assertAnswersOfANewLake(uri, l);
            }
            String fourth = writeRuns(uri, 1).get(0);
            try (Lake l = pooled(pool, uri)) {
                assertSame(kept, l);
                assertTrue(l.generation() > generation, "a new run: the views are built again");
                assertEquals(
                        4L, l.sql("SELECT count(*) FROM runs").rows().get(0).get(0));
                assertAnswersOfANewLake(uri, l);
            }
            index(uri); // compacted (shards replaced by a lake file) and indexed: W moves past every run
            try (Lake l = pooled(pool, uri)) {
                assertAnswersOfANewLake(uri, l);
            }
            crash(uri, fourth); // an object deleted by hand: the run is read again from what is left
            try (Lake l = pooled(pool, uri)) {
                assertAnswersOfANewLake(uri, l);
            }
            try (Lake a = pooled(pool, uri);
                    Lake b = pooled(pool, uri)) {
                assertNotSame(a, b, "a lake is lent to one caller at a time");
                assertAnswersOfANewLake(uri, b);
            }
        }
    }

    @Test
    void aKeptLakeSeesARunGoQuiet() throws Exception {
        URI uri = newStore();
        readerStaleTimeout = Duration.ofSeconds(5);
        String id = writeRuns(uri, 2).get(1);
        crash(uri, id); // no end manifest: RUNNING until it has been quiet for the stale timeout, then CRASHED
        String status = "SELECT status, epoch_ms(last_activity) FROM runs WHERE run_id = '" + id + "'";
        try (LakePool pool = new LakePool(1)) {
            long lastActivityMs;
            try (Lake l = pooled(pool, uri)) {
                List<Object> row = l.sql(status).rows().get(0);
                lastActivityMs = ((Number) row.get(1)).longValue();
                assumeTrue(
                        System.currentTimeMillis() < lastActivityMs + readerStaleTimeout.toMillis(),
                        "the lake opened within the stale timeout of the run's last object");
                assertEquals("RUNNING", row.get(0));
            }
            Thread.sleep(
                    Math.max(0, lastActivityMs + readerStaleTimeout.toMillis() + 500 - System.currentTimeMillis()));
            try (Lake l = pooled(pool, uri)) {
                assertEquals("CRASHED", l.sql(status).rows().get(0).get(0), "the clock alone moved its status");
                assertAnswersOfANewLake(uri, l);
            }
        }
    }

    Lake pooled(LakePool pool, URI uri) {
        return pool.open(
                uri,
                LakeOptions.defaults()
                        .withCacheDir(tmp.resolve("cache-pooled"))
                        .withStaleTimeout(readerStaleTimeout)
                        .withIndexMargin(readerMargin),
                Mirror.Progress.NONE);
    }

    /** {@code kept} answers every documented view and a leaderboard as a lake opened now does. */
    void assertAnswersOfANewLake(URI uri, Lake kept) {
        try (Lake fresh = open(uri, readerMargin)) {
            assertSameAnswers(fresh, kept);
        }
    }

    // ---- helpers

    /** {@code n} finished runs with params, points, an artifact and an input in the first. */
    List<String> writeRuns(URI uri, int n) throws Exception {
        Path model = Files.writeString(
                Files.createDirectories(tmp.resolve("data-" + System.nanoTime()))
                        .resolve("model.bin"),
                "weights");
        List<String> ids = new ArrayList<>();
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            for (int i = 0; i < n; i++) {
                Run r = t.newRun(EXP)
                        .name("r" + i)
                        .param("lr", 0.1 * (i + 1))
                        .tag("k", "v" + i)
                        .start();
                if (i == 0) {
                    // numbers whose Java text differs from JSON's, and integers: the index and raw JSON must print
                    // and type them alike
                    r.logParams(
                            java.util.Map.of("wd", 7e-4, "eps", 1e-10, "on", true, "big", 12345678901234L, "bs", 32));
                    r.logArtifact(model, "weights");
                    r.logInput("train", model.getParent().toString(), "train");
                }
                r.log("acc", 0.5 + i / 100.0, 0);
                r.log("acc", 0.6 + i / 100.0, 1);
                r.finish();
                ids.add(r.id());
            }
        }
        return ids;
    }

    /** Removes a run's end manifest, as if its process died without one. */
    static void crash(URI uri, String runId) {
        try (ObjectStore store = StoreUris.open(uri)) {
            for (ObjectInfo o : store.list(Layout.runPrefix(EXP, runId) + "end/")) store.delete(o.key());
        }
    }

    void index(URI uri) {
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact(EXP);
            IndexerOptions options = IndexerOptions.defaults()
                    .withWorkDir(tmp.resolve("work"))
                    .withClock(Clock.offset(Clock.systemUTC(), LATER))
                    .withForce(true);
            new Indexer(store, options).index(EXP);
        }
    }

    static SettledWatermark watermark(URI uri) {
        try (ObjectStore store = StoreUris.open(uri)) {
            return LakeSnapshot.load(store, EXP).indexWatermark().orElseThrow();
        }
    }

    static Set<String> runsOf(List<String> keys) {
        Set<String> out = new TreeSet<>();
        for (String k : keys) Layout.parseRunObject(k).ifPresent(ro -> out.add(ro.runId()));
        return out;
    }

    Lake open(URI uri, Duration margin) {
        return Lake.open(
                uri,
                LakeOptions.defaults()
                        .withCacheDir(tmp.resolve("cache-" + margin.toMillis()))
                        .withStaleTimeout(readerStaleTimeout)
                        .withIndexMargin(margin));
    }

    /**
     * The documented views and a leaderboard read with the watermark (the indexer's margin) equal those of a full
     * listing (a margin a minute larger than the indexer's, so its watermark is not used; the runs taken from the index
     * are older than either margin).
     */
    static final List<String> ANSWERS = List.of(
            "SELECT experiment, run_id, name, parent_run_id, status, start_time, end_time, last_activity, "
                    + "\"user\", host, code_version, error, params, tags, note, archived FROM runs ORDER BY run_id",
            "SELECT * FROM metric_summary ORDER BY ALL",
            "SELECT * FROM params ORDER BY ALL",
            "SELECT * FROM tags ORDER BY ALL",
            "SELECT * FROM artifacts ORDER BY ALL",
            "SELECT * FROM inputs ORDER BY ALL",
            // rounded: DuckDB adds doubles in whatever order its threads finish (4.46 or 4.460000000000001)
            "SELECT count(*), round(sum(value), 9) FROM metrics",
            "SELECT * FROM experiments");

    void assertSameAnswers(URI uri) {
        try (Lake fromW = open(uri, readerMargin);
                Lake full = open(uri, readerMargin.plusMinutes(1))) {
            assertSameAnswers(full, fromW);
        }
    }

    /** The documented views, a leaderboard and the problems of {@code actual} equal those of {@code expected}. */
    static void assertSameAnswers(Lake expected, Lake actual) {
        for (String q : ANSWERS)
            assertEquals(expected.sql(q).rows(), actual.sql(q).rows(), q);
        assertEquals(
                expected.leaderboard(EXP, "acc", Direction.MAX, 10, null).rows(),
                actual.leaderboard(EXP, "acc", Direction.MAX, 10, null).rows(),
                "leaderboard");
        assertEquals(expected.problems(), actual.problems());
    }
}
