package io.runlake.lake;

import io.runlake.format.FormatVersion;
import java.util.List;

/**
 * One entry of an experiment's lake log ({@code lake/_log/experiment=<esc>/<version>.json}), created only
 * with put-if-absent so that exactly one writer wins each version (FORMAT.md, "Compaction and the commit
 * protocol"). Lists are never null in commits written by this code; readers treat a missing list as empty.
 *
 * @param formatVersion bucket format version
 * @param version this entry's number; equals the number in its key
 * @param kind {@link #COMPACTION}, {@link #INDEX} or {@link #QUARANTINE}
 * @param timeMs when the writer made the commit (its clock)
 * @param writer id of the process that wrote it (diagnostics only)
 * @param add data files that become live
 * @param remove paths of data files that are no longer live (their points are in an added file)
 * @param coveredShards raw shard keys whose points are now in live lake files; readers skip them
 * @param index the runs-index file that becomes current ({@code kind=index} only)
 * @param indexFingerprint digest of the inputs the index was built from (lets the indexer skip no-op runs)
 * @param indexValidUntilMs when a RUNNING run of this index would turn CRASHED (index is stale after this)
 * @param quarantined raw objects to skip from now on
 */
public record LakeCommit(
        int formatVersion,
        long version,
        String kind,
        long timeMs,
        String writer,
        List<DataFile> add,
        List<String> remove,
        List<String> coveredShards,
        String index,
        String indexFingerprint,
        Long indexValidUntilMs,
        List<Quarantined> quarantined) implements FormatVersion.Versioned {

    public static final String COMPACTION = "compaction";
    public static final String INDEX = "index";
    public static final String QUARANTINE = "quarantine";

    public LakeCommit {
        add = add == null ? List.of() : List.copyOf(add);
        remove = remove == null ? List.of() : List.copyOf(remove);
        coveredShards = coveredShards == null ? List.of() : List.copyOf(coveredShards);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
    }

    public LakeCommit withVersion(long newVersion) {
        return new LakeCommit(formatVersion, newVersion, kind, timeMs, writer, add, remove, coveredShards, index,
                indexFingerprint, indexValidUntilMs, quarantined);
    }
}
