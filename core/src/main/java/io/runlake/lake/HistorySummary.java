package io.runlake.lake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * A downsampled picture of one run's metric in one lake file, kept in the file's footer so that a curve of millions of
 * points can be drawn without reading them (FORMAT.md §12.4.1). The steps are cut into buckets of 2^shift steps
 * aligned at step 0; a bucket keeps its first and last point by (step, time) and a point of its least and of its
 * greatest value. Such buckets nest in every aligned grid whose width is a multiple of 2^shift, so the buckets of
 * several files, and single points read from elsewhere, merge into such a picture exactly as if every point had been
 * read.
 *
 * <p>This class is the one home of the grid rules ({@link #shiftFor}, {@link #widthFor}), the bucket rules
 * ({@link Bucket#add}) and the
 * footer encoding; the compactor writes summaries with it and readers merge them with it.
 */
public final class HistorySummary {
    /** The footer key of a summary: this prefix, the run id, {@code /} and the metric key. */
    public static final String FOOTER_PREFIX = "runlake.history.v1/";
    /** Series with fewer points get no summary: reading them is already cheap (a few milliseconds). */
    public static final int MIN_POINTS = 65_536;
    /** At most this many buckets per summary (the grid's shift is the smallest that fits). */
    public static final int MAX_BUCKETS = 512;
    /** At most one bucket per this many points, so a summary costs at most ~0.3 bytes per point. */
    public static final int POINTS_PER_BUCKET = 512;

    private static final int HEADER_BYTES = 8 + 4 + 4;
    private static final int BUCKET_BYTES = 8 + 4 * (8 + 8 + 8);

    /** One point of a metric: its step, time (epoch ms) and value. */
    public record Sample(long step, long timeMs, double value) {}

    /**
     * The points of one aligned bucket that a picture keeps: its first, last, least and greatest point, held as
     * primitives so that summarising a series allocates nothing per point.
     */
    public static final class Bucket {
        private static final int FIRST = 0, LAST = 1, MIN = 2, MAX = 3;
        final long id;
        private final long[] steps = new long[4];
        private final long[] times = new long[4];
        private final double[] values = new double[4];
        private boolean empty = true;

        Bucket(long id) {
            this.id = id;
        }

        public long id() {
            return id;
        }

        /**
         * Takes a point (or a finer bucket's kept point) into the bucket: first and last by (step, time), the least
         * and greatest value by {@link Double#compare} (NaN greatest), ties to the earlier point by (step, time).
         */
        void add(long step, long time, double value) {
            if (empty) {
                for (int i = 0; i < 4; i++) set(i, step, time, value);
                empty = false;
                return;
            }
            if (before(step, time, FIRST)) set(FIRST, step, time, value);
            if (after(step, time, LAST)) set(LAST, step, time, value);
            int c = Double.compare(value, values[MIN]);
            if (c < 0 || (c == 0 && before(step, time, MIN))) set(MIN, step, time, value);
            c = Double.compare(value, values[MAX]);
            if (c > 0 || (c == 0 && before(step, time, MAX))) set(MAX, step, time, value);
        }

        void addAll(Bucket finer) {
            for (int i = 0; i < 4; i++) add(finer.steps[i], finer.times[i], finer.values[i]);
        }

        /** The kept points in the order first, last, least, greatest (repeats included). */
        List<Sample> kept() {
            List<Sample> out = new ArrayList<>(4);
            for (int i = 0; i < 4; i++) out.add(new Sample(steps[i], times[i], values[i]));
            return out;
        }

        private void set(int slot, long step, long time, double value) {
            steps[slot] = step;
            times[slot] = time;
            values[slot] = value;
        }

        private boolean before(long step, long time, int slot) {
            return step != steps[slot] ? step < steps[slot] : time < times[slot];
        }

        private boolean after(long step, long time, int slot) {
            return step != steps[slot] ? step > steps[slot] : time > times[slot];
        }
    }

    private final long count;
    private final int shift;
    private final List<Bucket> buckets;

    private HistorySummary(long count, int shift, List<Bucket> buckets) {
        this.count = count;
        this.shift = shift;
        this.buckets = buckets;
    }

    /** Points the summary stands for. */
    public long count() {
        return count;
    }

    /** The grid: buckets of 2^shift steps. */
    public int shift() {
        return shift;
    }

    /** The smallest step of the summarised points. */
    public long loStep() {
        return buckets.get(0).steps[Bucket.FIRST];
    }

    /** The greatest step of the summarised points. */
    public long hiStep() {
        return buckets.get(buckets.size() - 1).steps[Bucket.LAST];
    }

    /**
     * The summaries' grid: the smallest shift such that steps {@code lo..hi} fall in at most {@code maxBuckets}
     * buckets of 2^shift steps aligned at step 0 (bucket = step >> shift, an arithmetic shift).
     */
    public static int shiftFor(long lo, long hi, long maxBuckets) {
        int shift = 0;
        while (shift < 62 && (hi >> shift) - (lo >> shift) + 1 > Math.max(1, maxBuckets)) shift++;
        return shift;
    }

    /** The most buckets a summary of {@code points} points may have. */
    public static long bucketsFor(long points) {
        return Math.max(1, Math.min(MAX_BUCKETS, points / POINTS_PER_BUCKET));
    }

    /**
     * A picture's grid: the smallest bucket width of 1, 2, 3, 4, 6, 8, 12, 16, ... (2^k and 3 * 2^k) such that steps
     * {@code lo..hi} fall in at most {@code maxBuckets} buckets of that many steps aligned at step 0 (bucket =
     * floor(step / width)). It leaves at least two thirds of the buckets asked for, and it is a multiple of every
     * 2^s not above it, so summaries of a finer grid nest in it ({@link #nests}).
     */
    public static long widthFor(long lo, long hi, long maxBuckets) {
        long max = Math.max(1, maxBuckets);
        if (hi - lo + 1 <= max) return 1;
        for (int k = 1; k < 62; k++) {
            for (long width : new long[] {1L << k, 3L << (k - 1)}) {
                if (Math.floorDiv(hi, width) - Math.floorDiv(lo, width) + 1 <= max) return width;
            }
        }
        return 1L << 62;
    }

    /** Whether buckets of 2^shift steps nest in buckets of {@code width} steps (both aligned at step 0). */
    public static boolean nests(int shift, long width) {
        return width % (1L << shift) == 0;
    }

    /** Builds a summary from one series' points given in ascending step order. */
    public static final class Builder {
        private final long lo;
        private final int shift;
        private final List<Bucket> buckets = new ArrayList<>();
        private long count;

        /** @param lo the series' smallest step, @param hi its greatest, @param points how many points it has */
        public Builder(long lo, long hi, long points) {
            this.lo = lo;
            this.shift = shiftFor(lo, hi, bucketsFor(points));
        }

        public void add(long step, long timeMs, double value) {
            if (step < lo) throw new IllegalArgumentException("step " + step + " below the series' first step " + lo);
            long id = step >> shift;
            Bucket b = buckets.isEmpty() ? null : buckets.get(buckets.size() - 1);
            if (b == null || b.id != id) {
                if (b != null && id < b.id) throw new IllegalArgumentException("steps out of order at " + step);
                b = new Bucket(id);
                buckets.add(b);
            }
            b.add(step, timeMs, value);
            count++;
        }

        public HistorySummary build() {
            if (buckets.isEmpty()) throw new IllegalStateException("no points");
            return new HistorySummary(count, shift, List.copyOf(buckets));
        }
    }

    /**
     * The footer value: base64 (RFC 4648, padded) of little-endian {@code count} (int64), {@code shift} (int32),
     * {@code buckets} (int32), then per bucket its id (int64) and its first, last, min and max points, each as step
     * (int64), time in epoch ms (int64) and value (IEEE 754 float64).
     */
    public String encode() {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + buckets.size() * BUCKET_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(count).putInt(shift).putInt(buckets.size());
        for (Bucket b : buckets) {
            buf.putLong(b.id);
            for (Sample s : b.kept()) buf.putLong(s.step()).putLong(s.timeMs()).putDouble(s.value());
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** @throws IllegalArgumentException if {@code footerValue} is not a summary this version writes */
    public static HistorySummary decode(String footerValue) {
        ByteBuffer buf;
        try {
            buf = ByteBuffer.wrap(Base64.getDecoder().decode(footerValue)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("history summary is not base64", e);
        }
        if (buf.remaining() < HEADER_BYTES) throw new IllegalArgumentException("history summary too short");
        long count = buf.getLong();
        int shift = buf.getInt();
        int n = buf.getInt();
        if (shift < 0 || shift > 63 || n <= 0 || buf.remaining() != (long) n * BUCKET_BYTES) {
            throw new IllegalArgumentException("history summary header does not match its size");
        }
        List<Bucket> buckets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Bucket b = new Bucket(buf.getLong());
            for (int slot = 0; slot < 4; slot++) b.set(slot, buf.getLong(), buf.getLong(), buf.getDouble());
            b.empty = false;
            buckets.add(b);
        }
        return new HistorySummary(count, shift, buckets);
    }

    /** The footer key of the summary of {@code key} of {@code runId}. */
    public static String footerKey(String runId, String key) {
        return FOOTER_PREFIX + runId + "/" + key;
    }

    /**
     * The picture of summaries and single points together on the grid of {@code width} steps, in which every
     * summary's buckets must nest: each bucket's first, last, least and greatest point, without repeats, in (step,
     * time) order.
     */
    public static List<Sample> merge(Collection<HistorySummary> summaries, List<Sample> points, long width) {
        TreeMap<Long, Bucket> grid = new TreeMap<>();
        for (HistorySummary s : summaries) {
            if (!nests(s.shift, width)) {
                throw new IllegalArgumentException("buckets of 2^" + s.shift + " steps do not nest in " + width);
            }
            for (Bucket b : s.buckets) {
                grid.computeIfAbsent(Math.floorDiv(b.id << s.shift, width), Bucket::new)
                        .addAll(b);
            }
        }
        for (Sample p : points) {
            grid.computeIfAbsent(Math.floorDiv(p.step(), width), Bucket::new).add(p.step(), p.timeMs(), p.value());
        }
        List<Sample> out = new ArrayList<>();
        for (Bucket b : grid.values()) {
            List<Sample> kept = new ArrayList<>(4);
            for (Sample s : b.kept()) if (!kept.contains(s)) kept.add(s);
            kept.sort((x, y) -> x.step() != y.step()
                    ? Long.compare(x.step(), y.step())
                    : x.timeMs() != y.timeMs()
                            ? Long.compare(x.timeMs(), y.timeMs())
                            : Double.compare(x.value(), y.value()));
            out.addAll(kept);
        }
        return out;
    }
}
