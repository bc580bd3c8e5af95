package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commit loop against real stores (a folder, and S3 over HTTP): concurrent writers each commit exactly
 * once, an operation whose inputs another writer consumed ends as nothing to do, and running out of attempts
 * is one clear error.
 */
class LakeCommitterTest {
    private static final String EXP = "commit loop/α";
    private static final int WRITERS = 8;

    @TempDir
    Path tmp;

    private ObjectStore open(String kind) {
        if (kind.equals("file")) return new FileObjectStore(tmp.resolve("store"));
        return StoreUris.open(S3ProxyServer.shared().newBucketUri("commit-" + System.nanoTime(), "lake"));
    }

    private static DataFile file(String name) {
        return new DataFile(LakeLayout.metricsFile(EXP, name), 10, 100, "a", "b", 0);
    }

    private static String shard(int i) {
        return "runs/experiment=commit%20loop%2F%CE%B1/run=r" + i + "/metrics/w00000-x-00000000.parquet";
    }

    /** Runs one task per writer, all released at once, and returns their outcomes. */
    private static List<LakeCommitter.Outcome> race(
            ObjectStore store, CommitRetryPolicy policy, List<LakeOperation> operations) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(operations.size());
        try {
            LakeSnapshot base = LakeSnapshot.load(store, EXP);
            List<Future<LakeCommitter.Outcome>> futures = new ArrayList<>();
            for (LakeOperation op : operations) {
                futures.add(pool.submit((Callable<LakeCommitter.Outcome>) () -> {
                    go.await();
                    return new LakeCommitter(store, policy).commit(base, op); // every writer starts from the same base
                }));
            }
            go.countDown();
            List<LakeCommitter.Outcome> outcomes = new ArrayList<>();
            for (Future<LakeCommitter.Outcome> f : futures) outcomes.add(f.get());
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void concurrentWritersEachCommitExactlyOnce(String kind) throws Exception {
        try (ObjectStore store = open(kind)) {
            List<LakeOperation> ops = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                ops.add(LakeOperations.compactShards(file("f" + i), List.of(shard(i)), "writer-" + i, () -> 1000));
            }
            // A writer loses at most one race per other writer's commit: WRITERS attempts always suffice.
            CommitRetryPolicy policy = CommitRetryPolicy.defaults()
                    .withMaxAttempts(WRITERS)
                    .withBackoff(Duration.ZERO, Duration.ofMillis(20));
            List<LakeCommitter.Outcome> outcomes = race(store, policy, ops);

            assertTrue(outcomes.stream().allMatch(LakeCommitter.Outcome::committed), outcomes.toString());
            Set<Long> versions = new HashSet<>();
            outcomes.forEach(o -> versions.add(o.snapshot().version()));
            assertEquals(WRITERS, versions.size(), "each writer won its own version: " + versions);
            LakeSnapshot last = LakeSnapshot.load(store, EXP);
            assertEquals(WRITERS - 1, last.version());
            assertEquals(WRITERS, last.liveFiles().size(), "no commit lost or duplicated: " + last.liveFiles());
            assertEquals(WRITERS, last.coveredShards().size());
            Set<String> writers = new HashSet<>();
            for (long v = 0; v < WRITERS; v++) {
                String key = LakeLayout.logEntry(EXP, v);
                writers.add(LakeSnapshot.parseEntry(store.get(key).orElseThrow(), key, v)
                        .writer());
            }
            assertEquals(WRITERS, writers.size(), "one entry per writer: " + writers);
        }
    }

    /** Every writer wants its shard and its neighbour's: each shard is covered by exactly one commit. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void overlappingWritersNeverCoverAShardTwice(String kind) throws Exception {
        try (ObjectStore store = open(kind)) {
            List<LakeOperation> ops = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                List<String> shards = List.of(shard(i), shard((i + 1) % WRITERS));
                ops.add(LakeOperations.compactShards(file("g" + i), shards, "writer-" + i, () -> 1000));
            }
            CommitRetryPolicy policy = CommitRetryPolicy.defaults()
                    .withMaxAttempts(WRITERS)
                    .withBackoff(Duration.ZERO, Duration.ofMillis(20));
            List<LakeCommitter.Outcome> outcomes = race(store, policy, ops);

            long committed =
                    outcomes.stream().filter(LakeCommitter.Outcome::committed).count();
            assertTrue(committed >= 1 && committed <= WRITERS / 2, "committed: " + committed);
            LakeSnapshot last = LakeSnapshot.load(store, EXP);
            assertEquals(committed, last.version() + 1, "one entry per committed writer, nothing else");
            assertEquals(2 * committed, last.coveredShards().size(), "no shard covered by two commits");
            for (LakeCommitter.Outcome o : outcomes) {
                if (!o.committed()) assertTrue(o.reason().contains("was compacted"), o.reason());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void anOperationWhoseInputsWereConsumedEndsAsNothingToDo(String kind) {
        try (ObjectStore store = open(kind)) {
            LakeCommitter committer = new LakeCommitter(store);
            LakeSnapshot base = LakeSnapshot.load(store, EXP);
            committer.commit(base, LakeOperations.compactShards(file("a"), List.of(shard(1)), "w1", () -> 1));
            committer.commit(EXP, LakeOperations.compactShards(file("b"), List.of(shard(2)), "w1", () -> 2));

            // Planned on the old base: its shard 1 was covered meanwhile.
            LakeCommitter.Outcome late = committer.commit(
                    base, LakeOperations.compactShards(file("c"), List.of(shard(1), shard(3)), "w2", () -> 3));
            assertFalse(late.committed());
            assertEquals(LakeCommitter.Status.NOTHING_TO_DO, late.status());
            assertEquals(2, late.attempts(), "one lost race, then validation against the refreshed log");
            assertTrue(late.reason().contains(shard(1)), late.reason());
            assertEquals(1, late.snapshot().version());

            // A merge of files of which one is no longer live.
            LakeCommitter.Outcome merged = committer.commit(
                    EXP,
                    LakeOperations.mergeFiles(
                            file("m1"), List.of(file("a").path(), file("b").path()), "w1", () -> 4));
            assertTrue(merged.committed());
            LakeCommitter.Outcome stale = committer.commit(
                    base,
                    LakeOperations.mergeFiles(file("m2"), List.of(file("a").path()), "w2", () -> 5));
            assertEquals(LakeCommitter.Status.NOTHING_TO_DO, stale.status());

            // A quarantine of objects someone else quarantined already.
            Quarantined q = new Quarantined(shard(9), "broken", null, 6);
            assertTrue(committer
                    .commit(EXP, LakeOperations.quarantine(List.of(q), "w1", 6))
                    .committed());
            assertFalse(committer
                    .commit(base, LakeOperations.quarantine(List.of(q), "w2", 7))
                    .committed());

            LakeSnapshot last = LakeSnapshot.load(store, EXP);
            assertEquals(3, last.version(), "nothing-to-do commits leave no entry");
            assertEquals(
                    List.of(file("m1").path()),
                    last.liveFiles().stream().map(DataFile::path).toList());
            assertFalse(last.isCovered(shard(3)));
        }
    }

    /** An index built at a base survives compactions committed meanwhile, not a quarantine or another index. */
    @Test
    void anIndexIsRecommittedOverCompactionsOnly() {
        try (ObjectStore store = open("file")) {
            LakeCommitter committer = new LakeCommitter(store);
            LakeSnapshot base = LakeSnapshot.load(store, EXP);
            committer.commit(base, LakeOperations.compactShards(file("a"), List.of(shard(1)), "c", () -> 1));
            LakeCommitter.Outcome index = committer.commit(
                    base, LakeOperations.replaceIndex(base, "lake/runs/i1", "fp1", null, List.of(), "i", 50));
            assertTrue(index.committed());
            assertEquals(1, index.snapshot().indexVersion());
            assertEquals(50L, index.snapshot().indexTimeMs());

            LakeSnapshot indexed = index.snapshot();
            Quarantined bad = new Quarantined(shard(2), "bad", null, 60);
            committer.commit(EXP, LakeOperations.quarantine(List.of(bad), "q", 60));
            LakeCommitter.Outcome stale = committer.commit(
                    indexed, LakeOperations.replaceIndex(indexed, "lake/runs/i2", "fp2", null, List.of(), "i", 70));
            assertEquals(LakeCommitter.Status.NOTHING_TO_DO, stale.status(), stale.toString());
            assertEquals("lake/runs/i1", LakeSnapshot.load(store, EXP).indexFile());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void runningOutOfAttemptsNamesTheExperimentAndTheAttempts(String kind) {
        try (ObjectStore store = open(kind)) {
            LakeSnapshot stale = LakeSnapshot.load(store, EXP);
            new LakeCommitter(store)
                    .commit(stale, LakeOperations.compactShards(file("a"), List.of(shard(1)), "w", () -> 1));
            LakeCommitter oneShot =
                    new LakeCommitter(store, CommitRetryPolicy.defaults().withMaxAttempts(1));
            CommitConflictException e = assertThrows(
                    CommitConflictException.class,
                    () -> oneShot.commit(
                            stale, LakeOperations.compactShards(file("b"), List.of(shard(2)), "w", () -> 2)));
            assertEquals(EXP, e.experiment());
            assertEquals(1, e.attempts());
            assertTrue(
                    e.getMessage().contains("'" + EXP + "'") && e.getMessage().contains("after 1 attempts"),
                    e.getMessage());
            assertEquals(0, LakeSnapshot.load(store, EXP).version());
        }
    }

    /** The loop writes the checkpoint at the interval, and it carries the index commit's time. */
    @Test
    void checkpointsAreWrittenByTheLoopAndCarryTheIndexTime() throws Exception {
        try (ObjectStore store = open("file")) {
            LakeCommitter committer = new LakeCommitter(store);
            committer.commit(
                    EXP,
                    LakeOperations.replaceIndex(
                            LakeSnapshot.load(store, EXP), "lake/runs/i0", "fp", null, List.of(), "i", 777));
            for (int i = 1; i <= LakeLog.CHECKPOINT_INTERVAL; i++) {
                committer.commit(EXP, LakeOperations.compactShards(file("f" + i), List.of(shard(i)), "c", () -> 1000));
            }
            String checkpoint = LakeLayout.checkpoint(EXP, LakeLog.CHECKPOINT_INTERVAL);
            assertNotNull(store.get(checkpoint).orElse(null), "checkpoint at v" + LakeLog.CHECKPOINT_INTERVAL);
            assertEquals(777L, LakeSnapshot.load(store, EXP).indexTimeMs());

            // A checkpoint written before it carried index_time_ms: the time comes from the index entry.
            @SuppressWarnings("unchecked")
            Map<String, Object> old =
                    Json.MAPPER.readValue(store.get(checkpoint).orElseThrow(), Map.class);
            assertEquals(777, ((Number) old.remove("index_time_ms")).intValue());
            Files.writeString(
                    tmp.resolve("store").resolve(checkpoint),
                    Json.MAPPER.writeValueAsString(old),
                    StandardCharsets.UTF_8);
            // Without the checkpoint this log has a gap: loading works only from the checkpoint.
            Files.delete(tmp.resolve("store").resolve(LakeLayout.logEntry(EXP, 10)));
            LakeSnapshot fromOldCheckpoint = LakeSnapshot.load(store, EXP);
            assertEquals(LakeLog.CHECKPOINT_INTERVAL, fromOldCheckpoint.version());
            assertEquals(777L, fromOldCheckpoint.indexTimeMs());
        }
    }
}
