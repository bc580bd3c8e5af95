package io.runlake.registry;

import io.runlake.report.Direction;

/**
 * A condition an alias move must pass (FORMAT.md §16.4): the candidate version's metric, as recorded at
 * registration, must be strictly better than the current holder's. The direction defaults to the leaderboard's
 * name rule ({@link Direction#inferFrom}).
 */
public record Promotion(String metric, Direction direction) {
    public Promotion {
        if (metric == null || metric.isEmpty()) throw new IllegalArgumentException("promotion metric must be given");
        if (direction == null) direction = Direction.inferFrom(metric);
    }

    public static Promotion better(String metric) {
        return new Promotion(metric, null);
    }

    boolean isBetter(double candidate, double holder) {
        return direction == Direction.MAX ? candidate > holder : candidate < holder;
    }
}
