package io.runlake.lake;

import io.runlake.store.ObjectStore;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one commit loop of the lake log (FORMAT.md, "The log"), after Iceberg's {@code SnapshotProducer.commit()}:
 *
 * <ol>
 *   <li><b>refresh</b>: take the latest snapshot (the caller's on the first attempt, the log re-read after a
 *       lost race);
 *   <li><b>validate</b>: the operation checks its preconditions against it; if they no longer hold (its inputs
 *       were compacted or quarantined by another writer) the commit ends as {@link Status#NOTHING_TO_DO};
 *   <li><b>apply</b>: the operation builds the next entry;
 *   <li><b>commit</b>: put-if-absent of version N+1, and a checkpoint when N+1 is a multiple of
 *       {@link LakeLog#CHECKPOINT_INTERVAL} ({@link LakeLog#tryCommit}).
 * </ol>
 *
 * A lost race waits as the {@link CommitRetryPolicy} says and starts again from refresh; when the attempts
 * run out the commit fails with {@link CommitConflictException}. Thread-safe.
 */
public final class LakeCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(LakeCommitter.class);

    private final ObjectStore store;
    private final CommitRetryPolicy policy;

    public LakeCommitter(ObjectStore store, CommitRetryPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    public LakeCommitter(ObjectStore store) {
        this(store, CommitRetryPolicy.defaults());
    }

    /** The store this committer writes to. */
    public ObjectStore store() {
        return store;
    }

    public enum Status {
        COMMITTED,
        NOTHING_TO_DO
    }

    /**
     * How a commit ended.
     *
     * @param snapshot the state right after our entry (COMMITTED), or the latest state read (NOTHING_TO_DO)
     * @param attempts attempts made; {@code attempts - 1} races were lost
     * @param reason why there was nothing to do; empty when committed
     */
    public record Outcome(Status status, LakeSnapshot snapshot, int attempts, String reason) {
        public boolean committed() {
            return status == Status.COMMITTED;
        }

        public int lostRaces() {
            return attempts - 1;
        }
    }

    /** Commits {@code operation} starting from the latest snapshot of {@code experiment}. */
    public Outcome commit(String experiment, LakeOperation operation) {
        return commit(LakeSnapshot.load(store, experiment), operation);
    }

    /**
     * Commits {@code operation}, trying first on top of {@code base} (the snapshot its work was planned from;
     * if it is stale, the first put-if-absent loses and the loop refreshes).
     *
     * @throws CommitConflictException when every attempt lost the race for the next version
     */
    public Outcome commit(LakeSnapshot base, LakeOperation operation) {
        LakeSnapshot latest = base;
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            if (attempt > 1) {
                pause(attempt - 1);
                latest = latest.refresh(store); // only the commits made since: a short window to the next try
            }
            Optional<String> obsolete = operation.validate(latest);
            if (obsolete.isPresent()) {
                LOG.info(
                        "experiment '{}': nothing to commit for {} at v{}: {}",
                        base.experiment(),
                        operation.describe(),
                        latest.version(),
                        obsolete.get());
                return new Outcome(Status.NOTHING_TO_DO, latest, attempt, obsolete.get());
            }
            LakeSnapshot after = LakeLog.tryCommit(store, latest, operation.apply(latest));
            if (after != null) return new Outcome(Status.COMMITTED, after, attempt, "");
        }
        throw new CommitConflictException(
                base.experiment(), operation.describe(), policy.maxAttempts(), latest.version() + 1);
    }

    private void pause(int lostRaces) {
        try {
            Thread.sleep(policy.backoff(lostRaces, ThreadLocalRandom.current()).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a lake commit", e);
        }
    }
}
