package io.runlake.runs;

import io.runlake.format.DuckSql;
import io.runlake.format.RunStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Each derived-value rule of a run, stated once (FORMAT.md §8.2, §13.4). A rule that a reader evaluates inside
 * DuckDB (the query views, so that {@code --print-views} stays plain SQL with a live {@code now()}) has its SQL
 * rendering here, next to the Java form; a test evaluates both on the same inputs.
 */
public final class RunRules {
    /** Keys of the start manifest's {@code code} section that name the code version, first present wins. */
    public static final List<String> CODE_VERSION_KEYS =
            List.of("git_commit", "commit", "version", "git_sha", "revision");

    private RunRules() {}

    /**
     * The run's status (§8.2): FAILED if any end says FAILED; else KILLED if any says KILLED; else FINISHED if there
     * is at least one end and every writer that started has one; else CRASHED when the last activity is older than
     * the stale timeout; else RUNNING.
     */
    public static RunStatus status(
            boolean anyFailed,
            boolean anyKilled,
            boolean everyWriterEnded,
            long lastActivityMs,
            long nowMs,
            long staleTimeoutMs) {
        if (anyFailed) return RunStatus.FAILED;
        if (anyKilled) return RunStatus.KILLED;
        if (everyWriterEnded) return RunStatus.FINISHED;
        return isStale(lastActivityMs, nowMs, staleTimeoutMs) ? RunStatus.CRASHED : RunStatus.RUNNING;
    }

    /** {@link #status} in SQL over boolean expressions and a last-activity expression in ms; "now" is DuckDB's. */
    public static String statusSql(
            String anyFailed, String anyKilled, String everyWriterEnded, String lastActivityMs, long staleTimeoutMs) {
        return "CASE WHEN " + anyFailed + " THEN 'FAILED' WHEN " + anyKilled + " THEN 'KILLED'\n"
                + "       WHEN " + everyWriterEnded + " THEN 'FINISHED'\n"
                + "       WHEN " + staleSql(lastActivityMs, staleTimeoutMs) + " THEN 'CRASHED' ELSE 'RUNNING' END";
    }

    /** Quiet for longer than the stale timeout: an open run is CRASHED, and so is a RUNNING row of a runs index. */
    public static boolean isStale(long lastActivityMs, long nowMs, long staleTimeoutMs) {
        return lastActivityMs < nowMs - staleTimeoutMs;
    }

    /**
     * A param value as text (FORMAT.md §14, the {@code params} view and the runs index's {@code params} map), from the
     * JSON value {@code json} (a column or expression of type JSON): a string as it is, anything else as DuckDB writes
     * that JSON value ({@code 0.0007}, {@code 1e-10}, {@code true}, {@code [1,2]}). The indexer and the readers of raw
     * JSON both use this expression, so a run reads the same whichever way it is read.
     */
    public static String paramTextSql(String json) {
        return "CASE WHEN json_type(" + json + ") = 'VARCHAR' THEN " + json + "->>'$' ELSE " + json + "::VARCHAR END";
    }

    public static String staleSql(String lastActivityMs, long staleTimeoutMs) {
        return lastActivityMs + " < epoch_ms(now()) - " + staleTimeoutMs;
    }

    /** Whether no later object can change the status except a late end manifest (§8.2): FINISHED, FAILED, KILLED. */
    public static boolean hasEnded(RunStatus status) {
        return status == RunStatus.FINISHED || status == RunStatus.FAILED || status == RunStatus.KILLED;
    }

    /** A run's end time is the latest end manifest's {@code end_time_ms} once it has ended, else none. */
    public static Long endTimeMs(RunStatus status, Long latestEndMs) {
        return hasEnded(status) ? latestEndMs : null;
    }

    /** {@link #endTimeMs} in SQL: {@code latestEndMs} when the condition {@code hasEnded} holds, else NULL. */
    public static String endTimeSql(String hasEnded, String latestEndMs) {
        return "CASE WHEN " + hasEnded + " THEN " + latestEndMs + " END";
    }

    /** A run's duration: from its start to its end time, or to its last activity while it has none. */
    public static String durationSecondsSql(String startTime, String endTime, String lastActivity) {
        return "date_diff('millisecond', " + startTime + ", coalesce(" + endTime + ", " + lastActivity + ")) / 1000.0";
    }

    /**
     * The text of an end manifest's error: {@code type: message} when both are non-empty, else the one that is, else
     * none. A run's error is that of the end manifest with an error that is first by (end_time_ms, worker, writer_id).
     */
    public static String errorText(String type, String message) {
        boolean hasType = type != null && !type.isEmpty(), hasMessage = message != null && !message.isEmpty();
        if (hasType && hasMessage) return type + ": " + message;
        return hasType ? type : hasMessage ? message : null;
    }

    /** {@link #errorText} of a JSON {@code error} column in SQL. */
    public static String errorTextSql(String error) {
        String type = "nullif(" + error + "->>'type', '')", message = "nullif(" + error + "->>'message', '')";
        return "CASE WHEN " + type + " IS NOT NULL AND " + message + " IS NOT NULL THEN " + type + " || ': ' || "
                + message + " ELSE coalesce(" + type + ", " + message + ") END";
    }

    /** The run's error over an end manifests' table: {@link #errorText} of the first end with one (see there). */
    public static String runErrorSql(String error, String endTimeMs, String worker, String writerId) {
        String text = errorTextSql(error);
        return "arg_min(" + text + ", (" + endTimeMs + ", " + worker + ", " + writerId + "))" + " FILTER (WHERE " + text
                + " IS NOT NULL)";
    }

    /** The code version of a JSON {@code code} column in SQL: the first of {@link #CODE_VERSION_KEYS} present. */
    public static String codeVersionSql(String code) {
        return CODE_VERSION_KEYS.stream()
                .map(k -> code + "->>" + DuckSql.lit(k))
                .collect(Collectors.joining(", ", "coalesce(", ")"));
    }
}
