package io.runlake.client.bench;

import io.runlake.client.internal.MetricPage;
import io.runlake.client.internal.ShardEncoder;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The client's shard encoder alone (BENCHMARKS.md, issue 14 item 5): one shard of 9 pages × 65,536 points, 4 keys
 * interleaved, step = point / 4, a timestamp every 3 ms, {@code nextDouble} values, encoded {@code shards} times in
 * one JVM. Prints, for the second half of the encodes (the first half warms the JIT), the process CPU time per
 * point (all threads, GC included: the steady measure on a shared machine) and the wall rate, as medians.
 * Usage: {@code java -cp benchmarks/target/runlake-benchmarks.jar io.runlake.client.bench.ShardEncoderBenchmark
 * [shards=20]}
 */
public final class ShardEncoderBenchmark {
    private static final int PAGE = 65_536;
    private static final int PAGES = 9;

    private ShardEncoderBenchmark() {}

    public static void main(String[] args) {
        int shards = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Random r = new Random(1);
        List<MetricPage> pages = new ArrayList<>();
        long i = 0;
        for (int p = 0; p < PAGES; p++) {
            MetricPage page = new MetricPage(PAGE);
            for (int j = 0; j < PAGE; j++, i++) {
                page.keys[j] = (int) (i & 3);
                page.steps[j] = i >> 2;
                page.timestamps[j] = 1_764_000_000_000L + 3 * (i >> 2);
                page.values[j] = r.nextDouble();
            }
            page.size = PAGE;
            pages.add(page);
        }
        long points = i;
        ShardEncoder.Batch batch = new ShardEncoder.Batch(
                "bench", "01jbench000000000000000000", 0, pages, List.of("loss", "acc", "lr", "grad_norm"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] cpuNsPerPoint = new double[shards];
        double[] wallRate = new double[shards];
        int bytes = 0;
        for (int s = 0; s < shards; s++) {
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            bytes = ShardEncoder.encode(batch).length;
            long wall = System.nanoTime() - wall0;
            cpuNsPerPoint[s] = (os.getProcessCpuTime() - cpu0) / (double) points;
            wallRate[s] = points / (wall / 1e9);
        }
        double[] cpu = Arrays.copyOfRange(cpuNsPerPoint, shards / 2, shards);
        double[] rate = Arrays.copyOfRange(wallRate, shards / 2, shards);
        Arrays.sort(cpu);
        Arrays.sort(rate);
        System.out.printf(
                "%d points per shard, %d shards timed: CPU %.0f ns/point (min %.0f), wall %.2f M points/s (max %.2f),"
                        + " %.2f bytes/point%n",
                points,
                cpu.length,
                cpu[cpu.length / 2],
                cpu[0],
                rate[rate.length / 2] / 1e6,
                rate[rate.length - 1] / 1e6,
                bytes / (double) points);
    }
}
