package io.runlake.lake.legacy;

import io.runlake.format.FormatVersion;
import io.runlake.lake.DataFile;
import io.runlake.lake.Quarantined;
import java.util.List;
import java.util.Map;

/** A checkpoint of the lake log RunLake used before its lake became Delta tables (read only to upgrade). */
public record LegacyCheckpoint(
        int formatVersion,
        String experiment,
        long version,
        long lastCommitTimeMs,
        List<DataFile> files,
        Map<String, Long> coveredShards,
        Map<String, Long> removedFiles,
        String index,
        long indexVersion,
        String indexFingerprint,
        Long indexValidUntilMs,
        Map<String, Long> replacedIndexes,
        List<Quarantined> quarantined,
        Long indexTimeMs)
        implements FormatVersion.Versioned {}
