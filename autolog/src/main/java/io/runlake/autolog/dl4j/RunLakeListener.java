package io.runlake.autolog.dl4j;

import io.runlake.client.ArtifactRef;
import io.runlake.client.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Deeplearning4j {@link org.deeplearning4j.optimize.api.TrainingListener} that records training in a RunLake
 * {@link Run} with no logging code in the training loop:
 *
 * <pre>{@code
 * try (Run run = tracker.newRun("spirals").start()) {
 *     RunLakeListener autolog = new RunLakeListener(run).validation(validIter);
 *     net.addListeners(autolog);
 *     net.fit(trainIter, 10);
 *     autolog.logModel(net);            // or use RunLakeAutolog.fit(...), which does all of this
 * }
 * }</pre>
 *
 * <p>What it records:
 * <ul>
 *   <li>on the first callback: every hyperparameter of the network configuration as params
 *       ({@link Dl4jParams}), the configuration JSON as artifact {@value #CONFIG_ARTIFACT}, and tags
 *       {@code autolog.library}/{@code autolog.library_version};</li>
 *   <li>every iteration: {@value #LOSS} (the network's score: loss plus regularization) at step = iteration;</li>
 *   <li>every epoch, at step = epoch: {@value #EPOCH_LOSS} (mean of that epoch's iteration losses),
 *       {@value #EPOCH_TIME}, {@value #LEARNING_RATE}; with a validation iterator {@value #VAL_LOSS} and
 *       {@code val/accuracy, val/precision, val/recall, val/f1} (classifiers) or {@code val/mse, val/mae,
 *       val/rmse, val/r2} (regression); and {@value #EPOCH} = the epoch number at step = the epoch's last
 *       iteration, mapping iterations to epochs;</li>
 *   <li>{@link #logModel}: the model saved by {@link ModelSerializer} (with updater state) as artifact
 *       {@value #MODEL_ARTIFACT}.</li>
 * </ul>
 * A failure inside a callback (e.g. a broken validation iterator) is logged as a warning and counted in
 * {@link #failures()}; it never stops training.
 */
public class RunLakeListener extends BaseTrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(RunLakeListener.class);

    public static final String LOSS = "train/loss";
    public static final String EPOCH = "epoch";
    public static final String EPOCH_LOSS = "train/epoch_loss";
    public static final String EPOCH_TIME = "train/epoch_time_s";
    public static final String LEARNING_RATE = "train/learning_rate";
    public static final String VAL_LOSS = "val/loss";
    public static final String MODEL_ARTIFACT = "model.zip";
    public static final String CONFIG_ARTIFACT = "model-config.json";
    public static final String LIBRARY = "deeplearning4j";

    /** What validation evaluation computes besides {@value #VAL_LOSS}. */
    public enum EvaluationKind {
        /** Classification for softmax/cross-entropy/negative-log-likelihood outputs, regression for MSE/MAE/L1/L2, else none. */
        AUTO,
        CLASSIFICATION,
        REGRESSION,
        /** Only {@value #VAL_LOSS}. */
        NONE
    }

    private final Run run;
    private DataSetIterator validation;
    private EvaluationKind evaluation = EvaluationKind.AUTO;
    private int evaluateEvery = 1;
    private int logEvery = 1;
    private boolean logConfigArtifact = true;

    private boolean paramsLogged;
    private long epochStartNanos;
    private double epochLossSum;
    private long epochLossCount;
    private long lastIteration = -1;
    private final Map<String, Double> lastEpochMetrics = new LinkedHashMap<>();
    private long failures;
    private String firstFailure;

    public RunLakeListener(Run run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    /** Evaluates the network on this iterator at the end of every epoch (see {@link #evaluateEvery}). */
    public RunLakeListener validation(DataSetIterator iterator) {
        this.validation = iterator;
        return this;
    }

    public RunLakeListener evaluation(EvaluationKind kind) {
        this.evaluation = Objects.requireNonNull(kind, "kind");
        return this;
    }

    /** Validation every {@code epochs} epochs (and never when no validation iterator is set). */
    public RunLakeListener evaluateEvery(int epochs) {
        if (epochs < 1) throw new IllegalArgumentException("evaluateEvery must be at least 1: " + epochs);
        this.evaluateEvery = epochs;
        return this;
    }

    /** Logs {@value #LOSS} every {@code iterations} iterations (default every one). */
    public RunLakeListener logEvery(int iterations) {
        if (iterations < 1) throw new IllegalArgumentException("logEvery must be at least 1: " + iterations);
        this.logEvery = iterations;
        return this;
    }

    /** Whether to store the configuration JSON as artifact {@value #CONFIG_ARTIFACT} (default true). */
    public RunLakeListener logConfigArtifact(boolean on) {
        this.logConfigArtifact = on;
        return this;
    }

    public Run run() {
        return run;
    }

    /** Callbacks that failed (and were skipped) so far. */
    public long failures() {
        return failures;
    }

    /** The first callback failure's message, or null. */
    public String firstFailure() {
        return firstFailure;
    }

    /** The metrics of the last finished epoch. */
    public Map<String, Double> lastEpochMetrics() {
        return Collections.unmodifiableMap(lastEpochMetrics);
    }

    // ---- callbacks -----------------------------------------------------------------------------

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        guard("iterationDone", () -> {
            logParams(model);
            double score = model.score();
            lastIteration = iteration;
            if (Double.isFinite(score)) {
                epochLossSum += score;
                epochLossCount++;
            }
            if (iteration % logEvery == 0) run.log(LOSS, score, iteration);
        });
    }

    @Override
    public void onEpochStart(Model model) {
        guard("onEpochStart", () -> {
            logParams(model);
            epochStartNanos = System.nanoTime();
            epochLossSum = 0;
            epochLossCount = 0;
        });
    }

    @Override
    public void onEpochEnd(Model model) {
        guard("onEpochEnd", () -> {
            int epoch = epochOf(model);
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (epochLossCount > 0) metrics.put(EPOCH_LOSS, epochLossSum / epochLossCount);
            if (epochStartNanos != 0) metrics.put(EPOCH_TIME, (System.nanoTime() - epochStartNanos) / 1e9);
            Double lr = learningRate(model);
            if (lr != null && Double.isFinite(lr)) metrics.put(LEARNING_RATE, lr);
            run.log(metrics, epoch);
            run.log(EPOCH, epoch, Math.max(0, lastIteration));
            lastEpochMetrics.clear();
            lastEpochMetrics.putAll(metrics);
        });
        if (validation != null && (epochOf(model) + 1) % evaluateEvery == 0) {
            guard("validation", () -> {
                int epoch = epochOf(model);
                Map<String, Double> metrics = validate(model);
                run.log(metrics, epoch);
                lastEpochMetrics.putAll(metrics);
            });
        }
        epochStartNanos = 0;
    }

    // ---- what is recorded ----------------------------------------------------------------------

    /** Logs the network's hyperparameters (once; later calls do nothing). */
    public void logParams(Model model) {
        if (paramsLogged) return;
        paramsLogged = true;
        Map<String, Object> params = Dl4jParams.of(model);
        try {
            run.logParams(params);
        } catch (IllegalArgumentException conflict) {
            // a param the user logged already with another value (params are immutable): keep theirs, log the rest
            LOG.warn("RunLake auto-logging: {}; logging the other hyperparameters one by one", conflict.getMessage());
            params.forEach((k, v) -> {
                try {
                    run.logParam(k, v);
                } catch (IllegalArgumentException e) {
                    LOG.warn("RunLake auto-logging skipped param {}: {}", k, e.getMessage());
                }
            });
        }
        run.setTag("autolog.library", LIBRARY);
        run.setTag("autolog.library_version", libraryVersion());
        if (logConfigArtifact) {
            String json = model instanceof MultiLayerNetwork net
                    ? net.getLayerWiseConfigurations().toJson()
                    : ((ComputationGraph) model).getConfiguration().toJson();
            Path tmp = null;
            try {
                tmp = Files.createTempFile("runlake-dl4j-config", ".json");
                Files.writeString(tmp, json, StandardCharsets.UTF_8);
                run.logArtifact(tmp, CONFIG_ARTIFACT);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the DL4J configuration: " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Saves the model with {@link ModelSerializer} (including updater state, so training can resume) and stores
     * it as artifact {@value #MODEL_ARTIFACT}; it loads back with {@code ModelSerializer.restoreMultiLayerNetwork}
     * or {@code restoreComputationGraph}.
     */
    public ArtifactRef logModel(Model model) {
        return logModel(model, MODEL_ARTIFACT);
    }

    public ArtifactRef logModel(Model model, String artifactName) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("runlake-dl4j-model", ".zip");
            ModelSerializer.writeModel(model, tmp.toFile(), true);
            return run.logArtifact(tmp, artifactName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the DL4J model: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private Map<String, Double> validate(Model model) {
        NeuralNetwork nn = (NeuralNetwork) model;
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (validation.resetSupported()) validation.reset();
        double sum = 0;
        long n = 0;
        while (validation.hasNext()) {
            DataSet ds = validation.next();
            int k = ds.numExamples();
            double s = model instanceof MultiLayerNetwork net ? net.score(ds) : ((ComputationGraph) model).score(ds);
            sum += s * k;
            n += k;
        }
        if (n > 0) metrics.put(VAL_LOSS, sum / n);
        EvaluationKind kind = evaluation == EvaluationKind.AUTO ? kindOf(model) : evaluation;
        if (kind == EvaluationKind.CLASSIFICATION) {
            if (validation.resetSupported()) validation.reset();
            Evaluation e = nn.doEvaluation(validation, new Evaluation())[0];
            metrics.put("val/accuracy", e.accuracy());
            metrics.put("val/precision", e.precision());
            metrics.put("val/recall", e.recall());
            metrics.put("val/f1", e.f1());
        } else if (kind == EvaluationKind.REGRESSION) {
            if (validation.resetSupported()) validation.reset();
            RegressionEvaluation r = nn.doEvaluation(validation, new RegressionEvaluation())[0];
            metrics.put("val/mse", r.averageMeanSquaredError());
            metrics.put("val/mae", r.averageMeanAbsoluteError());
            metrics.put("val/rmse", r.averagerootMeanSquaredError());
            metrics.put("val/r2", r.averageRSquared());
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        return metrics;
    }

    static EvaluationKind kindOf(Model model) {
        Layer out;
        if (model instanceof MultiLayerNetwork net) {
            out = net.getOutputLayer();
        } else if (model instanceof ComputationGraph graph && graph.getNumOutputArrays() == 1) {
            out = graph.getOutputLayer(0);
        } else {
            return EvaluationKind.NONE;
        }
        if (out == null || !(out.conf().getLayer() instanceof BaseOutputLayer bol)) return EvaluationKind.NONE;
        ILossFunction loss = bol.getLossFn();
        if (loss instanceof LossMCXENT || loss instanceof LossNegativeLogLikelihood || loss instanceof LossBinaryXENT) {
            return EvaluationKind.CLASSIFICATION;
        }
        if (loss instanceof LossMSE || loss instanceof LossMAE || loss instanceof LossL1 || loss instanceof LossL2) {
            return EvaluationKind.REGRESSION;
        }
        return EvaluationKind.NONE;
    }

    static int epochOf(Model model) {
        if (model instanceof MultiLayerNetwork net) return net.getEpochCount();
        if (model instanceof ComputationGraph graph)
            return graph.getConfiguration().getEpochCount();
        throw new IllegalArgumentException("auto-logging supports MultiLayerNetwork and ComputationGraph, not "
                + model.getClass().getName());
    }

    /** The current learning rate of the first layer that has one (reflects schedules). */
    static Double learningRate(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            for (int i = 0; i < net.getnLayers(); i++) {
                Double lr = net.getLearningRate(i);
                if (lr != null) return lr;
            }
        } else if (model instanceof ComputationGraph graph) {
            for (Layer layer : graph.getLayers()) {
                Double lr = graph.getLearningRate(layer.conf().getLayer().getLayerName());
                if (lr != null) return lr;
            }
        }
        return null;
    }

    /** The DL4J version on the classpath, from the jar's Maven metadata. */
    public static String libraryVersion() {
        try (InputStream in = MultiLayerNetwork.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void guard(String where, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            failures++;
            if (firstFailure == null) {
                firstFailure = where + ": " + e;
                LOG.warn(
                        "RunLake auto-logging skipped {} of run {} (training goes on): {}",
                        where,
                        run.id(),
                        e.toString(),
                        e);
            } else {
                LOG.debug("RunLake auto-logging skipped {} of run {}: {}", where, run.id(), e.toString());
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temp file; the OS cleans it up
        }
    }
}
