package io.runlake.samples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of one training run.
 *
 * @param learningRate SGD step size
 * @param hiddenUnits width of each hidden layer
 * @param hiddenLayers number of hidden (tanh) layers
 * @param batchSize points per mini-batch (per worker in data-parallel training)
 * @param epochs passes over the training data
 * @param momentum SGD momentum (0 for plain SGD)
 * @param seed seeds weight initialisation and shuffling
 */
public record TrainConfig(
        double learningRate, int hiddenUnits, int hiddenLayers, int batchSize, int epochs, double momentum, long seed) {
    public TrainConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate))
            throw new IllegalArgumentException("learning rate must be positive: " + learningRate);
        if (hiddenUnits < 1) throw new IllegalArgumentException("hidden units must be positive: " + hiddenUnits);
        if (hiddenLayers < 1) throw new IllegalArgumentException("hidden layers must be positive: " + hiddenLayers);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be positive: " + epochs);
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
    }

    /** Layer sizes for {@link Mlp}: input, hidden layers, one output. */
    public int[] layerSizes(int inputs) {
        int[] sizes = new int[hiddenLayers + 2];
        sizes[0] = inputs;
        for (int l = 1; l <= hiddenLayers; l++) sizes[l] = hiddenUnits;
        sizes[hiddenLayers + 1] = 1;
        return sizes;
    }

    /** The hyperparameters as run params. */
    public Map<String, Object> asParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lr", learningRate);
        p.put("hidden_units", hiddenUnits);
        p.put("hidden_layers", hiddenLayers);
        p.put("batch_size", batchSize);
        p.put("epochs", epochs);
        p.put("momentum", momentum);
        p.put("seed", seed);
        return p;
    }
}
