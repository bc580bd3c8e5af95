package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.functions.core.Compactor;
import io.runlake.lake.HistorySummary;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downsampled history keeps each bucket's first and last point by (step, time) and its least and greatest value
 * (NaN greatest), with the signs of zeros and infinities and the later of two points at one step kept; read from raw
 * shards and again from the compacted lake file, compared with the buckets worked out here from the full history.
 */
class HistoryBucketsTest {
    static final int STEPS = 400;

    @TempDir
    Path tmp;

    @Test
    void bucketsKeepFirstLastMinMaxFromShardsAndCompactedFiles() throws Exception {
        URI uri = Files.createDirectories(tmp.resolve("lake")).toUri();
        String id;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e").start();
            for (int s = 0; s < STEPS; s++) {
                double v = 1 + (s * 7919 % STEPS) / (double) STEPS; // distinct in [1, 2)
                if (s == 45) v = Double.NaN;
                if (s == 90) v = Double.POSITIVE_INFINITY;
                if (s == 100) v = Double.NEGATIVE_INFINITY;
                if (s == 170) v = -0.0;
                r.log("m", v, s);
            }
            Thread.sleep(5); // the steps logged again below are later in time
            r.log("m", 0.5, 0); // step 0 again: the first point stays the earlier one
            r.log("m", 0.25, 205); // a second point at step 205, the least of its bucket
            r.log("m", 10, 250); // and at step 250, the greatest
            r.log("m", 3, STEPS - 1); // the last point is the later one at the last step
            r.finish();
            id = r.id();
        }
        check(uri, id, "raw shards");
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact("e");
        }
        assertTrue(
                Files.walk(tmp.resolve("lake/lake")).anyMatch(p -> p.toString().endsWith(".parquet")), "compacted");
        check(uri, id, "compacted");
    }

    /**
     * A metric of 300,000 points compacted into a lake file with a history summary in its footer (FORMAT.md §12.4.1),
     * then 600 more points in a raw shard: every downsampled picture from the summary and the shard's points is the
     * one read from every point, and the picture of 1,000 points of FORMAT's rule.
     */
    @Test
    void historySummariesGiveThePictureOfEveryPoint() throws Exception {
        URI uri = Files.createDirectories(tmp.resolve("lake")).toUri();
        int compacted = 300_000; // a summary of 512 buckets
        String id;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e").start();
            for (int s = 0; s < compacted; s++) r.log("big", (s * 7919L % compacted) / (double) compacted, s);
            for (int s = 0; s < 100; s++) r.log("small", s, s);
            r.flush();
            id = r.id();
            try (ObjectStore store = StoreUris.open(uri)) {
                new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact("e");
            }
            for (int s = compacted; s < compacted + 600; s++)
                r.log("big", 2.0 + (s * 31L % 600) / 600.0, s); // uncompacted tail
            r.finish();
        }
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            List<Path> lakeFiles;
            try (var files = Files.walk(tmp.resolve("lake/lake"))) {
                lakeFiles = files.filter(p -> p.toString().endsWith(".parquet")).toList();
            }
            assertEquals(
                    1L,
                    lake.query("SELECT count(*) AS n FROM parquet_kv_metadata(" + Views.list(lakeFiles)
                                    + ") WHERE decode(key) = '" + HistorySummary.footerKey(id, "big") + "'")
                            .get(0, "n"),
                    "the compacted file summarises 'big' (and not 'small', under the minimum)");
            List<History.Point> full = lake.history(id, "big", 0).points();
            assertEquals(compacted + 600, full.size());
            for (int maxPoints : new int[] {40, 400, 1000, 2000, 5000}) { // the last two: finer than the summary
                History fromSummary = lake.history(id, "big", maxPoints);
                History fromPoints = lake.historyFromEveryPoint(id, "big", maxPoints);
                assertEquals(compacted + 600, fromSummary.totalPoints(), "total at " + maxPoints);
                assertEquals(fromPoints.points(), fromSummary.points(), "picture of " + maxPoints);
                assertEquals(expected(full, maxPoints, false), fromSummary.points(), "FORMAT's rule at " + maxPoints);
            }
        }
    }

    /**
     * Four shards of 20,000 points, each compacted alone (no summary: under the minimum), then merged by DuckDB into
     * one file of 80,000 points: the merged file carries the summary, and pictures from it are those of every point.
     */
    @Test
    void mergedLakeFilesCarryASummaryOfTheirPoints() throws Exception {
        URI uri = Files.createDirectories(tmp.resolve("lake")).toUri();
        int points = 80_000;
        String id;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e").start();
            for (int s = 0; s < points; s++) {
                r.log("big", (s * 7919L % points) / (double) points, s);
                if (s % 20_000 == 19_999) r.flush();
            }
            r.finish();
            id = r.id();
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(
                            store,
                            LakeSuite.compactNow(tmp.resolve("work"))
                                    .withBatch(Long.MAX_VALUE, 1)
                                    .withFiles(128L << 20, 1, 500_000))
                    .compact("e");
        }
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            List<Path> lakeFiles;
            try (var files = Files.walk(tmp.resolve("lake/lake"))) {
                lakeFiles = files.filter(p -> p.toString().endsWith(".parquet")).toList();
            }
            assertEquals(1, lakeFiles.size(), "merged into one file: " + lakeFiles);
            assertEquals(
                    1L,
                    lake.query("SELECT count(*) AS n FROM parquet_kv_metadata(" + Views.list(lakeFiles)
                                    + ") WHERE decode(key) = '" + HistorySummary.footerKey(id, "big") + "'")
                            .get(0, "n"));
            for (int maxPoints : new int[] {40, 200, 1000}) {
                assertEquals(
                        lake.historyFromEveryPoint(id, "big", maxPoints).points(),
                        lake.history(id, "big", maxPoints).points(),
                        "picture of " + maxPoints);
            }
        }
    }

    private void check(URI uri, String id, String what) {
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            History all = lake.history(id, "m", 0);
            List<History.Point> full = all.points();
            assertEquals(STEPS + 4, full.size(), what);
            Comparator<History.Point> byStepTime =
                    Comparator.comparingLong(History.Point::step).thenComparingLong(History.Point::timeMs);
            for (int i = 1; i < full.size(); i++) {
                assertTrue(byStepTime.compare(full.get(i - 1), full.get(i)) <= 0, what + ": in order at " + i);
            }
            History down = lake.history(id, "m", 40);
            assertEquals(STEPS + 4, down.totalPoints(), what);
            assertEquals(expected(full, 40, true), down.points(), what);
            assertEquals(full, lake.history(id, "m", 1000).points(), what + ": under maxPoints, every point");
        }
    }

    /** The buckets of FORMAT.md's history rule, worked out point by point. */
    private static List<History.Point> expected(List<History.Point> full, int maxPoints, boolean specials) {
        long lo = full.stream().mapToLong(History.Point::step).min().orElseThrow();
        long hi = full.stream().mapToLong(History.Point::step).max().orElseThrow();
        // buckets aligned at step 0, of the smallest width 1, 2, 3, 4, 6, 8, 12, ... that leaves at most
        // maxPoints / 4 of them
        List<Long> ladder = new ArrayList<>(List.of(1L));
        for (int k = 1; k < 40; k++) {
            ladder.add(1L << k);
            ladder.add(3L << (k - 1));
        }
        long w = ladder.stream()
                .filter(width -> Math.floorDiv(hi, width) - Math.floorDiv(lo, width) + 1 <= Math.max(1, maxPoints / 4))
                .findFirst()
                .orElseThrow();
        Map<Long, List<History.Point>> buckets = new TreeMap<>();
        for (History.Point p : full) {
            buckets.computeIfAbsent(Math.floorDiv(p.step(), w), b -> new ArrayList<>())
                    .add(p);
        }
        Comparator<History.Point> byStepTime =
                Comparator.comparingLong(History.Point::step).thenComparingLong(History.Point::timeMs);
        // NaN greatest, as SQL orders it; no bucket here holds two equal values
        Comparator<History.Point> byValue = (a, b) -> Double.compare(a.value(), b.value());
        TreeSet<History.Point> out = new TreeSet<>(byStepTime.thenComparing(byValue));
        for (List<History.Point> b : buckets.values()) {
            out.add(b.stream().min(byStepTime).orElseThrow());
            out.add(b.stream().max(byStepTime).orElseThrow());
            out.add(b.stream().min(byValue).orElseThrow());
            out.add(b.stream().max(byValue).orElseThrow());
        }
        if (specials) {
            assertTrue(
                    out.stream().anyMatch(p -> p.step() == 170 && Double.compare(p.value(), -0.0) == 0), "-0.0 kept");
        }
        return List.copyOf(out);
    }
}
