package io.runlake.lake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.lake.delta.DeltaCheckpointCodec;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit attempt on a lake table: a commit is visible once {@code <table>/_delta_log/<version>.json} is
 * created with put-if-absent ({@code If-None-Match: *}), and a Parquet checkpoint follows every
 * {@link #CHECKPOINT_INTERVAL} versions. Two writers racing for the same version: one wins, the other gets
 * {@code null} and must re-read the log and re-validate its commit — {@link LakeCommitter} does that; use it
 * rather than calling {@link #tryCommit} in a loop of your own.
 */
public final class LakeLog {
    private static final Logger LOG = LoggerFactory.getLogger(LakeLog.class);

    /** A checkpoint is written after every commit whose version is a multiple of this (Delta's default). */
    public static final long CHECKPOINT_INTERVAL = 10;

    private LakeLog() {}

    /**
     * Tries to make {@code commit} the next version of its table.
     *
     * @return the snapshot after the commit, or {@code null} if another writer already committed that version
     *     (re-read the log and retry)
     * @throws LakeLogException if the table uses Delta writer features RunLake does not know
     */
    public static LakeSnapshot tryCommit(ObjectStore store, LakeSnapshot snapshot, LakeCommit commit) {
        TableSnapshot before = snapshot.table(commit.table());
        before.unwritableReason().ifPresent(why -> {
            throw new LakeLogException(
                    "RunLake cannot commit to lake table " + commit.table().root() + ": it " + why);
        });
        long version = before.version() + 1;
        String key = commit.table().commitKey(version);
        List<ObjectNode> actions = commit.actions(snapshot);
        byte[] file = DeltaActions.commitFile(actions);
        if (!store.putIfAbsent(key, file)) {
            // A 412 can also answer the SDK's retry of our own PUT whose first response was lost: the commit
            // (writer id, time, transaction id, fresh file ids) is unique, so identical bytes mean we won.
            byte[] existing = store.get(key).orElse(null);
            if (existing == null || !Arrays.equals(existing, file)) return null;
        }
        // The state at our version is the old state plus our commit: no need to re-read the log.
        TableSnapshot after = before.copy();
        after.apply(version, actions, key);
        if (version > 0 && version % CHECKPOINT_INTERVAL == 0) writeCheckpoint(store, after); // as Delta: not v0
        return snapshot.with(after);
    }

    /** Best effort: a missing checkpoint only makes readers replay more commits. */
    static void writeCheckpoint(ObjectStore store, TableSnapshot s) {
        try {
            store.putIfAbsent(s.table().checkpointKey(s.version()), DeltaCheckpointCodec.write(s.checkpointActions()));
        } catch (StoreException | IllegalArgumentException e) {
            // derived data: the next checkpoint interval will write one
            LOG.warn("no checkpoint for {} v{}: {}", s.table().root(), s.version(), e.getMessage());
        }
    }
}
