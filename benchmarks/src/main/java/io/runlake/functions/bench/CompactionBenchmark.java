package io.runlake.functions.bench;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeView;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Compaction throughput and memory: writes N random-valued points as raw shards with the real client into
 * a temporary {@code file:} store, compacts them, and prints points/s, peak heap, file counts and bytes per
 * point. Usage (see BENCHMARKS.md):
 *
 * <pre>
 * java -Xmx512m --add-opens=java.base/java.nio=ALL-UNNAMED -cp benchmarks/target/runlake-benchmarks.jar \
 *     io.runlake.functions.bench.CompactionBenchmark [points=10000000] [pointsPerShard=20000] [runs=100] [keys=10] [dir]
 * </pre>
 *
 * <p>{@code RUNLAKE_BENCH_PASSES=N} compacts N fresh copies of the same raw shards one after the other in this JVM:
 * the first pass is a cold start (class loading, JIT), the later ones are the steady state of a warm Lambda container
 * or of {@code runlake compact} working through a backlog.
 */
public final class CompactionBenchmark {
    private CompactionBenchmark() {}

    public static void main(String[] args) throws Exception {
        long points = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        int perShard = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int keys = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path dir = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("runlake-bench");
        Path storeDir = dir.resolve("store");
        String experiment = "bench";
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "RunLake compaction benchmark: %,d points, %,d points/shard, %d runs x %d keys, %d cores, max heap %d MiB, dir %s%n",
                points, perShard, runs, keys, cores, Runtime.getRuntime().maxMemory() >> 20, dir);

        long t0 = System.nanoTime();
        generate(storeDir.toUri(), dir.resolve("spill"), experiment, points, perShard, runs, keys);
        double genSeconds = (System.nanoTime() - t0) / 1e9;

        String passesEnv = System.getenv("RUNLAKE_BENCH_PASSES");
        int passes = passesEnv == null || passesEnv.isBlank() ? 1 : Integer.parseInt(passesEnv.strip());
        try {
            for (int pass = 1; pass <= passes; pass++) {
                Path passDir = storeDir;
                if (passes > 1) {
                    passDir = dir.resolve("pass-" + pass);
                    copyTree(storeDir, passDir);
                    System.out.printf("%npass %d of %d (%s)%n", pass, passes, pass == 1 ? "cold JVM" : "warm JVM");
                }
                compactOnce(passDir, dir.resolve("work-" + pass), experiment, points, cores, genSeconds);
                if (passes > 1) deleteTree(passDir);
            }
        } finally {
            if (args.length <= 4) deleteTree(dir);
        }
    }

    private static void compactOnce(
            Path storeDir, Path workDir, String experiment, long points, int cores, double genSeconds)
            throws Exception {
        try (ObjectStore store = new FileObjectStore(storeDir)) {
            LakeView before = LakeView.load(store, experiment);
            long rawBytes =
                    before.uncoveredShards().stream().mapToLong(o -> o.size()).sum();
            System.out.printf(
                    "generated %,d raw shards (%,d bytes, %.2f bytes/point) in %.1f s%n",
                    before.uncoveredShards().size(), rawBytes, (double) rawBytes / points, genSeconds);

            System.gc();
            HeapSampler sampler = new HeapSampler();
            sampler.start();
            CompactorOptions options =
                    CompactorOptions.defaults().withWorkDir(workDir).withGrace(Duration.ZERO, Duration.ofHours(1));
            String memory = System.getenv("RUNLAKE_DUCKDB_MEMORY");
            if (memory != null && !memory.isBlank()) options = options.withMemory(memory, options.threads());
            String threads = System.getenv("RUNLAKE_DUCKDB_THREADS");
            if (threads != null && !threads.isBlank())
                options = options.withMemory(options.memoryLimit(), Integer.parseInt(threads));
            double cpu0 = processCpuSeconds();
            long c0 = System.nanoTime();
            Compactor.Result r = new Compactor(store, options).compact(experiment);
            double seconds = (System.nanoTime() - c0) / 1e9;
            double cpuSeconds = processCpuSeconds() - cpu0;
            sampler.stop();

            LakeView after = LakeView.load(store, experiment);
            long lakeBytes =
                    after.liveFiles().stream().mapToLong(DataFile::bytes).sum();
            long lakeRows = after.liveFiles().stream().mapToLong(DataFile::rows).sum();
            if (lakeRows != points)
                throw new IllegalStateException("lake holds " + lakeRows + " points, expected " + points);
            System.out.printf(
                    "compacted %,d points in %.2f s: %,.0f points/s (%,.0f points/s per core, %d cores)%n",
                    r.pointsCompacted(), seconds, points / seconds, points / seconds / cores, cores);
            // on a shared machine wall time depends on the neighbours; CPU time (all threads, DuckDB's too) less so
            System.out.printf(
                    "process CPU %.2f s (DuckDB threads %d): %,.0f points per CPU-second%n",
                    cpuSeconds, options.threads(), points / cpuSeconds);
            System.out.printf(
                    "commits %d (%d shards, %d files merged), files before %,d raw shards -> after %d lake files %s%n",
                    r.commits(),
                    r.shardsCompacted(),
                    r.filesMerged(),
                    before.uncoveredShards().size(),
                    after.liveFiles().size(),
                    after.liveFiles().stream()
                            .map(f -> (f.bytes() >> 20) + "MiB/t" + f.tier())
                            .toList());
            System.out.printf(
                    "bytes/point after compaction: %.2f (%,d bytes)%n", (double) lakeBytes / points, lakeBytes);
            System.out.printf(
                    "peak heap used: %d MiB sampled, %d MiB sum of pool peaks; peak process RSS %s%n",
                    sampler.peak.get() >> 20, sampler.poolPeaks() >> 20, rssPeak());
        }
    }

    /** Writes the points through the real client: one flush (= one shard) per {@code perShard} points per run. */
    static void generate(URI uri, Path spill, String experiment, long points, int perShard, int runs, int keys) {
        TrackerOptions o = TrackerOptions.defaults()
                .withFlushInterval(Duration.ofHours(1))
                .withHeartbeatInterval(Duration.ofHours(24))
                .withSystemMetricsInterval(Duration.ZERO) // exactly the points asked for
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCloseTimeout(Duration.ofMinutes(10));
        SplittableRandom random = new SplittableRandom(42);
        long perRun = points / runs;
        try (Tracker tracker = Tracker.open(uri, o)) {
            for (int r = 0; r < runs; r++) {
                long n = r == runs - 1 ? points - perRun * (runs - 1) : perRun;
                try (Run run = tracker.newRun(experiment)
                        .name("run-" + r)
                        .param("seed", r)
                        .start()) {
                    String[] names = new String[keys];
                    for (int k = 0; k < keys; k++) names[k] = "metric_" + k;
                    long sinceFlush = 0;
                    for (long i = 0; i < n; i++) {
                        run.log(names[(int) (i % keys)], random.nextDouble(), i / keys);
                        if (++sinceFlush == perShard) {
                            run.flush();
                            sinceFlush = 0;
                        }
                    }
                }
            }
        }
    }

    /** Peak of used heap, sampled every 5 ms, and the JVM's own per-pool peaks. */
    static final class HeapSampler {
        final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "heap-sampler");

        void start() {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
                if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running) {
                peak.accumulateAndGet(
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long poolPeaks() {
            long sum = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null)
                    sum += p.getPeakUsage().getUsed();
            }
            return sum;
        }
    }

    /** CPU time of the whole process (every JVM and native thread), from /proc; NaN where there is none. */
    static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, clock ticks of 10 ms
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static String rssPeak() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim())
                    .findFirst()
                    .orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
