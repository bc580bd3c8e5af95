package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static io.runlake.testing.Lakes.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunEnd;
import io.runlake.format.RunStart;
import io.runlake.format.SharedEnvironment;
import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.FaultyStore;
import io.runlake.testing.Lakes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integration suite every store must pass: the file store, S3 over HTTP (S3Proxy), and LocalStack
 * when Docker is available. Everything written is read back through the store and checked with DuckDB.
 */
abstract class ClientSuite {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path tmp;

    /** A fresh, empty store location. */
    protected abstract URI newStoreUri(String name);

    private URI freshUri() {
        return newStoreUri("t" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    TrackerOptions options() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withCloseTimeout(Duration.ofSeconds(20))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    private Path mirror(ObjectStore store) throws Exception {
        return Lakes.mirror(store, Files.createTempDirectory(tmp, "mirror"));
    }

    // ---- the object store contract -------------------------------------------------------------

    @Test
    void putIfAbsentNeverOverwrites() {
        try (ObjectStore store = StoreUris.open(freshUri())) {
            assertTrue(store.putIfAbsent("a/b/one.json", "first".getBytes(StandardCharsets.UTF_8)));
            assertFalse(store.putIfAbsent("a/b/one.json", "second".getBytes(StandardCharsets.UTF_8)));
            assertEquals("first", new String(store.get("a/b/one.json").orElseThrow(), StandardCharsets.UTF_8));
            store.putIfAbsentIdempotent("a/b/one.json", "first".getBytes(StandardCharsets.UTF_8));
            assertThrows(
                    ObjectConflictException.class,
                    () -> store.putIfAbsentIdempotent("a/b/one.json", "other".getBytes(StandardCharsets.UTF_8)));
            assertTrue(store.get("a/b/missing").isEmpty());
            assertTrue(store.head("a/b/missing").isEmpty());
            assertEquals(5, store.head("a/b/one.json").orElseThrow().size());
        }
    }

    @Test
    void listIsLexicographicAndPrefixed() {
        try (ObjectStore store = StoreUris.open(freshUri())) {
            for (String k : List.of("p/b", "p/a/2", "p/a/10", "q/x", "p/c/d/e")) {
                store.putIfAbsent(k, k.getBytes(StandardCharsets.UTF_8));
            }
            List<String> keys = store.list("p/").stream().map(ObjectInfo::key).toList();
            assertEquals(List.of("p/a/10", "p/a/2", "p/b", "p/c/d/e"), keys);
            assertEquals(
                    List.of("p/a/10", "p/a/2"),
                    store.list("p/a").stream().map(ObjectInfo::key).toList());
        }
    }

    @Test
    void concurrentPutIfAbsentHasAtMostOneWinner() throws Exception {
        try (ObjectStore store = StoreUris.open(freshUri())) {
            for (int round = 0; round < 5; round++) {
                String key = "race/" + round;
                int writers = 8;
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    byte[] body = ("writer-" + w).getBytes(StandardCharsets.UTF_8);
                    results.add(pool.submit((Callable<Boolean>) () -> {
                        go.await();
                        return store.putIfAbsent(key, body);
                    }));
                }
                go.countDown();
                List<Integer> winners = new ArrayList<>();
                for (int w = 0; w < writers; w++) if (results.get(w).get()) winners.add(w);
                pool.shutdown();
                assertTrue(winners.size() <= 1, "more than one writer created " + key + ": " + winners);
                String stored = new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8);
                if (winners.size() == 1) {
                    assertEquals("writer-" + winners.get(0), stored);
                } else {
                    assertTrue(stored.startsWith("writer-"), stored);
                }
            }
        }
    }

    // ---- runs round trip -----------------------------------------------------------------------

    @Test
    void runRoundTripKeepsEveryValue() throws Exception {
        URI uri = freshUri();
        String runId;
        try (Tracker tracker = Tracker.open(uri, options());
                Run run = tracker.newRun("mnist")
                        .name("baseline")
                        .param("lr", 0.01)
                        .param("layers", 3)
                        .param("optimizer", "adam")
                        .param("augment", true)
                        .tag("team", "vision")
                        .start()) {
            runId = run.id();
            for (int step = 0; step < 1000; step++) {
                run.log("loss", 1.0 / (step + 1), step);
            }
            run.log("special", Double.NaN, 0);
            run.log("special", Double.POSITIVE_INFINITY, 1);
            run.log("special", Double.NEGATIVE_INFINITY, 2);
            run.log("special", -0.0, 3);
            run.log("unordered", 5.0, 10);
            run.log("unordered", 4.0, 3);
            run.log("unordered", 3.0, 7);
            run.log("auto", 1.5);
            run.log("auto", 2.5);
            run.log(Map.of("acc", 0.9, "f1", 0.8), 42);
            run.logParam("epochs", 10);
            run.setTag("stage", "candidate");
            run.deleteTag("team");
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String shards = lit(lake.resolve(Layout.runPrefix("mnist", runId) + "metrics/*.parquet"));
            assertEquals(1000L + 4 + 3 + 2 + 2, scalar("select count(*) from read_parquet(" + shards + ")"));
            // every loss value exactly
            List<List<Object>> loss =
                    query("select step, value from read_parquet(" + shards + ") where key = 'loss' order by step");
            assertEquals(1000, loss.size());
            for (int step = 0; step < 1000; step++) {
                assertEquals((long) step, loss.get(step).get(0));
                assertEquals(1.0 / (step + 1), (double) loss.get(step).get(1), 0.0);
            }
            List<List<Object>> special =
                    query("select step, value from read_parquet(" + shards + ") where key = 'special' order by step");
            assertTrue(Double.isNaN((double) special.get(0).get(1)));
            assertEquals(Double.POSITIVE_INFINITY, (double) special.get(1).get(1));
            assertEquals(Double.NEGATIVE_INFINITY, (double) special.get(2).get(1));
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((double)
                    special.get(3).get(1)));
            assertEquals(
                    List.of(List.of(3L, 4.0), List.of(7L, 3.0), List.of(10L, 5.0)),
                    query("select step, value from read_parquet(" + shards
                            + ") where key = 'unordered' order by step"));
            assertEquals(
                    List.of(List.of(0L, 1.5), List.of(1L, 2.5)),
                    query("select step, value from read_parquet(" + shards + ") where key = 'auto' order by step"));
            assertEquals(
                    List.of(List.of("acc", 42L, 0.9), List.of("f1", 42L, 0.8)),
                    query("select key, step, value from read_parquet(" + shards
                            + ") where key in ('acc','f1') order by key"));
            assertEquals(
                    List.of(List.of(runId, 0)),
                    query("select distinct run_id, worker from read_parquet(" + shards + ")"));
            // timestamps are wall clock
            long now = System.currentTimeMillis();
            Object minTs = scalar("select epoch_ms(min(timestamp)) from read_parquet(" + shards + ")");
            assertTrue(Math.abs(now - ((Number) minTs).longValue()) < 120_000);

            RunStart start =
                    Json.read(store.get(Layout.startManifest("mnist", runId)).orElseThrow(), RunStart.class, "start");
            assertEquals("baseline", start.name());
            assertEquals(0.01, start.params().get("lr"));
            assertEquals(3, ((Number) start.params().get("layers")).intValue());
            assertEquals(true, start.params().get("augment"));
            assertEquals("vision", start.tags().get("team"));
            assertNotNull(
                    SharedEnvironment.resolve(start.environment(), store::get).get("java_version"));

            String end = lit(lake.resolve(Layout.runPrefix("mnist", runId) + "end/*.json"));
            assertEquals(
                    List.of(List.of("FINISHED", 1011L)),
                    query("select status, points_logged from read_json(" + end + ")"));
            String events = lit(lake.resolve(Layout.runPrefix("mnist", runId) + "events/*.json"));
            assertEquals(
                    List.of(List.of("params", "10"), List.of("tags", "candidate"), List.of("tags", "deleted")),
                    query(
                            "select kind, coalesce(params->>'epochs', tags->>'stage', case when json_type(tags->'team') = 'NULL' then 'deleted' end)"
                                    + " from read_json(" + events
                                    + ", union_by_name=true, format='auto', records=true, columns={kind: 'VARCHAR',"
                                    + " params: 'JSON', tags: 'JSON'}) order by kind, 2"));
        }
    }

    @Test
    void aRunShorterThanTheSamplingIntervalHasSystemMetricsAtStartAndEnd() throws Exception {
        URI uri = freshUri();
        String runId;
        // a 10 s interval, as by default, and a run that lasts milliseconds (issue 9: the demo's runs recorded none)
        try (Tracker tracker = Tracker.open(uri, options().withSystemMetricsInterval(Duration.ofSeconds(10)));
                Run run = tracker.startRun("short")) {
            runId = run.id();
            run.log("loss", 0.5, 0);
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String shards = lit(lake.resolve(Layout.runPrefix("short", runId) + "metrics/*.parquet"));
            for (String key :
                    List.of("system/cpu_utilization", "system/memory_used_bytes", "system/process_rss_bytes")) {
                assertEquals(
                        List.of(List.of(0L, 1L)),
                        query("select min(step), max(step) from read_parquet(" + shards + ") where key = '" + key
                                + "'"),
                        key + ": a reading at start (step 0) and at the end (step 1)");
            }
            assertEquals(0.5, scalar("select value from read_parquet(" + shards + ") where key = 'loss'"));
        }
    }

    @Test
    void nonMonotonicStepsAreKeptAsLogged() throws Exception {
        URI uri = freshUri();
        String runId;
        try (Tracker tracker = Tracker.open(uri, options());
                Run run = tracker.startRun("steps")) {
            runId = run.id();
            run.log("x", 5.0, 10);
            run.log("x", 4.0, 3);
            run.log("x", 3.0, 7);
            run.log("x", 2.0); // next after the highest step seen: 11
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String shards = lit(lake.resolve(Layout.runPrefix("steps", runId) + "metrics/*.parquet"));
            assertEquals(
                    List.of(List.of(3L, 4.0), List.of(7L, 3.0), List.of(10L, 5.0), List.of(11L, 2.0)),
                    query("select step, value from read_parquet(" + shards + ") order by step"));
        }
    }

    // ---- bad input -----------------------------------------------------------------------------

    @Test
    void badInputGetsClearErrorsAndLosesNothing() throws Exception {
        URI uri = freshUri();
        String runId;
        try (Tracker tracker = Tracker.open(uri, options())) {
            Run run = tracker.newRun("errors").param("lr", 0.1).start();
            runId = run.id();
            run.log("kept", 1.0, 0);
            IllegalArgumentException conflict =
                    assertThrows(IllegalArgumentException.class, () -> run.logParam("lr", 0.2));
            assertTrue(
                    conflict.getMessage().contains("'lr'")
                            && conflict.getMessage().contains("immutable"),
                    conflict.getMessage());
            run.logParam("lr", 0.1); // same value: fine
            assertThrows(IllegalArgumentException.class, () -> run.log("bad\nkey", 1.0));
            assertThrows(IllegalArgumentException.class, () -> run.log("runlake/heartbeat", 1.0));
            assertThrows(IllegalArgumentException.class, () -> run.log("", 1.0));
            assertThrows(IllegalArgumentException.class, () -> run.log("k".repeat(300), 1.0));
            assertThrows(IllegalArgumentException.class, () -> run.logParam("p", new Object()));
            assertThrows(IllegalArgumentException.class, () -> tracker.startRun(".."));
            assertThrows(IllegalArgumentException.class, () -> tracker.startRun("bad\u0000name"));
            assertThrows(IllegalArgumentException.class, () -> tracker.startRun("x".repeat(201)));
            assertThrows(
                    IllegalArgumentException.class, () -> tracker.newRun("ok").parent("not-a-run-id"));
            run.finish();
            IllegalStateException ended = assertThrows(IllegalStateException.class, () -> run.log("kept", 2.0, 1));
            assertTrue(ended.getMessage().contains("FINISHED"), ended.getMessage());
            assertThrows(IllegalStateException.class, () -> run.logParam("late", 1));
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            assertEquals(
                    1L,
                    scalar("select count(*) from read_parquet("
                            + lit(lake.resolve(Layout.runPrefix("errors", runId) + "metrics/*.parquet")) + ")"));
        }
    }

    @Test
    void experimentNamesCannotEscapeTheirPrefix() throws Exception {
        URI uri = freshUri();
        String name = "../../etc/passwd x/ü";
        String runId;
        try (Tracker tracker = Tracker.open(uri, options());
                Run run = tracker.startRun(name)) {
            runId = run.id();
            run.log("loss", 1.0);
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            for (ObjectInfo o : store.list("")) {
                for (String segment : o.key().split("/")) {
                    assertFalse(
                            segment.equals("..") || segment.equals(".") || segment.isEmpty(),
                            o.key() + " has segment '" + segment + "'");
                }
                String top = o.key().substring(0, o.key().indexOf('/'));
                assertTrue(
                        List.of("runs", "run-ids", "_runlake", "environments", "artifacts")
                                .contains(top),
                        o.key());
            }
            String key = Layout.startManifest(name, runId);
            assertTrue(key.startsWith("runs/experiment=..%2F..%2Fetc%2Fpasswd%20x%2F%C3%BC/"), key);
            RunStart start = Json.read(store.get(key).orElseThrow(), RunStart.class, key);
            assertEquals(name, start.experiment());
            assertEquals(name, Layout.parseRunObject(key).orElseThrow().experiment());
        }
    }

    // ---- failures, distributed training, artifacts -----------------------------------------------

    @Test
    void failedRunsAreRecordedWithTheirException() throws Exception {
        URI uri = freshUri();
        String[] runId = new String[1];
        try (Tracker tracker = Tracker.open(uri, options())) {
            RuntimeException boom = assertThrows(
                    RuntimeException.class,
                    () -> tracker.run(tracker.newRun("fails"), run -> {
                        runId[0] = run.id();
                        run.log("loss", 0.5, 0);
                        throw new IllegalStateException("diverged: loss is NaN");
                    }));
            assertEquals("diverged: loss is NaN", boom.getMessage());
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            List<ObjectInfo> ends = store.list(Layout.runPrefix("fails", runId[0]) + "end/");
            assertEquals(1, ends.size());
            RunEnd end = Json.read(store.get(ends.get(0).key()).orElseThrow(), RunEnd.class, "end");
            assertEquals("FAILED", end.status());
            assertEquals("java.lang.IllegalStateException", end.error().type());
            assertEquals("diverged: loss is NaN", end.error().message());
            assertTrue(end.error().stackTrace().contains("ClientSuite"));
            assertEquals(1, end.pointsLogged());
        }
    }

    @Test
    void twoWorkersShareOneRunWithoutCollisions() throws Exception {
        URI uri = freshUri();
        String runId;
        try (Tracker t0 = Tracker.open(uri, options());
                Tracker t1 = Tracker.open(uri, options())) {
            Run chief = t0.newRun("ddp").param("world_size", 2).start();
            runId = chief.id();
            Run w1 = t1.joinRun(runId, 1);
            assertEquals("ddp", w1.experiment());
            for (int s = 0; s < 500; s++) {
                chief.log("loss", s, s);
                w1.log("loss", -s, s);
                if (s % 100 == 0) {
                    chief.flush();
                    w1.flush();
                }
            }
            w1.finish();
            chief.finish();
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String shards = lit(lake.resolve(Layout.runPrefix("ddp", runId) + "metrics/*.parquet"));
            assertEquals(
                    List.of(List.of(0, 500L, 124750.0), List.of(1, 500L, -124750.0)),
                    query("select worker, count(*), sum(value) from read_parquet(" + shards
                            + ") group by worker order by worker"));
            assertEquals(2, store.list(Layout.runPrefix("ddp", runId) + "end/").size());
            assertEquals(
                    1, store.list(Layout.runPrefix("ddp", runId) + "workers/").size());
            assertTrue(store.list(Layout.runPrefix("ddp", runId) + "metrics/").size() >= 4);
        }
    }

    @Test
    void artifactsAreContentAddressedAndNeverOverwritten() throws Exception {
        URI uri = freshUri();
        Path model = tmp.resolve("model.bin");
        byte[] v1 = new byte[300_000];
        new Random(1).nextBytes(v1);
        Files.write(model, v1);
        ArtifactRef first;
        ArtifactRef again;
        ArtifactRef second;
        try (Tracker tracker = Tracker.open(uri, options())) {
            try (Run a = tracker.startRun("models")) {
                first = a.logArtifact(model);
                // the "golden model" file is overwritten right after logging: the stored copy must not change
                byte[] v2 = v1.clone();
                v2[0] ^= 1;
                Files.write(model, v2);
                second = a.logArtifact(model, "model-v2.bin");
            }
            try (Run b = tracker.startRun("models")) {
                Files.write(model, v1);
                again = b.logArtifact(model);
                b.logArtifactReference("imagenet", URI.create("s3://datasets/imagenet/"), null, 150_000_000_000L);
            }
        }
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v1)), first.sha256());
        assertEquals(first.sha256(), again.sha256());
        assertFalse(first.sha256().equals(second.sha256()));
        try (ObjectStore store = StoreUris.open(uri)) {
            assertArrayEquals(v1, store.get(Layout.artifactBlob(first.sha256())).orElseThrow());
            assertEquals(2, store.list(Layout.ARTIFACTS).size(), "identical content must be stored once");
            Path lake = mirror(store);
            List<List<Object>> refs = query("select artifact.name, artifact.reference, artifact.size from read_json("
                    + lit(lake.resolve("runs/experiment=models/*/events/*.json")) + ", union_by_name=true) order by 1");
            assertEquals(
                    List.of(
                            List.of("imagenet", true, 150_000_000_000L),
                            List.of("model-v2.bin", false, 300_000L),
                            List.of("model.bin", false, 300_000L),
                            List.of("model.bin", false, 300_000L)),
                    refs);
        }
    }

    @Test
    void largeArtifactsUploadInParts() throws Exception {
        URI uri = freshUri();
        Path big = tmp.resolve("big.bin");
        byte[] data = new byte[17 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        Files.write(big, data);
        ArtifactRef ref;
        try (Tracker tracker = Tracker.open(uri, options());
                Run run = tracker.startRun("big")) {
            ref = run.logArtifact(big);
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            assertEquals(
                    data.length,
                    store.head(Layout.artifactBlob(ref.sha256())).orElseThrow().size());
            byte[] back = store.get(Layout.artifactBlob(ref.sha256())).orElseThrow();
            assertArrayEquals(
                    MessageDigest.getInstance("SHA-256").digest(data),
                    MessageDigest.getInstance("SHA-256").digest(back));
            assertFalse(store.putFileIfAbsent(Layout.artifactBlob(ref.sha256()), big));
        }
    }

    // ---- outages ---------------------------------------------------------------------------------

    @Test
    void outageSpillsToDiskAndLosesNoPoint() throws Exception {
        URI uri = freshUri();
        FaultyStore store = new FaultyStore(StoreUris.open(uri));
        String runId;
        try (Tracker tracker = Tracker.open(store, options().withCloseTimeout(Duration.ofSeconds(30)))) {
            Run run = tracker.startRun("outage");
            runId = run.id();
            store.down.set(true);
            for (int i = 0; i < 50_000; i++) run.log("loss", i, i);
            run.setTag("during", "outage");
            run.flush();
            assertTrue(Files.exists(tmp.resolve("spill")), "nothing was spilled");
            store.down.set(false);
            for (int i = 50_000; i < 60_000; i++) run.log("loss", i, i);
            run.finish();
            assertEquals(0, tracker.pushSpill());
        }
        try (ObjectStore plain = StoreUris.open(uri)) {
            Path lake = mirror(plain);
            assertEquals(
                    List.of(List.of(60_000L, 60_000L, 1_799_970_000.0)),
                    query("select count(*), count(distinct step), sum(value) from read_parquet("
                            + lit(lake.resolve(Layout.runPrefix("outage", runId) + "metrics/*.parquet")) + ")"));
            assertEquals(
                    1, plain.list(Layout.runPrefix("outage", runId) + "end/").size());
            assertEquals(
                    1, plain.list(Layout.runPrefix("outage", runId) + "events/").size());
        }
    }

    /** An outage at open does not stop training: everything waits in the spill until the store answers. */
    @Test
    void unreachableStoreAtOpenSpillsUntilItAnswers() throws Exception {
        URI uri = freshUri();
        FaultyStore store = new FaultyStore(StoreUris.open(uri));
        store.down.set(true);
        String runId;
        try (Tracker tracker = Tracker.open(store, options())) {
            Run run = tracker.newRun("outage").param("lr", 0.1).start();
            runId = run.id();
            for (int i = 0; i < 1_000; i++) run.log("loss", i, i);
            run.finish();
            assertTrue(tracker.pushSpill() > 0, "nothing waited in the spill");
            try (ObjectStore plain = StoreUris.open(uri)) {
                assertTrue(plain.list("").isEmpty(), "wrote to a store whose format marker was never read");
            }
            store.down.set(false);
            assertEquals(0, tracker.pushSpill());
        }
        try (ObjectStore plain = StoreUris.open(uri)) {
            assertTrue(plain.head(Layout.FORMAT_MARKER).isPresent(), "format marker");
            assertTrue(plain.head(Layout.startManifest("outage", runId)).isPresent(), "start manifest");
            Path lake = mirror(plain);
            assertEquals(
                    List.of(List.of(1_000L, 499_500.0)),
                    query("select count(*), sum(value) from read_parquet("
                            + lit(lake.resolve(Layout.runPrefix("outage", runId) + "metrics/*.parquet")) + ")"));
            assertEquals(
                    1, plain.list(Layout.runPrefix("outage", runId) + "end/").size());
        }
    }

    // ---- shards are compact ----------------------------------------------------------------------

    @Test
    void shardsStayUnderTenBytesPerRandomPoint() throws Exception {
        URI uri = freshUri();
        String runId;
        int n = 200_000;
        try (Tracker tracker = Tracker.open(uri, options().withFlushInterval(Duration.ofMinutes(10)))) {
            Run run = tracker.startRun("size");
            runId = run.id();
            Random r = new Random(3);
            // full 64-bit random patterns: 8 bytes of entropy per value, the worst case
            for (int i = 0; i < n; i++) run.log("v", Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL), i);
            run.finish();
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            long bytes = store.list(Layout.runPrefix("size", runId) + "metrics/").stream()
                    .mapToLong(ObjectInfo::size)
                    .sum();
            assertTrue(bytes < 10L * n, "shard bytes per point: " + (double) bytes / n);
            System.out.printf("shard bytes per random point: %.2f%n", (double) bytes / n);
        }
    }
}
