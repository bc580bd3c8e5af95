package io.runlake.client.bench;

import io.runlake.client.internal.MetricPage;
import io.runlake.client.internal.ShardEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * Shard bytes per point for typical value series, encoded by the client's {@link ShardEncoder}: how the choice of
 * encoding for the {@code value} column pays off (BENCHMARKS.md, issue 11). Usage: {@code java -cp
 * benchmarks/target/runlake-benchmarks.jar io.runlake.client.bench.ValueEncodingBenchmark}
 */
public final class ValueEncodingBenchmark {
    private static final int PAGE = 65_536;
    private static final int PAGES = 9;

    private ValueEncodingBenchmark() {}

    public static void main(String[] args) {
        Random r = new Random(1);
        LongFunction<Double> loss = s -> (double) (float) (Math.exp(-s * 1e-5) + 0.05 * r.nextGaussian());
        LongFunction<Double> accuracy = s -> Math.round(Math.min(1, s * 1e-5 + 0.1 * r.nextDouble()) * 100) / 100.0;
        print("nextDouble", 1, s -> r.nextDouble());
        print("smooth curve", 1, s -> Math.exp(-s * 1e-6) + 0.001 * Math.sin(s * 0.01));
        print("float32 noisy loss", 1, loss);
        print("accuracy, 2 decimals", 1, accuracy);
        print("constant lr", 1, s -> 3e-4);
        List<LongFunction<Double>> mixed = List.of(loss, accuracy, s -> 3e-4, s -> r.nextDouble());
        print("4 keys interleaved", 4, s -> mixed.get((int) (s & 3)).apply(s >> 2));
    }

    /** Encodes one shard whose point i has key {@code i % keys}, step {@code i / keys} and {@code value(i)}. */
    private static void print(String name, int keys, LongFunction<Double> value) {
        List<MetricPage> pages = new ArrayList<>();
        long i = 0;
        for (int p = 0; p < PAGES; p++) {
            MetricPage page = new MetricPage(PAGE);
            for (int j = 0; j < PAGE; j++, i++) {
                page.keys[j] = (int) (i % keys);
                page.steps[j] = i / keys;
                page.timestamps[j] = 1_764_000_000_000L + 3 * i;
                page.values[j] = value.apply(i);
            }
            page.size = PAGE;
            pages.add(page);
        }
        byte[] shard = ShardEncoder.encode(
                new ShardEncoder.Batch("bench", "01jbench", 0, pages, List.of("k0", "k1", "k2", "k3")));
        System.out.printf("%-22s %.2f bytes/point%n", name, shard.length / (double) i);
    }
}
