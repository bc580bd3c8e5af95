package io.runlake.lake;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The operations maintenance commits, each with the precondition that keeps the log exactly-once
 * (FORMAT.md, "Compaction" and "Runs index"). The work (uploading files) happens before; these only decide
 * whether it still fits the latest snapshot and build its entry.
 */
public final class LakeOperations {
    private LakeOperations() {}

    /**
     * Tier 0: {@code file} holds the points of the raw {@code shards}. Valid while none of them is covered or
     * quarantined (else committing would count their points twice). The entry is timestamped at each attempt:
     * the deletion grace of the shards counts from the commit.
     */
    public static LakeOperation compactShards(DataFile file, List<String> shards, String writer, LongSupplier clockMs) {
        return new Operation(
                "compaction of " + shards.size() + " shards into " + file.path(),
                latest -> shards.stream()
                        .filter(k -> latest.isCovered(k) || latest.isQuarantined(k))
                        .findFirst()
                        .map(k -> "shard " + k + " was compacted or quarantined by another writer"),
                latest -> LakeCommit.compaction(clockMs.getAsLong(), writer, file, shards));
    }

    /** {@code merged} replaces the lake files {@code inputs}. Valid while every input is live. */
    public static LakeOperation mergeFiles(DataFile merged, List<String> inputs, String writer, LongSupplier clockMs) {
        return new Operation(
                "merge of " + inputs.size() + " files into " + merged.path(),
                latest -> inputs.stream()
                        .filter(p -> !latest.isLive(p))
                        .findFirst()
                        .map(p -> "lake file " + p + " is no longer live"),
                latest -> LakeCommit.merge(clockMs.getAsLong(), writer, merged, inputs));
    }

    /** Quarantines the {@code objects} not quarantined yet; nothing to do once all of them are. */
    public static LakeOperation quarantine(List<Quarantined> objects, String writer, long timeMs) {
        return new Operation(
                "quarantine of " + objects.stream().map(Quarantined::key).toList(),
                latest -> objects.stream().allMatch(q -> latest.isQuarantined(q.key()))
                        ? Optional.of("already quarantined")
                        : Optional.empty(),
                latest -> LakeCommit.quarantine(
                        timeMs,
                        writer,
                        objects.stream()
                                .filter(q -> !latest.isQuarantined(q.key()))
                                .toList()));
    }

    /**
     * Makes {@code indexFile}, built from {@code base}, the current runs index. Valid while only compactions
     * came after {@code base}: they move points between files but change nothing the index says. Another
     * index or a quarantine in between means the index must be rebuilt (nothing to do for this one).
     *
     * @param malformed manifests and events left out of the index, quarantined by the same entry
     */
    public static LakeOperation replaceIndex(
            LakeSnapshot base,
            String indexFile,
            String fingerprint,
            Long validUntilMs,
            List<Quarantined> malformed,
            String writer,
            long timeMs) {
        return new Operation(
                "runs index " + indexFile,
                latest -> latest.indexVersion() != base.indexVersion()
                        ? Optional.of("another runs index was committed at v" + latest.indexVersion())
                        : latest.quarantined().size() != base.quarantined().size()
                                ? Optional.of("objects were quarantined since v" + base.version())
                                : Optional.empty(),
                latest -> LakeCommit.index(timeMs, writer, indexFile, fingerprint, validUntilMs, malformed));
    }

    private record Operation(
            String description,
            Function<LakeSnapshot, Optional<String>> check,
            Function<LakeSnapshot, LakeCommit> entry)
            implements LakeOperation {
        @Override
        public String describe() {
            return description;
        }

        @Override
        public Optional<String> validate(LakeSnapshot latest) {
            return check.apply(latest);
        }

        @Override
        public LakeCommit apply(LakeSnapshot latest) {
            return entry.apply(latest);
        }
    }
}
