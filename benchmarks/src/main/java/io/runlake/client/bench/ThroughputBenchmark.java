package io.runlake.client.bench;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.client.internal.MetricPage;
import io.runlake.client.internal.ShardEncoder;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Sustained throughput from points to durable Parquet shards in a store.
 *
 * <p>Part 1 measures the writer stage alone on one thread (encode pages to Parquet + put-if-absent), the
 * rate the write path can sustain. Part 2 runs the whole pipeline: one training thread calling
 * {@code log} as fast as it can while the background writer flushes; it reports points/s until the last
 * shard is durable and how many points the bounded buffer had to drop.
 *
 * <p>Usage: {@code scripts/bench-client.sh throughput [points] [store-uri] [points-per-second]}: with a rate, the
 * training thread logs at that pace (checking the clock every 1,000 points and sleeping while ahead, as a loop
 * that waits on its GPU would) instead of flat out, and only the pipeline runs.
 */
public final class ThroughputBenchmark {
    private static final String BENCH_RUN = RunIds.newId();
    private static final String BENCH_WRITER = RunIds.newId();

    public static void main(String[] args) throws Exception {
        long points = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
        Path dir = Files.createTempDirectory("runlake-throughput");
        String uri = args.length > 1 ? args[1] : dir.resolve("lake").toUri().toString();
        long rate = args.length > 2 ? Long.parseLong(args[2]) : 0;
        if (rate == 0) {
            writerStage(points, uri + (uri.endsWith("/") ? "" : "/") + "writer-stage", true);
            writerStage(points, uri + (uri.endsWith("/") ? "" : "/") + "writer-stage-curve", false);
        }
        pipeline(points, uri, dir, rate);
    }

    private static void writerStage(long points, String uri, boolean random) {
        int pageCapacity = 65_536;
        int pagesPerShard = 16;
        Random r = new Random(1);
        List<MetricPage> pages = new ArrayList<>();
        for (int p = 0; p < pagesPerShard; p++) {
            MetricPage page = new MetricPage(pageCapacity);
            pages.add(page);
        }
        List<String> keys = List.of("train/loss", "train/accuracy", "val/loss", "lr");
        try (ObjectStore store = StoreUris.open(uri)) {
            long written = 0;
            long bytes = 0;
            long step = 0;
            int shards = 0;
            long t0 = System.nanoTime();
            while (written < points) {
                long now = System.currentTimeMillis();
                for (MetricPage page : pages) {
                    for (int i = 0; i < pageCapacity; i++) {
                        page.keys[i] = (int) (step & 3);
                        page.steps[i] = step >> 2;
                        page.timestamps[i] = now;
                        page.values[i] =
                                random ? r.nextDouble() : Math.exp(-step * 1e-7) + 0.001 * Math.sin(step * 0.01);
                        step++;
                    }
                    page.size = pageCapacity;
                }
                byte[] shard = ShardEncoder.encode(new ShardEncoder.Batch("bench", BENCH_RUN, 0, pages, keys));
                store.putIfAbsentIdempotent(Layout.metricShard("bench", BENCH_RUN, 0, BENCH_WRITER, shards++), shard);
                written += (long) pageCapacity * pagesPerShard;
                bytes += shard.length;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "writer stage (%s values, one thread, %s): %,d points in %.2f s = %,.0f points/s, %d shards, %.2f bytes/point%n",
                    random ? "random" : "smooth-curve",
                    store instanceof FileObjectStore ? "file store" : uri,
                    written,
                    secs,
                    written / secs,
                    shards,
                    (double) bytes / written);
        }
    }

    private static void pipeline(long points, String uri, Path dir, long rate) {
        try (Tracker tracker = Tracker.open(
                StoreUris.parse(uri),
                TrackerOptions.defaults()
                        .withSpillRoot(dir.resolve("spill"))
                        .withShutdownHook(false)
                        .withFlushInterval(Duration.ofSeconds(1))
                        .withCloseTimeout(Duration.ofMinutes(5)))) {
            // the first run of the process pays for the JIT (the encoder's first shards take 10x longer): shown apart
            for (String phase : new String[] {"first run of the JVM", "second run, warm"}) {
                runOnce(tracker, phase, points, rate);
            }
        }
    }

    private static void runOnce(Tracker tracker, String phase, long points, long rate) {
        {
            Run run = tracker.startRun("throughput");
            long t0 = System.nanoTime();
            for (long i = 0; i < points; i++) {
                run.log("train/loss", i * 1e-9, i);
                if (rate > 0 && i % 1_000 == 0) {
                    long due = t0 + i * 1_000_000_000L / rate;
                    // sleep while ahead, as a loop waiting on its GPU would: the logging itself is what is measured
                    for (long ahead; (ahead = due - System.nanoTime()) > 0; ) {
                        if (ahead > 20_000) LockSupport.parkNanos(ahead);
                        else Thread.onSpinWait();
                    }
                }
            }
            double logSecs = (System.nanoTime() - t0) / 1e9;
            run.finish();
            double secs = (System.nanoTime() - t0) / 1e9;
            long dropped = run.droppedPoints();
            long durable = points - dropped;
            long bytes = tracker.store().list(Layout.runPrefix("throughput", run.id()) + "metrics/").stream()
                    .mapToLong(ObjectInfo::size)
                    .sum();
            System.out.printf(
                    "pipeline, %s (log on one thread%s + background writer): %,d points logged in %.2f s (%,.0f calls/s); "
                            + "%,d durable in %.2f s = %,.0f durable points/s; %,d dropped by the bounded buffer; %.2f bytes/point%n",
                    phase,
                    rate > 0 ? String.format(", paced at %,d points/s", rate) : " flat out",
                    points,
                    logSecs,
                    points / logSecs,
                    durable,
                    secs,
                    durable / secs,
                    dropped,
                    (double) bytes / Math.max(1, durable));
        }
    }
}
