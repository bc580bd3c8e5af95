package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    /** A writer loses at most one race per other writer's commit: WRITERS attempts always suffice. */
    private static final CommitRetryPolicy ENOUGH_FOR_ALL_WRITERS =
            CommitRetryPolicy.defaults().withMaxAttempts(WRITERS).withBackoff(Duration.ZERO, Duration.ofMillis(20));

    @TempDir
    Path tmp;

    private ObjectStore open(String kind) {
        if (kind.equals("file")) return new FileObjectStore(tmp.resolve("store"));
        return StoreUris.open(S3ProxyServer.shared().newBucketUri("commit-" + System.nanoTime(), "lake"));
    }

    private static DataFile file(String experiment, String name) {
        return new DataFile(LakeLayout.metricsFile(experiment, name), 10, 100, "a", "b", 0);
    }

    private static DataFile file(String name) {
        return file(EXP, name);
    }

    private static String shard(int seq) {
        return LakeLogTest.shard(EXP, seq);
    }

    private static LakeOperation compact(String experiment, String name, List<String> shards, String writer) {
        return LakeOperations.compactShards(file(experiment, name), shards, writer, () -> 1000);
    }

    /** Runs the operations each in its own thread, all released at once, and returns their outcomes. */
    private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> outcomes = new ArrayList<>();
            for (Future<T> f : futures) outcomes.add(f.get());
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every writer starts from the same base (the empty lake), as writers that planned at the same time. */
    private static List<LakeCommitter.Outcome> raceFromOneBase(ObjectStore store, List<LakeOperation> operations)
            throws Exception {
        LakeSnapshot base = LakeSnapshot.load(store, EXP);
        List<Callable<LakeCommitter.Outcome>> tasks = new ArrayList<>();
        for (LakeOperation op : operations) {
            tasks.add(() -> new LakeCommitter(store, ENOUGH_FOR_ALL_WRITERS).commit(base, op));
        }
        return race(tasks);
    }

    private static String writerOf(ObjectStore store, long version) {
        String key = LakeTable.METRICS.commitKey(version);
        ObjectNode commitInfo =
                DeltaActions.parseCommitFile(store.get(key).orElseThrow(), key).get(0);
        return DeltaActions.body(commitInfo).path("runlake").path("writer").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void concurrentWritersEachCommitExactlyOnce(String kind) throws Exception {
        try (ObjectStore store = open(kind)) {
            List<LakeOperation> ops = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) ops.add(compact(EXP, "f" + i, List.of(shard(i)), "writer-" + i));
            List<LakeCommitter.Outcome> outcomes = raceFromOneBase(store, ops);

            assertTrue(outcomes.stream().allMatch(LakeCommitter.Outcome::committed), outcomes.toString());
            Set<Long> versions = new HashSet<>();
            outcomes.forEach(o -> versions.add(o.snapshot().version()));
            assertEquals(WRITERS, versions.size(), "each writer won its own version: " + versions);
            LakeSnapshot last = LakeSnapshot.load(store, EXP);
            assertEquals(WRITERS - 1, last.version());
            assertEquals(WRITERS, last.liveFiles().size(), "no commit lost or duplicated: " + last.liveFiles());
            for (int i = 0; i < WRITERS; i++) assertTrue(last.isCovered(shard(i)), "shard " + i);
            assertFalse(last.isCovered(shard(WRITERS)));
            Set<String> writers = new HashSet<>();
            for (long v = 0; v < WRITERS; v++) writers.add(writerOf(store, v));
            assertEquals(WRITERS, writers.size(), "one commit per writer: " + writers);
        }
    }

    /** Every writer wants its shard and its neighbour's: each shard is covered by exactly one commit. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void overlappingWritersNeverCoverAShardTwice(String kind) throws Exception {
        try (ObjectStore store = open(kind)) {
            List<LakeOperation> ops = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                ops.add(compact(EXP, "g" + i, List.of(shard(i), shard((i + 1) % WRITERS)), "writer-" + i));
            }
            List<LakeCommitter.Outcome> outcomes = raceFromOneBase(store, ops);

            long committed =
                    outcomes.stream().filter(LakeCommitter.Outcome::committed).count();
            assertTrue(committed >= 1 && committed <= WRITERS / 2, "committed: " + committed);
            LakeSnapshot last = LakeSnapshot.load(store, EXP);
            assertEquals(committed, last.version() + 1, "one commit per committed writer, nothing else");
            int coveredShards = 0;
            for (int i = 0; i < WRITERS; i++) {
                String shard = shard(i);
                long holders = last.liveFiles().stream()
                        .filter(f -> f.covers().contains(shard))
                        .count();
                assertTrue(holders <= 1, shard + " is held by " + holders + " files");
                if (last.isCovered(shard)) coveredShards++;
            }
            assertEquals(2 * committed, coveredShards, "no shard covered by two commits");
            for (LakeCommitter.Outcome o : outcomes) {
                if (!o.committed()) assertTrue(o.reason().contains("was compacted"), o.reason());
            }
        }
    }

    /**
     * Two experiments share each table, so their writers race for the same versions: every commit of both
     * still lands (a lost race is retried, never dropped or starved).
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void twoExperimentsCommittingToOneTableEachGetEveryCommitIn(String kind) throws Exception {
        List<String> experiments = List.of(EXP, "second/β");
        String run = RunIds.newId();
        int writersPerExperiment = 2;
        int commitsPerWriter = 6;
        try (ObjectStore store = open(kind)) {
            CommitRetryPolicy policy = CommitRetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ofMillis(20));
            List<Callable<Integer>> writers = new ArrayList<>();
            for (String experiment : experiments) {
                for (int w = 0; w < writersPerExperiment; w++) {
                    String writer = RunIds.newId();
                    writers.add(() -> {
                        int lostRaces = 0;
                        LakeCommitter committer = new LakeCommitter(store, policy);
                        for (int c = 0; c < commitsPerWriter; c++) {
                            List<String> shards = List.of(Layout.metricShard(experiment, run, 0, writer, c));
                            LakeCommitter.Outcome o =
                                    committer.commit(experiment, compact(experiment, writer + "-" + c, shards, writer));
                            assertTrue(o.committed(), o.toString());
                            lostRaces += o.lostRaces();
                        }
                        return lostRaces;
                    });
                }
            }
            int lostRaces = race(writers).stream().mapToInt(Integer::intValue).sum();

            int perExperiment = writersPerExperiment * commitsPerWriter;
            LakeSnapshot first = LakeSnapshot.load(store, experiments.get(0));
            assertEquals(
                    experiments.size() * perExperiment - 1,
                    first.version(),
                    "one table version per commit of either experiment (" + lostRaces + " races lost on the way)");
            for (String experiment : experiments) {
                assertEquals(
                        perExperiment,
                        first.forExperiment(experiment).liveFiles().size(),
                        experiment + ": every commit landed (" + lostRaces + " races lost on the way)");
            }
            assertEquals(
                    experiments,
                    LakeSnapshot.experiments(store).stream().sorted().toList());
        }
    }

    /**
     * A commit file is a Delta commit (PROTOCOL.md): version 0 starts with the protocol and the table metadata,
     * and an {@code add} names its file relative to the table root, URI-encoded, with the experiment unescaped
     * as its partition value.
     */
    @Test
    void theCommitFileIsADeltaCommit() {
        String experiment = "commit loop/α %";
        try (ObjectStore store = open("file")) {
            String shard = LakeLogTest.shard(experiment, 3);
            DataFile file = file(experiment, "f0");
            new LakeCommitter(store)
                    .commit(experiment, LakeOperations.compactShards(file, List.of(shard), "w", () -> 1234));
            new LakeCommitter(store)
                    .commit(experiment, compact(experiment, "f1", List.of(LakeLogTest.shard(experiment, 4)), "w"));

            String key0 = LakeTable.METRICS.commitKey(0);
            List<ObjectNode> v0 = DeltaActions.parseCommitFile(store.get(key0).orElseThrow(), key0);
            assertEquals(
                    List.of("commitInfo", "protocol", "metaData", "add"),
                    v0.stream().map(DeltaActions::type).toList());
            ObjectNode protocol = DeltaActions.body(v0.get(1));
            assertEquals(1, protocol.path("minReaderVersion").asInt());
            assertEquals(7, protocol.path("minWriterVersion").asInt());
            assertEquals("[\"domainMetadata\"]", protocol.path("writerFeatures").toString());
            assertFalse(protocol.has("readerFeatures"), "reader version 1 has no reader features");
            ObjectNode metaData = DeltaActions.body(v0.get(2));
            assertEquals("[\"experiment\"]", metaData.path("partitionColumns").toString());
            assertEquals("parquet", metaData.path("format").path("provider").asText());
            assertTrue(metaData.path("schemaString").asText().contains("\"name\":\"experiment\""));

            ObjectNode add = DeltaActions.body(v0.get(3));
            assertEquals(
                    "experiment=commit%2520loop%252F%25CE%25B1%2520%2525/f0.parquet",
                    add.path("path").asText(),
                    "relative to lake/metrics/, the escaped key segment URI-encoded once more");
            assertEquals(file.path(), LakeTable.METRICS.keyOf(add.path("path").asText()));
            assertEquals(
                    experiment, add.path("partitionValues").path("experiment").asText());
            assertEquals(100, add.path("size").asLong());
            assertEquals(1234, add.path("modificationTime").asLong());
            assertTrue(add.path("dataChange").asBoolean());
            assertEquals(10, DeltaActions.stats(add).path("numRecords").asLong());
            assertEquals(
                    ShardSet.of(List.of(shard)), ShardSet.parse(DeltaActions.tag(add, DeltaActions.TAG_COVERS), key0));
            assertEquals("0", DeltaActions.tag(add, DeltaActions.TAG_TIER));

            String key1 = LakeTable.METRICS.commitKey(1);
            assertEquals(
                    List.of("commitInfo", "add"),
                    DeltaActions.parseCommitFile(store.get(key1).orElseThrow(), key1).stream()
                            .map(DeltaActions::type)
                            .toList(),
                    "protocol and metadata are written once");
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
            assertTrue(
                    merged.snapshot().isCovered(shard(1)) && merged.snapshot().isCovered(shard(2)));
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
            assertEquals(3, last.version(), "nothing-to-do commits leave no commit file");
            assertEquals(
                    List.of(file("m1").path()),
                    last.liveFiles().stream().map(DataFile::path).toList());
            assertFalse(last.isCovered(shard(3)));
        }
    }

    /**
     * An index built at a base survives compactions committed meanwhile (they go to the other table), not
     * another index; a quarantine seen when its commit is retried makes it stale too.
     */
    @Test
    void anIndexIsRecommittedOverCompactionsOnly() {
        try (ObjectStore store = open("file")) {
            LakeCommitter committer = new LakeCommitter(store);
            LakeSnapshot base = LakeSnapshot.load(store, EXP);
            committer.commit(base, LakeOperations.compactShards(file("a"), List.of(shard(1)), "c", () -> 1));
            LakeCommitter.Outcome index =
                    committer.commit(base, LakeOperations.replaceIndex(base, indexFile("i1", 50), List.of(), "i", 50));
            assertTrue(index.committed());
            assertEquals(0, index.snapshot().runsVersion());
            assertEquals(50L, index.snapshot().indexTimeMs());

            LakeSnapshot indexed = index.snapshot();
            LakeCommitter.Outcome another =
                    committer.commit(base, LakeOperations.replaceIndex(base, indexFile("i2", 60), List.of(), "i", 60));
            assertEquals(LakeCommitter.Status.NOTHING_TO_DO, another.status(), another.toString());
            assertTrue(another.reason().contains("another runs index"), another.reason());

            // Planned at `indexed`; then a quarantine (metrics table) and an index of another experiment (runs
            // table, so the commit's first attempt loses and it is validated against the refreshed lake).
            Quarantined bad = new Quarantined(shard(2), "bad", null, 60);
            committer.commit(EXP, LakeOperations.quarantine(List.of(bad), "q", 60));
            LakeSnapshot other = LakeSnapshot.load(store, "other");
            committer.commit(
                    other,
                    LakeOperations.replaceIndex(
                            other,
                            new LakeCommit.IndexFile(LakeLayout.runsIndexFile("other", "o1"), 1, 10, 65, "fp", null),
                            List.of(),
                            "i",
                            65));
            LakeCommitter.Outcome stale = committer.commit(
                    indexed, LakeOperations.replaceIndex(indexed, indexFile("i3", 70), List.of(), "i", 70));
            assertEquals(LakeCommitter.Status.NOTHING_TO_DO, stale.status(), stale.toString());
            assertTrue(stale.reason().contains("quarantined"), stale.reason());
            assertEquals(
                    LakeLayout.runsIndexFile(EXP, "i1"),
                    LakeSnapshot.load(store, EXP).indexFile());
        }
    }

    private static LakeCommit.IndexFile indexFile(String id, long listedMs) {
        return new LakeCommit.IndexFile(LakeLayout.runsIndexFile(EXP, id), 2, 200, listedMs, "fp-" + id, null);
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
}
