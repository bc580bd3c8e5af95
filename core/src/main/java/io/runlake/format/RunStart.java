package io.runlake.format;

import java.util.Map;

/**
 * The start manifest ({@code run.json}), written once with put-if-absent by the process that creates a
 * run, and never rewritten (FORMAT.md, "Start manifest").
 */
public record RunStart(
        int formatVersion,
        String kind,
        String experiment,
        String runId,
        String name,
        String parentRunId,
        long startTimeMs,
        int worker,
        String writerId,
        Map<String, Object> params,
        Map<String, String> tags,
        Map<String, Object> environment,
        Map<String, Object> code)
        implements FormatVersion.Versioned {
    public static final String KIND = "run_start";
}
