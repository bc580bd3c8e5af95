package io.runlake.format;

/** {@code _runlake/format.json}: created once per store with put-if-absent. */
public record FormatMarker(int formatVersion, String createdBy, long createdAtMs) implements FormatVersion.Versioned {}
