package io.runlake.samples;

import java.util.Random;

/**
 * A labelled 2-D binary classification data set: {@code x[i]} are the features of point i and
 * {@code y[i]} its class, 0 or 1.
 */
public record Dataset(double[][] x, int[] y) {
    public Dataset {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " points but " + y.length + " labels");
        }
    }

    public int size() {
        return y.length;
    }

    public int features() {
        return x.length == 0 ? 0 : x[0].length;
    }

    /** Train and validation parts of one data set. */
    public record Split(Dataset train, Dataset validation) {
        /**
         * Scales every feature to mean 0 and standard deviation 1, with statistics of the training part
         * only (so nothing leaks from validation). Weight initialisation assumes unit-scale inputs.
         */
        public Split standardized() {
            int f = train.features();
            double[] mean = new double[f];
            double[] std = new double[f];
            for (double[] p : train.x()) {
                for (int j = 0; j < f; j++) mean[j] += p[j];
            }
            for (int j = 0; j < f; j++) mean[j] /= train.size();
            for (double[] p : train.x()) {
                for (int j = 0; j < f; j++) std[j] += (p[j] - mean[j]) * (p[j] - mean[j]);
            }
            for (int j = 0; j < f; j++) {
                std[j] = Math.sqrt(std[j] / train.size());
                if (std[j] == 0) std[j] = 1;
            }
            return new Split(train.scaled(mean, std), validation.scaled(mean, std));
        }
    }

    /** Shuffles (seeded) and splits off {@code validationFraction} of the points for validation. */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): " + validationFraction);
        }
        int[] order = permutation(size(), new Random(seed));
        int nVal = (int) Math.round(size() * validationFraction);
        return new Split(select(order, nVal, size()), select(order, 0, nVal));
    }

    /**
     * The part of the points that worker {@code worker} of {@code workers} trains on (data-parallel
     * training): every worker gets the same number of points, a remainder is left out.
     */
    public Dataset shard(int worker, int workers) {
        if (workers < 1 || worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers);
        }
        int per = size() / workers;
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        return select(order, worker * per, (worker + 1) * per);
    }

    private Dataset scaled(double[] mean, double[] std) {
        double[][] sx = new double[size()][features()];
        for (int i = 0; i < size(); i++) {
            for (int j = 0; j < features(); j++) sx[i][j] = (x[i][j] - mean[j]) / std[j];
        }
        return new Dataset(sx, y.clone());
    }

    private Dataset select(int[] order, int from, int to) {
        double[][] sx = new double[to - from][];
        int[] sy = new int[to - from];
        for (int i = from; i < to; i++) {
            sx[i - from] = x[order[i]].clone();
            sy[i - from] = y[order[i]];
        }
        return new Dataset(sx, sy);
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
