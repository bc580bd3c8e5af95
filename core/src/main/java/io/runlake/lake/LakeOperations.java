package io.runlake.lake;

import java.util.List;
import java.util.Map;
import java.util.Objects;
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
                latest -> LakeCommit.compaction(latest.experiment(), clockMs.getAsLong(), writer, file, shards));
    }

    /**
     * {@code merged} replaces the lake files {@code inputs}. Valid while every input is live; the merged file
     * holds every raw shard its inputs held.
     */
    public static LakeOperation mergeFiles(DataFile merged, List<String> inputs, String writer, LongSupplier clockMs) {
        return new Operation(
                "merge of " + inputs.size() + " files into " + merged.path(),
                latest -> inputs.stream()
                        .filter(p -> !latest.isLive(p))
                        .findFirst()
                        .map(p -> "lake file " + p + " is no longer live"),
                latest -> LakeCommit.merge(
                        latest.experiment(),
                        clockMs.getAsLong(),
                        writer,
                        merged.withCovers(coveredBy(latest, inputs)),
                        inputs));
    }

    /**
     * Purge of a run (FORMAT.md §12.11): each key of {@code rewrites} is a live file that held some of the run's
     * points, its value the file without them (null when nothing else was in it). Valid while every input is live;
     * a rewrite keeps its input's tier and covered shards, so no raw shard is read again.
     */
    public static LakeOperation purge(
            String runId, Map<String, DataFile> rewrites, String writer, LongSupplier clockMs) {
        List<String> inputs = List.copyOf(rewrites.keySet());
        return new Operation(
                "purge of run " + runId + " from " + inputs.size() + " files",
                latest -> inputs.stream()
                        .filter(p -> !latest.isLive(p))
                        .findFirst()
                        .map(p -> "lake file " + p + " is no longer live"),
                latest -> LakeCommit.purge(
                        latest.experiment(),
                        clockMs.getAsLong(),
                        writer,
                        inputs.stream()
                                .filter(p -> rewrites.get(p) != null)
                                .map(p -> rewrites.get(p)
                                        .withCovers(latest.liveFile(p).covers()))
                                .toList(),
                        inputs));
    }

    /** Quarantines the {@code objects} not quarantined yet; nothing to do once all of them are. */
    public static LakeOperation quarantine(List<Quarantined> objects, String writer, long timeMs) {
        return new Operation(
                "quarantine of " + objects.stream().map(Quarantined::key).toList(),
                latest -> objects.stream().allMatch(q -> latest.isQuarantined(q.key()))
                        ? Optional.of("already quarantined")
                        : Optional.empty(),
                latest -> LakeCommit.quarantine(
                        latest.experiment(),
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
            LakeCommit.IndexFile indexFile,
            List<Quarantined> malformed,
            String writer,
            long timeMs) {
        return new Operation(
                "runs index " + indexFile.path(),
                latest -> !Objects.equals(latest.indexFile(), base.indexFile())
                        ? Optional.of("another runs index (" + latest.indexFile() + ") was committed")
                        : latest.quarantined().size() != base.quarantined().size()
                                ? Optional.of("objects were quarantined since v" + base.version())
                                : Optional.empty(),
                latest -> LakeCommit.index(latest.experiment(), timeMs, writer, indexFile, malformed));
    }

    /**
     * Moves an experiment of RunLake's older lake log into a table ({@link LakeUpgrade}). Valid while the table
     * has nothing of the experiment yet: a second upgrader, or one repeated after a crash, has nothing to do.
     */
    public static LakeOperation importExperiment(LakeCommit commit) {
        return new Operation(
                "upgrade of experiment '" + commit.experiment() + "' into "
                        + commit.table().root(),
                latest -> latest.hasAny(commit.table())
                        ? Optional.of("already in " + commit.table().root())
                        : Optional.empty(),
                latest -> commit);
    }

    private static ShardSet coveredBy(LakeSnapshot latest, List<String> inputs) {
        ShardSet all = ShardSet.EMPTY;
        for (String p : inputs) all = all.union(latest.liveFile(p).covers());
        return all;
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
