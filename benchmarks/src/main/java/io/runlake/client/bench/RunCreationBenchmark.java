package io.runlake.client.bench;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Many short runs one after the other, as a sweep of short trials or a CI job logging a run per test does: each run
 * gets 10 params at start, logs 5 metrics and finishes. Reports the wall time of the whole batch (tracker open and
 * close included: every object in the store), the time until the last {@code finish()} returned (loop), the latency of {@code start()} (wall clock, and CPU time of the calling thread, which a loaded
 * machine inflates less) and of {@code finish()}, and what a run costs in the bucket.
 *
 * <p>Default options (code capture and system metrics on), as a user gets them. Usage: {@code scripts/bench-client.sh
 * runs [runs=2000] [stores=file,s3] [rounds=3]}; the first round of each store is a warm-up (class loading, JIT,
 * environment capture) and is not printed.
 */
public final class RunCreationBenchmark {
    /** CPU time of the calling thread: on a loaded machine, what start() costs apart from waiting for a core. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        List<String> stores = List.of((args.length > 1 ? args[1] : "file,s3").split(","));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf(
                "RunLake run creation: %,d runs x (10 params, 5 metrics, finish), %d cores%n",
                runs, Runtime.getRuntime().availableProcessors());
        System.out.println(
                "store  total s  loop s  runs/s  start p50 us  start p90 us  start p99 us  start CPU p50 us  finish p50 us  bytes/run"
                        + "  objects/run");
        for (String kind : stores) {
            for (int round = 0; round <= rounds; round++) {
                round(kind, round == 0 ? Math.min(runs, 300) : runs, round > 0);
            }
        }
        System.exit(0); // S3Proxy's threads are not daemons
    }

    private static void round(String kind, int runs, boolean print) throws Exception {
        Path dir = Files.createTempDirectory("runlake-runs");
        URI uri = kind.equals("s3")
                ? S3ProxyServer.shared().newBucketUri("runs-" + System.nanoTime(), "lake")
                : dir.resolve("lake").toUri();
        long[] start = new long[runs];
        long[] startCpu = new long[runs];
        long[] finish = new long[runs];
        java.util.Map<String, Long> cpuBefore = cpuByThreadGroup();
        long t0 = System.nanoTime();
        long loopEnd;
        try (Tracker tracker = Tracker.open(
                uri,
                TrackerOptions.defaults().withSpillRoot(dir.resolve("spill")).withShutdownHook(false))) {
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                long c = CPU.getCurrentThreadCpuTime();
                Run run = tracker.newRun("sweep")
                        .param("lr", 0.001 * (i % 10 + 1))
                        .param("batch_size", 32 << (i % 4))
                        .param("optimizer", i % 2 == 0 ? "adam" : "sgd")
                        .param("layers", 2 + i % 5)
                        .param("dropout", 0.1 * (i % 5))
                        .param("seed", i)
                        .param("warmup_steps", 100)
                        .param("weight_decay", 1e-4)
                        .param("augment", i % 3 == 0)
                        .param("dataset", "cifar10")
                        .start();
                long started = System.nanoTime();
                startCpu[i] = CPU.getCurrentThreadCpuTime() - c;
                start[i] = started - s;
                run.log("train/loss", 1.0 / (i + 1));
                run.log("train/accuracy", 0.5 + i * 1e-5);
                run.log("val/loss", 1.1 / (i + 1));
                run.log("val/accuracy", 0.49 + i * 1e-5);
                run.log("lr", 0.001);
                long f = System.nanoTime();
                run.finish();
                finish[i] = System.nanoTime() - f;
            }
            loopEnd = System.nanoTime(); // every run ended; close then waits until the store has all of them
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        java.util.Map<String, Long> cpuAfter = cpuByThreadGroup();
        long bytes = 0;
        long objects = 0;
        try (ObjectStore store = StoreUris.open(uri)) {
            for (ObjectInfo o : store.list("")) {
                if (o.key().startsWith("_runlake/")) continue;
                bytes += o.size();
                objects++;
            }
        }
        if (print) {
            Arrays.sort(start);
            Arrays.sort(startCpu);
            Arrays.sort(finish);
            System.out.printf(
                    "%-5s  %7.2f  %6.2f  %6.0f  %12.1f  %12.1f  %12.1f  %13.1f  %13.1f  %9.0f  %11.1f%n",
                    kind,
                    seconds,
                    (loopEnd - t0) / 1e9,
                    runs / seconds,
                    start[runs / 2] / 1e3,
                    start[runs * 9 / 10] / 1e3,
                    start[runs * 99 / 100] / 1e3,
                    startCpu[runs / 2] / 1e3,
                    finish[runs / 2] / 1e3,
                    (double) bytes / runs,
                    (double) objects / runs);
            if (Boolean.getBoolean("runlake.bench.threads")) {
                StringBuilder cpu = new StringBuilder("       CPU ms per run by thread:");
                cpuAfter.forEach((group, nanos) -> {
                    long used = nanos - cpuBefore.getOrDefault(group, 0L);
                    if (used * 100 >= 1_000_000L * runs) { // at least 10 us per run
                        cpu.append(String.format(" %s %.3f", group, used / 1e6 / runs));
                    }
                });
                System.out.println(cpu);
            }
        }
    }

    /**
     * CPU time of the live threads, summed by name without its number (-Drunlake.bench.threads=true prints the
     * difference per run): which part of the client the time goes to. Threads that ended meanwhile are not counted.
     */
    private static java.util.Map<String, Long> cpuByThreadGroup() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : CPU.getThreadInfo(CPU.getAllThreadIds())) {
            if (t == null) continue;
            long nanos = CPU.getThreadCpuTime(t.getThreadId());
            if (nanos > 0) out.merge(t.getThreadName().replaceAll("[-# ]?[0-9]+$", ""), nanos, Long::sum);
        }
        return out;
    }
}
