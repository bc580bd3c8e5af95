package io.runlake.autolog.samples;

import io.runlake.autolog.dl4j.RunLakeAutolog;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.StoreUris;
import java.net.URI;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Trains a small Deeplearning4j MLP on two spirals with RunLake auto-logging: hyperparameters, loss per
 * iteration, validation metrics per epoch and the model ({@code model.zip}) are recorded with no logging
 * code here.
 *
 * <pre>
 * autolog/run-sample.sh [store-uri] [epochs]     # default store: $RUNLAKE_URI or ./runlake-data
 * </pre>
 */
public final class Dl4jAutologSample {
    public static final String EXPERIMENT = "dl4j-spirals";

    private Dl4jAutologSample() {}

    /** A 2-32-32-2 tanh MLP with Adam, the network the sample trains. */
    public static MultiLayerNetwork network(long seed, double learningRate, int hidden) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER)
                .l2(1e-4)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(2)
                        .nOut(hidden)
                        .activation(Activation.TANH)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(hidden)
                        .nOut(hidden)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(hidden)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    public static RunLakeAutolog.Result train(Tracker tracker, int epochs) {
        DataSet train = Spirals2d.generate(400, 1.0, 0.05, 1);
        DataSet valid = Spirals2d.generate(100, 1.0, 0.05, 2);
        return RunLakeAutolog.fit(
                tracker,
                EXPERIMENT,
                network(42, 0.01, 32),
                Spirals2d.iterator(train, 32),
                Spirals2d.iterator(valid, 100),
                epochs);
    }

    public static void main(String[] args) {
        URI uri = args.length > 0 ? StoreUris.parse(args[0]) : StoreUris.defaultUri();
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (Tracker tracker = Tracker.open(uri, TrackerOptions.defaults())) {
            long t0 = System.nanoTime();
            RunLakeAutolog.Result r = train(tracker, epochs);
            System.out.printf(
                    "run %s of experiment %s FINISHED in %.1f s (%d epochs)%n",
                    r.runId(), r.experiment(), (System.nanoTime() - t0) / 1e9, epochs);
            r.lastEpochMetrics().forEach((k, v) -> System.out.printf("  %-22s %.4f%n", k, v));
            System.out.printf(
                    "  model.zip  sha256 %s  %d bytes%n",
                    r.model().sha256(), r.model().size());
            System.out.println("store: " + tracker.uri());
        }
    }
}
