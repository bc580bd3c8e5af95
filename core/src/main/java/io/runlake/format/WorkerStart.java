package io.runlake.format;

import java.util.Map;

/** Written by each process that joins an existing run (distributed training): {@code workers/...json}. */
public record WorkerStart(
        int formatVersion,
        String kind,
        String experiment,
        String runId,
        int worker,
        String writerId,
        long startTimeMs,
        Map<String, Object> environment)
        implements FormatVersion.Versioned {
    public static final String KIND = "worker_start";
}
