package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistorySummaryTest {
    @Test
    void theGridIsTheFewestAlignedBucketsThatFit() {
        assertEquals(0, HistorySummary.shiftFor(0, 99, 100));
        assertEquals(1, HistorySummary.shiftFor(0, 100, 100));
        assertEquals(0, HistorySummary.shiftFor(7, 7, 1));
        assertEquals(0, HistorySummary.shiftFor(-1, 0, 2)); // step -1 (no step) is bucket -1 on every grid
        assertEquals(2, HistorySummary.shiftFor(-1, 7, 3)); // -1, 0 and 1
        assertEquals(20, HistorySummary.shiftFor(0, 999_999, 1));
        assertEquals(11, HistorySummary.shiftFor(0, 999_999, 500));
    }

    @Test
    void aPicturesWidthIsTheSmallestPowerOfTwoOrThreeTimesOneThatFits() {
        assertEquals(1, HistorySummary.widthFor(0, 49, 50));
        assertEquals(2, HistorySummary.widthFor(0, 50, 50));
        assertEquals(96, HistorySummary.widthFor(0, 3999, 50)); // 64 leaves 63 buckets, 96 leaves 42
        assertEquals(4096, HistorySummary.widthFor(0, 999_999, 250)); // 3072 leaves 326
        assertEquals(1, HistorySummary.widthFor(-1, 0, 2));
        for (long w : new long[] {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48}) {
            assertTrue(HistorySummary.nests(0, w));
            assertEquals(w % 2 == 0, HistorySummary.nests(1, w), "2 divides " + w);
        }
        assertTrue(HistorySummary.nests(11, 4096));
        assertTrue(HistorySummary.nests(11, 6144));
        assertTrue(!HistorySummary.nests(12, 6144));
    }

    /** Summaries of parts at a fine grid, merged on a coarser one, keep what the points themselves give. */
    @Test
    void summariesMergeIntoThePictureOfTheirPoints() {
        Random random = new Random(42);
        List<HistorySummary.Sample> all = new ArrayList<>();
        List<HistorySummary> parts = new ArrayList<>();
        long step = -1;
        for (int part = 0; part < 3; part++) {
            List<HistorySummary.Sample> points = new ArrayList<>();
            int n = 270_000 + random.nextInt(5_000); // 512 buckets
            for (int i = 0; i < n; i++) {
                step += 1 + random.nextInt(3);
                double v = i == 100 ? Double.NaN : i == 200 ? Double.NEGATIVE_INFINITY : random.nextDouble();
                points.add(new HistorySummary.Sample(step, 1_700_000_000_000L + step, v));
            }
            HistorySummary.Builder b = new HistorySummary.Builder(points.get(0).step(), step, n);
            for (HistorySummary.Sample p : points) b.add(p.step(), p.timeMs(), p.value());
            HistorySummary s = HistorySummary.decode(b.build().encode()); // through the footer encoding
            assertEquals(n, s.count());
            assertTrue(s.shift() > 0);
            parts.add(s);
            all.addAll(points);
        }
        List<HistorySummary.Sample> tail = new ArrayList<>();
        for (int i = 0; i < 300; i++) tail.add(new HistorySummary.Sample(++step, 1_800_000_000_000L, -i));
        all.addAll(tail);
        int finest = parts.stream().mapToInt(HistorySummary::shift).max().orElseThrow();
        for (long width : new long[] {1L << finest, 3L << finest, 1L << (finest + 1), 3L << (finest + 2)}) {
            assertEquals(
                    HistorySummary.merge(List.of(), all, width),
                    HistorySummary.merge(parts, tail, width),
                    "buckets of " + width);
        }
        assertThrows(IllegalArgumentException.class, () -> HistorySummary.merge(parts, tail, 3L << (finest - 1)));
    }

    @Test
    void aDamagedSummaryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HistorySummary.decode("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> HistorySummary.decode("AAAA"));
        HistorySummary.Builder b = new HistorySummary.Builder(0, 10, 1);
        b.add(0, 1, 1.0);
        String ok = b.build().encode();
        assertThrows(IllegalArgumentException.class, () -> HistorySummary.decode(ok.substring(0, ok.length() - 8)));
        assertThrows(IllegalArgumentException.class, () -> new HistorySummary.Builder(5, 10, 1).add(4, 0, 0));
        assertEquals(1, HistorySummary.bucketsFor(100));
        assertEquals(128, HistorySummary.bucketsFor(65_536));
        assertEquals(512, HistorySummary.bucketsFor(1_000_000));
    }
}
