package io.runlake.lake;

import java.util.Optional;

/**
 * A change to an experiment's lake, committed by {@link LakeCommitter}. Each attempt of the commit loop
 * hands the operation the latest snapshot: the operation first checks that it still makes sense on top of
 * it ({@link #validate}), then builds the entry ({@link #apply}). Implementations keep the work they
 * already did (uploaded files) and only decide whether it still fits the log.
 *
 * <p>The operations RunLake's maintenance commits are in {@link LakeOperations}.
 */
public interface LakeOperation {
    /** What is committed, for logs and errors ("compaction of 3 shards"). */
    String describe();

    /**
     * Checks the operation's preconditions against {@code latest}.
     *
     * @return empty when it can be committed on top of {@code latest}; otherwise why not, which ends the
     *     commit as {@link LakeCommitter.Status#NOTHING_TO_DO} (another writer already did the work)
     */
    Optional<String> validate(LakeSnapshot latest);

    /**
     * The entry to commit on top of {@code latest}, which {@link #validate} accepted. Its version is
     * assigned by the loop.
     */
    LakeCommit apply(LakeSnapshot latest);
}
