package io.runlake.samples;

import java.util.Random;

/** Mini-batch SGD with momentum for {@link Mlp}, optionally data-parallel over several workers. */
public final class Trainer {
    /**
     * A mean loss above this means training has diverged: an untrained model scores about ln 2 = 0.69,
     * and a model that merely predicts badly stays within a few units.
     */
    public static final double DIVERGED_LOSS = 100;

    private Trainer() {}

    /** Metrics after one epoch; the train ones are on this worker's part of the training data. */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy) {}

    /** Called after every epoch. */
    @FunctionalInterface
    public interface EpochListener {
        void epochEnded(EpochStats stats) throws Exception;
    }

    /**
     * Averages gradients between the workers of a data-parallel run: every worker calls it once per
     * step with its own gradient, and each gets back (in place) the mean over all workers.
     */
    @FunctionalInterface
    public interface GradientSync {
        void allReduceMean(double[] gradient) throws Exception;

        GradientSync NONE = g -> {};
    }

    /** The trained model and its last epoch's metrics. */
    public record Result(Mlp model, EpochStats last) {}

    public static Result train(TrainConfig config, Dataset train, Dataset validation, EpochListener listener)
            throws Exception {
        return train(config, train, validation, 0, GradientSync.NONE, listener);
    }

    /**
     * Trains a fresh model. In data-parallel training every worker passes the same config (so all start
     * from the same weights), its own part of the training data (all parts the same size) and a shared
     * {@code sync}; applying the same averaged gradient keeps the replicas identical.
     *
     * @throws TrainingDivergedException when the loss becomes NaN, infinite or absurdly large
     */
    public static Result train(
            TrainConfig config,
            Dataset train,
            Dataset validation,
            int worker,
            GradientSync sync,
            EpochListener listener)
            throws Exception {
        if (train.size() == 0) throw new IllegalArgumentException("no training data");
        Mlp model = new Mlp(config.layerSizes(train.features()), config.seed());
        double[] params = model.params();
        double[] grad = new double[params.length];
        double[] velocity = new double[params.length];
        Random shuffle = new Random(config.seed() * 1_000_003L + worker);
        int n = train.size();
        int batch = Math.min(config.batchSize(), n);
        EpochStats stats = null;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            int[] order = Dataset.permutation(n, shuffle);
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                double loss = model.gradient(train, order, from, to, grad);
                sync.allReduceMean(grad);
                checkLoss(loss, epoch, "epoch " + epoch + ", step " + from / batch, config);
                for (int i = 0; i < params.length; i++) {
                    velocity[i] = config.momentum() * velocity[i] - config.learningRate() * grad[i];
                    params[i] += velocity[i];
                }
            }
            Mlp.Evaluation t = model.evaluate(train);
            Mlp.Evaluation v = model.evaluate(validation);
            checkLoss(t.loss(), epoch, "end of epoch " + epoch, config);
            stats = new EpochStats(epoch, t.loss(), t.accuracy(), v.loss(), v.accuracy());
            listener.epochEnded(stats);
        }
        return new Result(model, stats);
    }

    private static void checkLoss(double loss, int epoch, String where, TrainConfig config) {
        if (!Double.isFinite(loss) || loss > DIVERGED_LOSS) {
            throw new TrainingDivergedException(
                    "training diverged at " + where + ": loss is " + loss + " (learning rate " + config.learningRate()
                            + " is too high)",
                    epoch,
                    loss);
        }
    }
}
