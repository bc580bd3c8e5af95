package io.runlake.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Pattern;

/** Which end of a metric is best; written as {@code min} or {@code max}. */
public enum Direction {
    /** Lower is better (losses, errors). */
    MIN,
    /** Higher is better (accuracy, scores). */
    MAX;

    /** Metric names that look like scores; every other name is taken as lower-is-better (FORMAT.md §12.8). */
    private static final Pattern HIGHER_IS_BETTER =
            Pattern.compile("(?i).*(acc|auc|f1|precision|recall|score|reward|iou|bleu|map|ndcg|top[-_]?\\d).*");

    /** The direction a metric's name suggests: {@link #MAX} for score-like names, else {@link #MIN}. */
    public static Direction inferFrom(String metric) {
        return HIGHER_IS_BETTER.matcher(metric).matches() ? MAX : MIN;
    }

    /** {@code min}/{@code max} and their spellings (asc, lower, minimise, ...); anything else is refused. */
    @JsonCreator
    public static Direction parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "min", "asc", "lower", "minimize", "minimise" -> MIN;
            case "max", "desc", "higher", "maximize", "maximise" -> MAX;
            default -> throw new IllegalArgumentException("unknown direction '" + s + "': use min or max");
        };
    }

    @JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "lower is better" or "higher is better". */
    public String meaning() {
        return this == MIN ? "lower is better" : "higher is better";
    }
}
