package io.runlake.autolog.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two interleaved spirals (class 0 and 1) generated in code, as DL4J data sets: a linear model stays near 0.5
 * accuracy, a small MLP learns them. Features are the (x, y) point; labels are one-hot over 2 classes.
 */
public final class Spirals2d {
    private Spirals2d() {}

    /** {@code 2 * pointsPerClass} shuffled examples; the same seed gives the same data. */
    public static DataSet generate(int pointsPerClass, double turns, double noise, long seed) {
        if (pointsPerClass < 1)
            throw new IllegalArgumentException("pointsPerClass must be positive: " + pointsPerClass);
        Random random = new Random(seed);
        int n = 2 * pointsPerClass;
        float[][] x = new float[n][];
        float[][] y = new float[n][];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < pointsPerClass; i++) {
                double t = 0.05 + 0.95 * Math.sqrt(random.nextDouble());
                double angle = t * turns * 2 * Math.PI + c * Math.PI;
                int k = c * pointsPerClass + i;
                x[k] = new float[] {
                    (float) (t * Math.cos(angle) + noise * random.nextGaussian()),
                    (float) (t * Math.sin(angle) + noise * random.nextGaussian())
                };
                y[k] = c == 0 ? new float[] {1, 0} : new float[] {0, 1};
            }
        }
        // shuffle so that every mini-batch holds both classes
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float[] tx = x[i];
            x[i] = x[j];
            x[j] = tx;
            float[] ty = y[i];
            y[i] = y[j];
            y[j] = ty;
        }
        INDArray features = Nd4j.create(x);
        INDArray labels = Nd4j.create(y);
        return new DataSet(features, labels);
    }

    /** A resettable mini-batch iterator over {@code data}. */
    public static DataSetIterator iterator(DataSet data, int batchSize) {
        List<DataSet> examples = new ArrayList<>(data.asList());
        return new ListDataSetIterator<>(examples, batchSize);
    }
}
