package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.functions.core.Compactor;
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
                if (s == 130) v = Double.NEGATIVE_INFINITY;
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
            assertEquals(expected(full, 40), down.points(), what);
            assertEquals(full, lake.history(id, "m", 1000).points(), what + ": under maxPoints, every point");
        }
    }

    /** The buckets of FORMAT.md's history rule, worked out point by point. */
    private static List<History.Point> expected(List<History.Point> full, int maxPoints) {
        long lo = full.stream().mapToLong(History.Point::step).min().orElseThrow();
        long hi = full.stream().mapToLong(History.Point::step).max().orElseThrow();
        double width = Math.max(1.0, (hi - lo + 1) / (double) Math.max(1, maxPoints / 4));
        Map<Long, List<History.Point>> buckets = new TreeMap<>();
        for (History.Point p : full) {
            buckets.computeIfAbsent((long) Math.floor((p.step() - lo) / width), b -> new ArrayList<>())
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
        assertTrue(out.stream().anyMatch(p -> p.step() == 170 && Double.compare(p.value(), -0.0) == 0), "-0.0 kept");
        return List.copyOf(out);
    }
}
