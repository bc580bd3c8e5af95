package io.runlake.autolog.dl4j;

import io.runlake.client.ArtifactRef;
import io.runlake.client.Run;
import io.runlake.client.RunSpec;
import io.runlake.client.Tracker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call that trains a Deeplearning4j network inside a RunLake run: the run starts with every
 * hyperparameter in its start manifest, {@link RunLakeListener} records loss per iteration and metrics per
 * epoch, the trained model is stored as artifact {@code model.zip}, and the run ends FINISHED, or FAILED
 * with the exception (which is rethrown) if training throws.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.open()) {
 *     RunLakeAutolog.Result r = RunLakeAutolog.fit(tracker, "spirals", net, trainIter, validIter, 20);
 * }
 * }</pre>
 */
public final class RunLakeAutolog {
    private static final Logger LOG = LoggerFactory.getLogger(RunLakeAutolog.class);

    private RunLakeAutolog() {}

    /**
     * What a tracked training produced.
     *
     * @param runId the run
     * @param model the stored {@code model.zip}
     * @param lastEpochMetrics the metrics of the last epoch (train/epoch_loss, val/accuracy, ...)
     * @param callbackFailures listener callbacks that failed and were skipped (0 normally)
     */
    public record Result(
            String runId,
            String experiment,
            ArtifactRef model,
            Map<String, Double> lastEpochMetrics,
            long callbackFailures) {}

    /** Training code run by {@link #track}: anything that calls {@code fit} on the network. */
    @FunctionalInterface
    public interface Training {
        void train(Run run) throws Exception;
    }

    /** Trains {@code network} for {@code epochs} epochs in a new run of {@code experiment}; {@code validation} may be null. */
    public static Result fit(
            Tracker tracker,
            String experiment,
            Model network,
            DataSetIterator train,
            DataSetIterator validation,
            int epochs) {
        return fit(tracker.newRun(experiment), network, train, validation, epochs);
    }

    /**
     * Trains in a new run described by {@code spec} (a name, a parent sweep run, extra params or tags). Params
     * already in the spec win over auto-logged ones of the same name.
     */
    public static Result fit(
            RunSpec spec, Model network, DataSetIterator train, DataSetIterator validation, int epochs) {
        Objects.requireNonNull(train, "train iterator");
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("epochs", (long) epochs);
        try {
            int batch = train.batch();
            if (batch > 0) extra.put("batch_size", (long) batch);
        } catch (RuntimeException e) {
            // some iterators do not know their batch size
        }
        return track(spec, network, validation, extra, run -> {
            if (network instanceof MultiLayerNetwork net) {
                net.fit(train, epochs);
            } else {
                ((ComputationGraph) network).fit(train, epochs);
            }
        });
    }

    /**
     * Runs custom training code ({@code body} calls {@code network.fit(...)} as it likes) with auto-logging
     * attached: same records as {@link #fit}, for training loops that are not a plain {@code fit(iterator, epochs)}.
     */
    public static Result track(RunSpec spec, Model network, DataSetIterator validation, Training body)
            throws Exception {
        return track(spec, network, validation, Map.of(), body);
    }

    private static Result track(
            RunSpec spec, Model network, DataSetIterator validation, Map<String, Object> extra, Training body) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(body, "body");
        Map<String, Object> params = new LinkedHashMap<>(Dl4jParams.of(network));
        params.putAll(extra);
        Map<String, Object> given = spec.params();
        params.forEach((k, v) -> {
            if (given.containsKey(k)) {
                if (!String.valueOf(given.get(k)).equals(String.valueOf(v))) {
                    LOG.warn(
                            "param {} is {} in the run spec and {} in the network; keeping {}",
                            k,
                            given.get(k),
                            v,
                            given.get(k));
                }
            } else {
                spec.param(k, v);
            }
        });
        spec.tag("autolog.library", RunLakeListener.LIBRARY);
        spec.tag("autolog.library_version", RunLakeListener.libraryVersion());

        Run run = spec.start();
        RunLakeListener listener = new RunLakeListener(run).validation(validation);
        Collection<TrainingListener> before = listeners(network);
        try {
            listener.logParams(network);
            network.addListeners(listener);
            try {
                body.train(run);
            } finally {
                network.setListeners(before);
            }
            ArtifactRef model = listener.logModel(network);
            if (listener.failures() > 0) {
                run.setTag(
                        "autolog.skipped_callbacks",
                        listener.failures() + " (first: " + truncate(listener.firstFailure()) + ")");
            }
            run.finish();
            return new Result(
                    run.id(),
                    run.experiment(),
                    model,
                    Collections.unmodifiableMap(new LinkedHashMap<>(listener.lastEpochMetrics())),
                    listener.failures());
        } catch (Throwable t) {
            run.fail(t);
            throw sneaky(t);
        }
    }

    private static Collection<TrainingListener> listeners(Model network) {
        if (network instanceof MultiLayerNetwork net) return new ArrayList<>(net.getListeners());
        if (network instanceof ComputationGraph graph) return new ArrayList<>(graph.getListeners());
        throw new IllegalArgumentException("auto-logging supports MultiLayerNetwork and ComputationGraph, not "
                + network.getClass().getName());
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    /** Rethrows whatever training threw, unchanged ({@link #fit}'s training throws only unchecked exceptions). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
