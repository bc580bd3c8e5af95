package io.runlake.lake;

import io.runlake.format.FormatVersion;
import java.util.List;

/**
 * One entry of an experiment's lake log ({@code lake/_log/experiment=<esc>/<version>.json}), created only
 * with put-if-absent so that exactly one writer wins each version (FORMAT.md, "Compaction and the commit
 * protocol"). Lists are never null in commits written by this code; readers treat a missing list as empty.
 *
 * <p>Writers build entries with the named factories ({@link #compaction}, {@link #merge}, {@link #quarantine},
 * {@link #index}); the canonical constructor is for the JSON reader. A factory's entry has version
 * {@link #UNASSIGNED}: the commit loop gives it the next version of the log.
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
        List<Quarantined> quarantined)
        implements FormatVersion.Versioned {

    public static final String COMPACTION = "compaction";
    public static final String INDEX = "index";
    public static final String QUARANTINE = "quarantine";
    /** The kinds a reader of this format accepts. */
    public static final List<String> KINDS = List.of(COMPACTION, INDEX, QUARANTINE);
    /** The version of an entry not committed yet. */
    public static final long UNASSIGNED = -1;

    public LakeCommit {
        add = add == null ? List.of() : List.copyOf(add);
        remove = remove == null ? List.of() : List.copyOf(remove);
        coveredShards = coveredShards == null ? List.of() : List.copyOf(coveredShards);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
    }

    /** Tier 0: {@code file} now holds the points of the raw {@code shards}, which readers skip from now on. */
    public static LakeCommit compaction(long timeMs, String writer, DataFile file, List<String> shards) {
        return new LakeCommit(
                FormatVersion.CURRENT,
                UNASSIGNED,
                COMPACTION,
                timeMs,
                writer,
                List.of(file),
                List.of(),
                shards,
                null,
                null,
                null,
                List.of());
    }

    /** A merge of lake files: {@code merged} replaces the live files {@code inputs}. */
    public static LakeCommit merge(long timeMs, String writer, DataFile merged, List<String> inputs) {
        return new LakeCommit(
                FormatVersion.CURRENT,
                UNASSIGNED,
                COMPACTION,
                timeMs,
                writer,
                List.of(merged),
                inputs,
                List.of(),
                null,
                null,
                null,
                List.of());
    }

    /** Raw objects every reader and maintenance step skips from now on. */
    public static LakeCommit quarantine(long timeMs, String writer, List<Quarantined> objects) {
        return new LakeCommit(
                FormatVersion.CURRENT,
                UNASSIGNED,
                QUARANTINE,
                timeMs,
                writer,
                List.of(),
                List.of(),
                List.of(),
                null,
                null,
                null,
                objects);
    }

    /**
     * Makes {@code indexFile} the current runs index.
     *
     * @param malformed manifests and events the index was built without (quarantined by the same commit)
     */
    public static LakeCommit index(
            long timeMs,
            String writer,
            String indexFile,
            String fingerprint,
            Long validUntilMs,
            List<Quarantined> malformed) {
        return new LakeCommit(
                FormatVersion.CURRENT,
                UNASSIGNED,
                INDEX,
                timeMs,
                writer,
                List.of(),
                List.of(),
                List.of(),
                indexFile,
                fingerprint,
                validUntilMs,
                malformed);
    }

    public LakeCommit withVersion(long newVersion) {
        return new LakeCommit(
                formatVersion,
                newVersion,
                kind,
                timeMs,
                writer,
                add,
                remove,
                coveredShards,
                index,
                indexFingerprint,
                indexValidUntilMs,
                quarantined);
    }
}
