package io.runlake.format;

/** The end of one process's part of a run: {@code end/...json}, written once (FORMAT.md, "End manifest"). */
public record RunEnd(
        int formatVersion,
        String kind,
        String experiment,
        String runId,
        int worker,
        String writerId,
        String status,
        long endTimeMs,
        ErrorInfo error,
        long pointsLogged,
        long pointsDropped,
        long shardsWritten)
        implements FormatVersion.Versioned {
    public static final String KIND = "run_end";

    /** A failure's exception, as recorded by {@code Run.fail}. */
    public record ErrorInfo(String type, String message, String stackTrace) {}
}
