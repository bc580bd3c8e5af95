package io.runlake.format;

import java.util.Map;

/**
 * {@code models/<model>/versions/<number>.json}: one version of a registered model, created with put-if-absent on
 * the next free number and never rewritten (FORMAT.md §16.3). It points to the run that made it and to a
 * content-addressed artifact blob or a reference, the same {@link RunEvent.Artifact} a run's artifact event holds.
 */
public record ModelVersion(
        int formatVersion,
        String kind,
        String model,
        long version,
        String experiment,
        String runId,
        RunEvent.Artifact artifact,
        String description,
        Map<String, String> tags,
        Map<String, Double> metrics,
        String createdBy,
        long createdTimeMs)
        implements FormatVersion.Versioned {
    public static final String KIND = "model_version";
}
