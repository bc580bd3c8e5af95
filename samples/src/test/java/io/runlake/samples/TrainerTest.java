package io.runlake.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final Dataset.Split DATA =
            Spirals.generate(1000, 1.25, 0.05, 42).split(0.25, 42).standardized();

    @Test
    void spiralsAreSeededAndSplitWithoutLosingPoints() {
        Dataset a = Spirals.generate(100, 1.25, 0.05, 1);
        Dataset b = Spirals.generate(100, 1.25, 0.05, 1);
        Dataset c = Spirals.generate(100, 1.25, 0.05, 2);
        assertArrayEquals(a.x(), b.x());
        assertTrue(!Arrays.deepEquals(a.x(), c.x()));
        assertEquals(100, Arrays.stream(a.y()).sum());
        Dataset.Split s = a.split(0.25, 3);
        assertEquals(150, s.train().size());
        assertEquals(50, s.validation().size());
        assertEquals(75, s.train().shard(0, 2).size());
        assertEquals(75, s.train().shard(1, 2).size());
        Dataset.Split z = s.standardized();
        for (int j = 0; j < 2; j++) {
            int f = j;
            double mean = Arrays.stream(z.train().x())
                    .mapToDouble(p -> p[f])
                    .average()
                    .orElseThrow();
            double var = Arrays.stream(z.train().x())
                    .mapToDouble(p -> (p[f] - mean) * (p[f] - mean))
                    .average()
                    .orElseThrow();
            assertEquals(0, mean, 1e-9);
            assertEquals(1, var, 1e-9);
        }
        assertEquals(50, z.validation().size());
    }

    @Test
    void mlpLearnsTheSpirals() throws Exception {
        TrainConfig config = new TrainConfig(0.1, 16, 1, 16, 25, 0.9, 1);
        double untrained = new Mlp(config.layerSizes(2), config.seed())
                .evaluate(DATA.validation())
                .accuracy();
        List<Trainer.EpochStats> epochs = new ArrayList<>();
        Trainer.Result r = Trainer.train(config, DATA.train(), DATA.validation(), epochs::add);
        assertEquals(25, epochs.size());
        assertEquals(epochs.get(24), r.last());
        assertTrue(r.last().valAccuracy() > 0.9, "val accuracy " + r.last().valAccuracy());
        assertTrue(
                r.last().valAccuracy() > untrained + 0.25,
                "untrained " + untrained + ", trained " + r.last().valAccuracy());
        assertTrue(r.last().trainLoss() < epochs.get(0).trainLoss() / 2, epochs.toString());
    }

    @Test
    void aHugeLearningRateDivergesAndIsDetected() {
        TrainConfig config = new TrainConfig(50, 16, 1, 32, 25, 0.9, 1);
        List<Trainer.EpochStats> epochs = new ArrayList<>();
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> Trainer.train(config, DATA.train(), DATA.validation(), epochs::add));
        assertTrue(e.getMessage().contains("learning rate 50.0"), e.getMessage());
        assertTrue(epochs.size() < 25);
    }

    @Test
    void dataParallelWorkersKeepIdenticalWeightsAndLearn() throws Exception {
        TrainConfig config = new TrainConfig(0.1, 16, 1, 32, 40, 0.9, 5);
        int params = new Mlp(config.layerSizes(2), 0).parameterCount();
        AllReduce allReduce = new AllReduce(2, params, 10_000);
        List<CompletableFuture<Trainer.Result>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int worker = w;
            workers.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return Trainer.train(
                                    config,
                                    DATA.train().shard(worker, 2),
                                    DATA.validation(),
                                    worker,
                                    allReduce.forWorker(worker),
                                    s -> {});
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    r -> new Thread(r).start()));
        }
        Trainer.Result r0 = workers.get(0).get();
        Trainer.Result r1 = workers.get(1).get();
        assertArrayEquals(r0.model().toBytes(), r1.model().toBytes());
        assertTrue(r0.last().trainLoss() != r1.last().trainLoss(), "each worker's train metrics are on its own half");
        assertTrue(r0.last().valAccuracy() > 0.85, "val accuracy " + r0.last().valAccuracy());
    }

    @Test
    void aFailingWorkerReleasesTheOthers() {
        AllReduce allReduce = new AllReduce(2, 3, 60_000);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                    () -> {
                        try {
                            allReduce.forWorker(1).allReduceMean(new double[] {1, 2, 3});
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    r -> new Thread(r).start());
            Thread.sleep(200);
            allReduce.abort(); // what worker 0 does when its training throws
            ExecutionException e = assertThrows(ExecutionException.class, waiting::get);
            assertInstanceOf(AllReduce.AbortedException.class, e.getCause().getCause());
        });
    }

    @Test
    void allReduceAveragesGradients() throws Exception {
        AllReduce allReduce = new AllReduce(2, 2, 10_000);
        double[] g1 = {3, 5};
        CompletableFuture<Void> other = CompletableFuture.runAsync(
                () -> {
                    try {
                        allReduce.forWorker(1).allReduceMean(g1);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                r -> new Thread(r).start());
        double[] g0 = {1, -1};
        allReduce.forWorker(0).allReduceMean(g0);
        other.get();
        assertArrayEquals(new double[] {2, 2}, g0);
        assertArrayEquals(new double[] {2, 2}, g1);
    }
}
