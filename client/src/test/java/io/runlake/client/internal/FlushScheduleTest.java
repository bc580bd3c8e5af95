package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.TrackerOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cost of the default flush policy (FORMAT.md §10.2, §15): one worker logging steadily for an hour, simulated
 * on a fake clock with the real schedule and the real buffer (whose half-full signal is the size trigger). Counts
 * the PUTs it makes and how long a point waits before its shard is written.
 */
class FlushScheduleTest {
    private static final long HOUR_MILLIS = 3_600_000;
    /** start manifest and run-id pointer, then the end manifest (its final shard is counted as a shard). */
    private static final int RUN_OBJECTS = 3;

    @Test
    void aSteadyWorkerHourCostsAtMost150RequestsWithPointsVisibleWithin60Seconds() {
        TrackerOptions defaults = TrackerOptions.defaults();
        for (int pointsPerSecond : new int[] {1, 100, 10_000, 19_000}) {
            Hour hour = simulate(defaults, pointsPerSecond);
            long requests = hour.shards + RUN_OBJECTS;
            // the ramp's five, then every 30 s until 3,599 s, and the final shard (BENCHMARKS.md, FORMAT.md §15)
            assertEquals(125, hour.shards, pointsPerSecond + " points/s");
            assertTrue(requests <= 150, pointsPerSecond + " points/s: " + requests + " requests");
            assertTrue(hour.longestWaitMillis <= 30_000, pointsPerSecond + " points/s: " + hour.longestWaitMillis);
            assertEquals(pointsPerSecond * HOUR_MILLIS / 1000, hour.pointsWritten, "every point written");
        }
        // the ramp: waits of 30 s / 32, 16, 8, 4, 2, then 30 s
        assertEquals(
                List.of(937L, 2_812L, 6_562L, 14_062L, 29_062L, 59_062L, 89_062L), simulate(defaults, 100).firstShards);
    }

    @Test
    void aFastWorkerPaysOneShardPerHalfBuffer() {
        // 40,000 points/s fills half of the default buffer (9 pages of 65,536) every 14.7 s: the size trigger
        Hour hour = simulate(TrackerOptions.defaults(), 40_000);
        // the ramp's first four, 243 of 589,824 points each, and the final shard
        assertEquals(248, hour.shards);
        assertTrue(hour.longestWaitMillis < 15_000, "" + hour.longestWaitMillis);
    }

    private record Hour(long shards, long pointsWritten, long longestWaitMillis, List<Long> firstShards) {}

    /**
     * Points arrive evenly; the writer thread checks the schedule when it says and flushes when due or when the
     * buffer asks, as {@code DefaultRun} does; the run ends after an hour with its final shard.
     */
    private static Hour simulate(TrackerOptions options, int pointsPerSecond) {
        AtomicBoolean sizeTriggered = new AtomicBoolean();
        int pages = MetricPage.pagesIn(options.bufferBytes(), options.pageCapacity());
        MetricBuffer buffer = new MetricBuffer(options.pageCapacity(), pages, pages / 2, () -> sizeTriggered.set(true));
        buffer.ensureKeys(1);
        AtomicLong shards = new AtomicLong();
        AtomicLong lastShard = new AtomicLong(); // the run starts at 0
        FlushSchedule schedule = new FlushSchedule(options.flushInterval(), shards::get, lastShard::get);
        long nextCheck = schedule.nextCheckMillis(0);
        long oldestBuffered = -1;
        long longestWait = 0;
        long written = 0;
        long logged = 0;
        List<Long> firstShards = new java.util.ArrayList<>();
        for (long now = 0; now <= HOUR_MILLIS; now++) {
            long due = pointsPerSecond * now / 1000;
            for (; logged < due; logged++) {
                assertTrue(buffer.add(0, -1, now, 1.0), "no point dropped");
                if (oldestBuffered < 0) oldestBuffered = now;
            }
            boolean check = now >= nextCheck;
            if ((check && schedule.due(now)) || sizeTriggered.getAndSet(false) || now == HOUR_MILLIS) {
                List<MetricPage> drained = buffer.drain();
                if (!drained.isEmpty()) {
                    for (MetricPage p : drained) written += p.size;
                    buffer.recycle(drained);
                    shards.incrementAndGet();
                    lastShard.set(now);
                    if (firstShards.size() < 7) firstShards.add(now);
                    longestWait = Math.max(longestWait, now - oldestBuffered);
                    oldestBuffered = -1;
                }
            }
            if (check) nextCheck = now + schedule.nextCheckMillis(now);
        }
        return new Hour(shards.get(), written, longestWait, firstShards);
    }
}
