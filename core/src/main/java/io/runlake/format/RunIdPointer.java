package io.runlake.format;

/** {@code run-ids/<run_id>.json}: finds a run's experiment from its id alone (e.g. for joinRun). */
public record RunIdPointer(int formatVersion, String experiment, String runId) implements FormatVersion.Versioned {}
