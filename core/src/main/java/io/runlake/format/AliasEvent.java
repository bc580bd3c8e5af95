package io.runlake.format;

/**
 * {@code models/<model>/aliases/<alias>/<event id>.json}: one move of an alias, append-only (FORMAT.md §16.4). The
 * event with the greatest id is the alias's current state; {@code version} null means the alias was removed.
 */
public record AliasEvent(
        int formatVersion,
        String kind,
        String model,
        String alias,
        Long version,
        Long previousVersion,
        String reason,
        Condition condition,
        String setBy,
        long timeMs)
        implements FormatVersion.Versioned {
    public static final String KIND = "model_alias";

    /**
     * The promotion condition checked before the move: the candidate's metric against the previous holder's
     * (null when the alias had no holder or the holder has no value for the metric), and the outcome, in words.
     */
    public record Condition(
            String metric,
            String direction,
            Double candidateValue,
            Double holderValue,
            boolean passed,
            String result) {}
}
