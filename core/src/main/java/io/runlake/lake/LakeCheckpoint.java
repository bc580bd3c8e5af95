package io.runlake.lake;

import io.runlake.format.FormatVersion;
import java.util.List;
import java.util.Map;

/**
 * The replayed state of log entries 0..version, written (put-if-absent, best effort) every
 * {@link LakeLog#CHECKPOINT_INTERVAL} commits so readers replay at most that many entries. A checkpoint
 * is derived data: a reader that cannot read one replays the entries instead.
 *
 * <p>{@code indexTimeMs} (the time of the entry that made {@code index} current) is absent from checkpoints
 * written before it was added; a reader then takes it from that entry.
 */
public record LakeCheckpoint(
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
