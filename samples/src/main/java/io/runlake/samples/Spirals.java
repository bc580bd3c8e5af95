package io.runlake.samples;

import java.util.Random;

/**
 * Two interleaved spirals, one per class: the classic data set that a linear model cannot separate
 * (accuracy about 0.5) and that a small MLP learns.
 */
public final class Spirals {
    private Spirals() {}

    /**
     * @param pointsPerClass points on each spiral
     * @param turns how many times each spiral winds around the origin
     * @param noise standard deviation of the Gaussian noise added to each coordinate
     * @param seed the same seed gives the same points
     */
    public static Dataset generate(int pointsPerClass, double turns, double noise, long seed) {
        if (pointsPerClass < 1)
            throw new IllegalArgumentException("pointsPerClass must be positive: " + pointsPerClass);
        Random random = new Random(seed);
        double[][] x = new double[2 * pointsPerClass][];
        int[] y = new int[2 * pointsPerClass];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < pointsPerClass; i++) {
                // radius grows from near the centre to 1; sqrt spreads points evenly along the arm
                double t = 0.05 + 0.95 * Math.sqrt(random.nextDouble());
                double angle = t * turns * 2 * Math.PI + c * Math.PI;
                int k = c * pointsPerClass + i;
                x[k] = new double[] {
                    t * Math.cos(angle) + noise * random.nextGaussian(),
                    t * Math.sin(angle) + noise * random.nextGaussian()
                };
                y[k] = c;
            }
        }
        return new Dataset(x, y);
    }
}
