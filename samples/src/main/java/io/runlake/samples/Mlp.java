package io.runlake.samples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;

/**
 * A small multi-layer perceptron for binary classification, in plain Java: tanh hidden layers, one
 * logit output, binary cross-entropy loss. All weights and biases live in one flat array so that
 * gradients can be averaged between workers with a single copy.
 */
public final class Mlp {
    private static final int MAGIC = 0x524c4d50; // "RLMP"

    private final int[] sizes;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final double[] params;

    /** Loss and accuracy of the model on a data set. */
    public record Evaluation(double loss, double accuracy) {}

    /**
     * @param sizes layer widths, input first, e.g. {@code {2, 32, 1}} for one hidden layer of 32 units;
     *     the last must be 1
     * @param seed the same seed gives the same initial weights
     */
    public Mlp(int[] sizes, long seed) {
        if (sizes.length < 2 || sizes[sizes.length - 1] != 1) {
            throw new IllegalArgumentException(
                    "layer sizes must start with the input width and end with 1: " + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1) throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        int layers = sizes.length - 1;
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        int n = 0;
        for (int l = 0; l < layers; l++) {
            weightOffset[l] = n;
            n += sizes[l] * sizes[l + 1];
            biasOffset[l] = n;
            n += sizes[l + 1];
        }
        params = new double[n];
        Random random = new Random(seed);
        for (int l = 0; l < layers; l++) {
            // Xavier/Glorot initialisation, suited to tanh
            double scale = Math.sqrt(2.0 / (sizes[l] + sizes[l + 1]));
            for (int i = 0; i < sizes[l] * sizes[l + 1]; i++) {
                params[weightOffset[l] + i] = scale * random.nextGaussian();
            }
        }
    }

    public int parameterCount() {
        return params.length;
    }

    /** The live parameter array (weights and biases of every layer). */
    double[] params() {
        return params;
    }

    public int[] sizes() {
        return sizes.clone();
    }

    /** P(class 1 | x). */
    public double predict(double[] x) {
        return sigmoid(forward(x, newActivations()));
    }

    /**
     * Adds the gradient of the summed loss over points {@code order[from..to)} of {@code data} into
     * {@code grad} (which is cleared first) and divides it by the number of points.
     *
     * @return the mean loss of those points
     */
    public double gradient(Dataset data, int[] order, int from, int to, double[] grad) {
        Arrays.fill(grad, 0);
        double[][] a = newActivations();
        double[][] delta = newActivations();
        int layers = sizes.length - 1;
        double loss = 0;
        for (int k = from; k < to; k++) {
            int p = order[k];
            double logit = forward(data.x()[p], a);
            int y = data.y()[p];
            loss += bce(logit, y);
            delta[layers][0] = sigmoid(logit) - y;
            for (int l = layers - 1; l >= 0; l--) {
                int in = sizes[l];
                int out = sizes[l + 1];
                int w = weightOffset[l];
                int b = biasOffset[l];
                double[] prev = a[l];
                double[] d = delta[l + 1];
                for (int j = 0; j < out; j++) {
                    double dj = d[j];
                    grad[b + j] += dj;
                    int row = w + j * in;
                    for (int i = 0; i < in; i++) grad[row + i] += dj * prev[i];
                }
                if (l > 0) {
                    double[] dPrev = delta[l];
                    for (int i = 0; i < in; i++) {
                        double s = 0;
                        for (int j = 0; j < out; j++) s += params[w + j * in + i] * d[j];
                        dPrev[i] = s * (1 - prev[i] * prev[i]); // tanh'
                    }
                }
            }
        }
        int n = to - from;
        for (int i = 0; i < grad.length; i++) grad[i] /= n;
        return loss / n;
    }

    public Evaluation evaluate(Dataset data) {
        double[][] a = newActivations();
        double loss = 0;
        int correct = 0;
        for (int p = 0; p < data.size(); p++) {
            double logit = forward(data.x()[p], a);
            int y = data.y()[p];
            loss += bce(logit, y);
            if ((logit > 0 ? 1 : 0) == y) correct++;
        }
        return new Evaluation(loss / data.size(), (double) correct / data.size());
    }

    /** Serialises the model: magic, layer count, layer sizes, then every parameter (big-endian). */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * sizes.length + 8 * params.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(sizes.length);
            for (int s : sizes) out.writeInt(s);
            for (double p : params) out.writeDouble(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private double[][] newActivations() {
        double[][] a = new double[sizes.length][];
        for (int l = 0; l < sizes.length; l++) a[l] = new double[sizes[l]];
        return a;
    }

    /** Fills {@code a} with each layer's activations and returns the output logit. */
    private double forward(double[] x, double[][] a) {
        System.arraycopy(x, 0, a[0], 0, sizes[0]);
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            int w = weightOffset[l];
            int b = biasOffset[l];
            double[] prev = a[l];
            double[] next = a[l + 1];
            for (int j = 0; j < out; j++) {
                double z = params[b + j];
                int row = w + j * in;
                for (int i = 0; i < in; i++) z += params[row + i] * prev[i];
                next[j] = l == layers - 1 ? z : Math.tanh(z);
            }
        }
        return a[layers][0];
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** Binary cross-entropy of a logit, computed stably: max(z,0) - z*y + log(1 + e^-|z|). */
    static double bce(double logit, int y) {
        return Math.max(logit, 0) - logit * y + Math.log1p(Math.exp(-Math.abs(logit)));
    }
}
