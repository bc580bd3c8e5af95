package io.runlake.functions.bench;

import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.lake.CommitConflictException;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeOperations;
import io.runlake.lake.LakeSnapshot;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Contention on the lake tables, which every experiment shares: E experiments × W writer threads each make C
 * tier-0 compaction commits back to back (no work in between, the worst case) through the real
 * {@link LakeCommitter} and {@link LakeOperations#compactShards}, on a folder and on S3 over HTTP (S3Proxy).
 * The commits name files that are never uploaded: the log only references them. Prints, per configuration,
 * commits/s, lost races per commit, the most attempts any commit needed (the policy allows 50), commit latency
 * and whether every commit landed. Usage (see BENCHMARKS.md):
 *
 * <pre>
 * java -cp benchmarks/target/runlake-benchmarks.jar io.runlake.functions.bench.CommitContentionBenchmark \
 *     [stores=file,s3] [commitsPerWriter=10] [ExW ...=1x8 8x1 8x4 32x1]
 * </pre>
 */
public final class CommitContentionBenchmark {
    private CommitContentionBenchmark() {}

    /** One writer thread's commits: attempts and latency of each. */
    private record WriterResult(int[] attempts, long[] latencyNanos, int failed) {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        List<String> stores = List.of((args.length > 0 ? args[0] : "file,s3").split(","));
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> configs =
                args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("1x8", "8x1", "8x4", "32x1");
        System.out.printf(
                "RunLake lake commit contention: %d commits per writer, %d cores%n",
                commits, Runtime.getRuntime().availableProcessors());
        System.out.println(
                "store  E  W  commits  commits/s  lost/commit(mean,max)  max attempts  p50 ms  p99 ms  landed");
        for (String kind : stores) {
            run(kind, 1, 2, 5, false); // warm-up: class loading and JIT, not printed
            for (String config : configs) {
                String[] ew = config.split("x");
                run(kind, Integer.parseInt(ew[0]), Integer.parseInt(ew[1]), commits, true);
            }
        }
        System.exit(0); // S3Proxy's threads are not daemons
    }

    private static void run(String kind, int experiments, int writers, int commits, boolean print) throws Exception {
        Path dir = Files.createTempDirectory("runlake-contention");
        try (ObjectStore store = open(kind, dir)) {
            List<Future<WriterResult>> futures = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(experiments * writers);
            CountDownLatch go = new CountDownLatch(1);
            for (int e = 0; e < experiments; e++) {
                String experiment = String.format("exp %02d", e);
                String runId = RunIds.newId();
                for (int w = 0; w < writers; w++) {
                    int worker = w;
                    futures.add(pool.submit(() -> {
                        go.await();
                        return write(store, experiment, runId, worker, commits);
                    }));
                }
            }
            long t0 = System.nanoTime();
            go.countDown();
            List<WriterResult> results = new ArrayList<>();
            for (Future<WriterResult> f : futures) results.add(f.get());
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            String landed = landed(store, experiments, writers * commits);
            if (print) print(kind, experiments, writers, results, seconds, landed);
        } finally {
            CompactionBenchmark.deleteTree(dir);
        }
    }

    private static ObjectStore open(String kind, Path dir) {
        if (kind.equals("file")) return new FileObjectStore(dir.resolve("store"));
        if (kind.equals("s3")) {
            return StoreUris.open(S3ProxyServer.shared().newBucketUri("contention-" + System.nanoTime(), "lake"));
        }
        throw new IllegalArgumentException("store must be file or s3: " + kind);
    }

    /** One writer stream of one run: commit c covers its shard c. */
    private static WriterResult write(ObjectStore store, String experiment, String runId, int worker, int commits) {
        String writerId = RunIds.newId();
        LakeCommitter committer = new LakeCommitter(store);
        int[] attempts = new int[commits];
        long[] latency = new long[commits];
        int failed = 0;
        for (int c = 0; c < commits; c++) {
            String shard = Layout.metricShard(experiment, runId, worker, writerId, c);
            DataFile file = new DataFile(
                    LakeLayout.metricsFile(experiment, "w" + worker + "-c" + c), 1000, 50_000, runId, runId, 0);
            long t0 = System.nanoTime();
            try {
                LakeCommitter.Outcome o = committer.commit(
                        experiment,
                        LakeOperations.compactShards(file, List.of(shard), writerId, System::currentTimeMillis));
                attempts[c] = o.attempts();
                if (!o.committed()) failed++;
            } catch (CommitConflictException e) {
                attempts[c] = 50;
                failed++;
            }
            latency[c] = System.nanoTime() - t0;
        }
        return new WriterResult(attempts, latency, failed);
    }

    /** "yes" when every experiment has exactly {@code expected} live files covering as many shards. */
    private static String landed(ObjectStore store, int experiments, int expected) {
        List<String> wrong = new ArrayList<>();
        for (int e = 0; e < experiments; e++) {
            LakeSnapshot s = LakeSnapshot.load(store, String.format("exp %02d", e));
            if (s.liveFiles().size() != expected || s.coveredShardCount() != expected) {
                wrong.add(
                        s.experiment() + ": " + s.liveFiles().size() + " files, " + s.coveredShardCount() + " shards");
            }
        }
        return wrong.isEmpty() ? "yes (" + expected + "/experiment)" : "NO " + wrong;
    }

    private static void print(
            String kind, int experiments, int writers, List<WriterResult> results, double seconds, String landed) {
        int[] attempts =
                results.stream().flatMapToInt(r -> Arrays.stream(r.attempts())).toArray();
        long[] latency = results.stream()
                .flatMapToLong(r -> Arrays.stream(r.latencyNanos()))
                .sorted()
                .toArray();
        int failed = results.stream().mapToInt(WriterResult::failed).sum();
        double meanLost = Arrays.stream(attempts).map(a -> a - 1).average().orElse(0);
        int maxAttempts = Arrays.stream(attempts).max().orElse(0);
        System.out.printf(
                "%-5s %2d %2d %8d %10.1f  %10.2f, %-9d %12d %7.0f %7.0f  %s%s%n",
                kind,
                experiments,
                writers,
                attempts.length,
                attempts.length / seconds,
                meanLost,
                maxAttempts - 1,
                maxAttempts,
                percentileMs(latency, 0.50),
                percentileMs(latency, 0.99),
                landed,
                failed == 0 ? "" : ", " + failed + " commits FAILED");
    }

    private static double percentileMs(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
