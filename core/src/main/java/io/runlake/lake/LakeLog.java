package io.runlake.lake;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.util.Arrays;

/**
 * One commit attempt: a commit is visible once its entry {@code lake/_log/experiment=<esc>/<version>.json} is
 * created with put-if-absent ({@code If-None-Match: *}), and a checkpoint follows every
 * {@link #CHECKPOINT_INTERVAL} versions. Two writers racing for the same version: one wins, the other gets
 * {@code null} and must re-read the log and re-validate its commit — {@link LakeCommitter} does that; use it
 * rather than calling {@link #tryCommit} in a loop of your own.
 */
public final class LakeLog {
    /** A checkpoint is written after every commit whose version is a multiple of this. */
    public static final long CHECKPOINT_INTERVAL = 50;

    private LakeLog() {}

    /**
     * Tries to make {@code commit} version {@code snapshot.version() + 1}.
     *
     * @return the snapshot at the new version, or {@code null} if another writer already
     *     committed that version (re-read the log and retry)
     */
    public static LakeSnapshot tryCommit(ObjectStore store, LakeSnapshot snapshot, LakeCommit commit) {
        long version = snapshot.version() + 1;
        LakeCommit c = commit.withVersion(version);
        String key = LakeLayout.logEntry(snapshot.experiment(), version);
        byte[] entry = Json.write(c);
        if (!store.putIfAbsent(key, entry)) {
            // A 412 can also answer the SDK's retry of our own PUT whose first response was lost: the entry
            // (writer id, time, fresh file ids) is unique, so identical bytes mean we won.
            byte[] existing = store.get(key).orElse(null);
            if (existing == null || !Arrays.equals(existing, entry)) return null;
        }
        // The state at our version is the old state plus our entry: no need to re-read the log.
        LakeSnapshot after = snapshot.copy();
        after.apply(c);
        if (version % CHECKPOINT_INTERVAL == 0) {
            writeCheckpoint(store, after);
        }
        return after;
    }

    /** Best effort: a missing checkpoint only makes readers replay more entries. */
    static void writeCheckpoint(ObjectStore store, LakeSnapshot s) {
        try {
            store.putIfAbsent(
                    LakeLayout.checkpoint(s.experiment(), s.version()),
                    Json.write(s.toCheckpoint(FormatVersion.CURRENT)));
        } catch (StoreException e) {
            // the next checkpoint interval will write one
        }
    }
}
