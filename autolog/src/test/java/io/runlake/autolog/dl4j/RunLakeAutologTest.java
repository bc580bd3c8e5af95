package io.runlake.autolog.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.autolog.samples.Dl4jAutologSample;
import io.runlake.autolog.samples.Spirals2d;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Trains real DL4J networks against a temp file: store and reads what auto-logging wrote back from the files. */
class RunLakeAutologTest {
    private static final String EXPERIMENT = "autolog-dl4j";
    private static final int EPOCHS = 6;
    private static final int BATCH = 32;
    private static final int TRAIN_PER_CLASS = 200; // 400 examples: ceil(400 / 32) = 13 iterations per epoch

    @TempDir
    Path dir;

    private Tracker open() {
        return Tracker.open(
                dir.toUri(),
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofMillis(200))
                        .withSpillRoot(dir.resolve("spill"))
                        .withShutdownHook(false));
    }

    private static DataSetIterator train() {
        return Spirals2d.iterator(Spirals2d.generate(TRAIN_PER_CLASS, 0.75, 0.05, 1), BATCH);
    }

    private static DataSet validation() {
        return Spirals2d.generate(100, 0.75, 0.05, 2);
    }

    @Test
    void fitRecordsHyperparametersLossPerIterationEpochMetricsAndTheModel() throws Exception {
        MultiLayerNetwork net = Dl4jAutologSample.network(42, 0.01, 32);
        DataSet valid = validation();
        RunLakeAutolog.Result result;
        try (Tracker tracker = open()) {
            result = RunLakeAutolog.fit(tracker, EXPERIMENT, net, train(), Spirals2d.iterator(valid, 64), EPOCHS);
        }
        StoreReader store = new StoreReader(dir, EXPERIMENT);
        String runId = result.runId();
        int iterations = EPOCHS * 13;
        assertEquals(iterations, net.getIterationCount(), "DL4J's own iteration count");
        assertEquals(0, result.callbackFailures());
        assertEquals("FINISHED", store.endManifest(runId).get("status"));

        // hyperparameters are in the start manifest, flattened
        Map<String, Object> params = store.params(runId);
        assertEquals("MultiLayerNetwork", params.get("model.class"));
        assertEquals(net.numParams(), ((Number) params.get("model.num_params")).longValue());
        assertEquals(3, params.get("model.num_layers"));
        assertEquals(42, params.get("seed"));
        assertEquals("STOCHASTIC_GRADIENT_DESCENT", params.get("optimization_algo"));
        assertEquals("Adam", params.get("updater"));
        assertEquals(0.01, params.get("updater.learning_rate"));
        assertEquals(0.9, params.get("updater.beta1"));
        assertEquals(1e-4, params.get("l2"));
        assertEquals("Xavier", params.get("weight_init"));
        assertEquals("DenseLayer", params.get("layer.0.type"));
        assertEquals("TanH", params.get("layer.0.activation"));
        assertEquals(2, params.get("layer.0.n_in"));
        assertEquals(32, params.get("layer.0.n_out"));
        assertEquals("OutputLayer", params.get("layer.2.type"));
        assertEquals("Softmax", params.get("layer.2.activation"));
        assertEquals("MCXENT", params.get("layer.2.loss"));
        assertEquals(0.01, params.get("layer.2.updater.learning_rate"));
        assertEquals(EPOCHS, params.get("epochs"));
        assertEquals(BATCH, params.get("batch_size"));
        assertFalse(params.containsKey("epoch_count"), "bookkeeping is not a hyperparameter");
        @SuppressWarnings("unchecked")
        Map<String, Object> tags =
                (Map<String, Object>) store.startManifest(runId).get("tags");
        assertEquals("deeplearning4j", tags.get("autolog.library"));
        assertEquals("1.0.0-M2.1", tags.get("autolog.library_version"));

        // train/loss at every iteration, steps 0..n-1
        String where = " where run_id = '" + runId + "'";
        assertEquals(
                List.of(List.of((long) iterations, (long) iterations, 0L, (long) iterations - 1)),
                store.query("select count(*), count(distinct step), min(step), max(step) from $shards" + where
                        + " and key = 'train/loss'"));
        // per-epoch metrics at steps 0..EPOCHS-1
        Map<String, Long> perEpoch = new HashMap<>();
        for (List<Object> row : store.query("select key, count(distinct step), max(step) from $shards" + where
                + " and key not in ('train/loss', 'epoch') and key not like 'runlake/%'"
                + " and key not like 'system/%' group by key")) {
            assertEquals((long) EPOCHS - 1, row.get(2), "last step of " + row.get(0));
            perEpoch.put((String) row.get(0), (Long) row.get(1));
        }
        Map<String, Long> expected = new HashMap<>();
        for (String k : List.of(
                "train/epoch_loss",
                "train/epoch_time_s",
                "train/learning_rate",
                "val/loss",
                "val/accuracy",
                "val/precision",
                "val/recall",
                "val/f1")) {
            expected.put(k, (long) EPOCHS);
        }
        assertEquals(expected, perEpoch);
        // epoch e ends at iteration 13e+12
        List<List<Object>> epochs =
                store.query("select step, value from $shards" + where + " and key = 'epoch' order by step");
        assertEquals(EPOCHS, epochs.size());
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(List.of(13L * e + 12, (double) e), epochs.get(e));
        }
        // train/epoch_loss is the mean of that epoch's train/loss points
        List<List<Object>> check = store.query(
                "with l as (select step // 13 as epoch, avg(value) as mean from $shards" + where
                        + " and key = 'train/loss' group by 1), e as (select step as epoch, value from $shards" + where
                        + " and key = 'train/epoch_loss') select l.epoch, l.mean, e.value from l join e using (epoch) order by 1");
        assertEquals(EPOCHS, check.size());
        for (List<Object> row : check)
            assertEquals((double) row.get(1), (double) row.get(2), 1e-9, "epoch " + row.get(0));
        // it learned, and the last validation point is what the network scores now
        double firstLoss = (double) check.get(0).get(2);
        double lastLoss = (double) check.get(EPOCHS - 1).get(2);
        assertTrue(lastLoss < firstLoss * 0.7, "epoch loss " + firstLoss + " -> " + lastLoss);
        double accuracy = (double) store.query(
                        "select value from $shards" + where + " and key = 'val/accuracy' and step = " + (EPOCHS - 1))
                .get(0)
                .get(0);
        assertTrue(accuracy > 0.85, "val/accuracy " + accuracy);
        assertEquals(net.evaluate(Spirals2d.iterator(valid, 64)).accuracy(), accuracy, 1e-12);
        assertEquals(accuracy, result.lastEpochMetrics().get("val/accuracy"), 0.0);

        // the model is a content-addressed blob that DL4J loads back into the same network
        Map<String, Map<String, Object>> artifacts = store.artifacts(runId);
        // (the client may add artifacts of its own, e.g. the code diff of a dirty checkout)
        assertTrue(
                artifacts.keySet().containsAll(List.of("model-config.json", "model.zip")),
                String.valueOf(artifacts.keySet()));
        Map<String, Object> model = artifacts.get("model.zip");
        assertEquals(result.model().sha256(), model.get("sha256"));
        Path blob = store.blob(model);
        assertTrue(blob.startsWith(dir.resolve("artifacts").resolve("sha256")), blob.toString());
        assertTrue(Files.isRegularFile(blob), blob.toString());
        assertEquals(((Number) model.get("size")).longValue(), Files.size(blob));
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(blob.toFile(), true);
        assertEquals(net.params(), restored.params());
        INDArray x = valid.getFeatures();
        assertEquals(net.output(x), restored.output(x));
        assertEquals(iterations, restored.getIterationCount());
        String config = Files.readString(store.blob(artifacts.get("model-config.json")));
        // the configuration as it was at the start (its epoch/iteration counters have moved on since)
        assertEquals(0, MultiLayerConfiguration.fromJson(config).getEpochCount());
        assertEquals(Dl4jParams.ofJson(net.getLayerWiseConfigurations().toJson()), Dl4jParams.ofJson(config));
        // the helper takes its listener off the network again
        assertTrue(net.getListeners().isEmpty(), String.valueOf(net.getListeners()));
    }

    @Test
    void trainingThatThrowsEndsTheRunFailedAndRethrows() throws Exception {
        MultiLayerNetwork net = Dl4jAutologSample.network(42, 0.01, 8);
        // 3 features into a network built for 2
        DataSet bad = new DataSet(Nd4j.rand(40, 3), Nd4j.zeros(40, 2));
        String runId;
        try (Tracker tracker = open()) {
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> RunLakeAutolog.fit(
                            tracker.newRun(EXPERIMENT).name("bad-input"), net, Spirals2d.iterator(bad, 10), null, 3));
            assertNotNull(e.getMessage());
            runId = onlyRun();
        }
        StoreReader store = new StoreReader(dir, EXPERIMENT);
        Map<String, Object> end = store.endManifest(runId);
        assertEquals("FAILED", end.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) end.get("error");
        assertTrue(
                String.valueOf(error.get("type")).startsWith("org.deeplearning4j")
                        || String.valueOf(error.get("type")).startsWith("java.lang"),
                String.valueOf(error));
        // the hyperparameters were recorded before training, the model never was
        assertEquals(2, store.params(runId).get("layer.0.n_in"));
        assertFalse(store.artifacts(runId).containsKey("model.zip"));
        assertTrue(net.getListeners().isEmpty());
    }

    @Test
    void aListenerAttachedByHandLogsWithoutAnyLogCallsAndKeepsTheUsersParams() throws Exception {
        MultiLayerNetwork net = Dl4jAutologSample.network(7, 0.05, 16);
        String runId;
        RunLakeListener listener;
        try (Tracker tracker = open();
                Run run = tracker.newRun(EXPERIMENT)
                        .param("seed", 1234)
                        .param("note", "mine")
                        .start()) {
            runId = run.id();
            listener = new RunLakeListener(run);
            net.setListeners(listener);
            DataSetIterator it = train();
            net.fit(it, 2);
            net.fit(it); // a third epoch through the other fit overload
        }
        assertEquals(0, listener.failures(), listener.firstFailure());
        StoreReader store = new StoreReader(dir, EXPERIMENT);
        assertEquals("FINISHED", store.endManifest(runId).get("status"));
        Map<String, Object> start = store.params(runId);
        assertEquals(Map.of("seed", 1234, "note", "mine"), start);
        Map<String, Object> logged = new HashMap<>();
        for (Map<String, Object> e : store.events(runId, "params")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) e.get("params");
            logged.putAll(p);
        }
        assertFalse(logged.containsKey("seed"), "the user's seed param stays as it was: " + logged.get("seed"));
        assertEquals("Adam", logged.get("updater"));
        assertEquals(0.05, logged.get("updater.learning_rate"));
        assertEquals(16, logged.get("layer.1.n_out"));
        String where = " where run_id = '" + runId + "'";
        assertEquals(
                List.of(List.of(39L, 38L)),
                store.query("select count(*), max(step) from $shards" + where + " and key = 'train/loss'"));
        assertEquals(
                List.of(
                        List.of("epoch", 3L),
                        List.of("train/epoch_loss", 3L),
                        List.of("train/epoch_time_s", 3L),
                        List.of("train/learning_rate", 3L)),
                store.query("select key, count(*) from $shards" + where
                        + " and key not like 'runlake/%' and key not like 'system/%'"
                        + " and key <> 'train/loss'" + " group by key order by key"));
        // no model without the helper or logModel
        Map<String, Map<String, Object>> artifacts = store.artifacts(runId);
        assertTrue(artifacts.containsKey("model-config.json"), String.valueOf(artifacts.keySet()));
        assertFalse(artifacts.containsKey("model.zip"), String.valueOf(artifacts.keySet()));
    }

    @Test
    void aComputationGraphIsTrainedAndRestoredToo() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Sgd(0.1))
                .graphBuilder()
                .addInputs("xy")
                .addLayer(
                        "hidden",
                        new DenseLayer.Builder()
                                .nIn(2)
                                .nOut(8)
                                .activation(Activation.RELU)
                                .build(),
                        "xy")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(8)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        RunLakeAutolog.Result result;
        try (Tracker tracker = open()) {
            result = RunLakeAutolog.fit(tracker, EXPERIMENT, graph, train(), Spirals2d.iterator(validation(), 100), 2);
        }
        StoreReader store = new StoreReader(dir, EXPERIMENT);
        Map<String, Object> params = store.params(result.runId());
        assertEquals("ComputationGraph", params.get("model.class"));
        assertEquals("xy", params.get("inputs"));
        assertEquals("out", params.get("outputs"));
        assertEquals("DenseLayer", params.get("layer.hidden.type"));
        assertEquals("ReLU", params.get("layer.hidden.activation"));
        assertEquals("hidden", params.get("layer.out.inputs"));
        assertEquals("Sgd", params.get("updater"));
        assertEquals(0.1, params.get("updater.learning_rate"));
        assertEquals(
                List.of(List.of(26L)),
                store.query(
                        "select count(*) from $shards where run_id = '" + result.runId() + "' and key = 'train/loss'"));
        assertTrue(result.lastEpochMetrics().containsKey("val/accuracy"), String.valueOf(result.lastEpochMetrics()));
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(
                store.blob(store.artifacts(result.runId()).get("model.zip")).toFile());
        assertEquals(graph.params(), restored.params());
    }

    private String onlyRun() throws IOException {
        try (var s = Files.list(dir.resolve("runs").resolve("experiment=" + EXPERIMENT))) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), String.valueOf(runs));
            return runs.get(0).getFileName().toString().substring("run=".length());
        }
    }
}
