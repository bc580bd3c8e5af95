package io.runlake.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which of a run's values of the metric a leaderboard ranks; written as {@code last} or {@code best}. */
public enum MetricValue {
    /** The value at the run's highest step (ties: latest timestamp, then highest worker). */
    LAST,
    /** The minimum or maximum over all the run's points (NaN ignored), by the leaderboard's direction. */
    BEST;

    @JsonCreator
    public static MetricValue parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "last", "final" -> LAST;
            case "best" -> BEST;
            default -> throw new IllegalArgumentException("unknown metric value '" + s + "': use last or best");
        };
    }

    @JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
