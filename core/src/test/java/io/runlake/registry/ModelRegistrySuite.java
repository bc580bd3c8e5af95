package io.runlake.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.AliasEvent;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.RunEvent;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The registry's rules on a real store (FORMAT.md §16); subclasses give a file store and S3 over HTTP. */
abstract class ModelRegistrySuite {
    protected abstract URI newStoreUri(String name);

    private ObjectStore open(TestInfo info) {
        return StoreUris.open(newStoreUri(info.getTestMethod().orElseThrow().getName()));
    }

    /** A run as the client leaves it for the registry: its run-id pointer, and one artifact blob. */
    private static String run(ObjectStore store, String experiment) {
        String runId = RunIds.newId();
        store.putIfAbsent(
                Layout.runIdPointer(runId), Json.write(new RunIdPointer(FormatVersion.CURRENT, experiment, runId)));
        return runId;
    }

    private static RunEvent.Artifact blob(ObjectStore store, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        store.putIfAbsent(Layout.artifactBlob(sha), bytes);
        return new RunEvent.Artifact("model.bin", sha, bytes.length, null, false);
    }

    private static ModelVersion register(ModelRegistry r, String runId, RunEvent.Artifact a, double auc) {
        return r.registerVersion(
                new ModelRegistry.NewVersion("fraud", runId, a, "trained", Map.of("team", "risk"), Map.of("auc", auc)));
    }

    @Test
    void concurrentRegistrationsNumberOneToNWithoutGapsOrDuplicates(TestInfo info) throws Exception {
        int threads = 8, each = 4;
        try (ObjectStore store = open(info)) {
            String runId = run(store, "fraud");
            RunEvent.Artifact a = blob(store, "weights");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ModelRegistry registrar = new ModelRegistry(store, "worker-" + t);
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++)
                        mine.add(register(registrar, runId, a, 0.5).version());
                    return mine;
                }));
            }
            start.countDown();
            List<Long> numbers = new ArrayList<>();
            for (Future<List<Long>> f : futures) numbers.addAll(f.get());
            pool.shutdown();
            numbers.sort(null);
            assertEquals(LongStream.rangeClosed(1, threads * each).boxed().toList(), numbers);
            RegistryContents all = new ModelRegistry(store, "reader").read();
            assertEquals(List.of(), all.problems());
            assertEquals(1, all.models().size());
            assertEquals(
                    numbers,
                    all.versionsOf("fraud").stream().map(ModelVersion::version).toList());
            assertEquals("fraud", all.versions().get(0).experiment());
        }
    }

    @Test
    void concurrentAliasMovesAreAllKeptAndTheLatestWins(TestInfo info) throws Exception {
        int threads = 6;
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud");
            RunEvent.Artifact a = blob(store, "weights");
            for (int i = 0; i < threads; i++) register(r, runId, a, 0.5 + i / 100.0);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<Long> moved = new ConcurrentLinkedQueue<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 1; t <= threads; t++) {
                long version = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    new ModelRegistry(store, "mover-" + version).setAlias("fraud", "champion", version, "race", null);
                    moved.add(version);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get();
            pool.shutdown();
            List<AliasEvent> history = r.aliasHistory("fraud", "champion", new ArrayList<>());
            assertEquals(threads, history.size());
            assertEquals(
                    LongStream.rangeClosed(1, threads).boxed().toList(),
                    history.stream().map(AliasEvent::version).sorted().toList());
            long latest = history.get(history.size() - 1).version();
            assertEquals(
                    latest, r.resolve(ModelUri.parse("models:/fraud@champion")).version());
            assertEquals(latest, r.read().currentAliases().get(0).version());
        }
    }

    /**
     * Two processes (this JVM and a second one), each with threads, register versions of one model and move one alias
     * at once: numbers are exactly 1..N, every move is an event, and the alias is the event with the greatest key.
     */
    @Test
    void twoProcessesRegisterAndMoveTheSameAliasAtOnce(TestInfo info, @TempDir Path dir) throws Exception {
        int threads = 3, each = 3;
        URI uri = newStoreUri(info.getTestMethod().orElseThrow().getName());
        try (ObjectStore store = StoreUris.open(uri)) {
            String runId = run(store, "fraud");
            RunEvent.Artifact a = blob(store, "weights");
            Path ready = dir.resolve("ready"), go = dir.resolve("go"), out = dir.resolve("child.out");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path")));
            for (String p : List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.region")) {
                if (System.getProperty(p) != null) command.add("-D" + p + "=" + System.getProperty(p));
            }
            command.addAll(List.of(
                    RegistrarProcess.class.getName(),
                    uri.toString(),
                    "p2",
                    "" + threads,
                    "" + each,
                    runId,
                    a.sha256(),
                    "" + a.size(),
                    ready.toString(),
                    go.toString()));
            Process child = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(dir.resolve("child.err").toFile())
                    .start();
            List<String> lines;
            try {
                RegistrarProcess.awaitFile(ready); // the child's store is open: both start together
                Files.createFile(go);
                lines = new ArrayList<>(RegistrarProcess.race(store, "p1", threads, each, runId, a));
                assertTrue(child.waitFor(RegistrarProcess.GUARD.toSeconds(), TimeUnit.SECONDS), "the child hung");
            } finally {
                child.destroyForcibly();
            }
            assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.err")));
            lines.addAll(Files.readAllLines(out));

            int n = 2 * threads * each;
            List<Long> numbers = lines.stream()
                    .filter(l -> l.startsWith("V "))
                    .map(l -> Long.parseLong(l.substring(2)))
                    .sorted()
                    .toList();
            assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), numbers, "no gap, no duplicate");
            RegistryContents all = new ModelRegistry(store, "reader").read();
            assertEquals(List.of(), all.problems());
            assertEquals(
                    numbers,
                    all.versionsOf("fraud").stream().map(ModelVersion::version).toList());

            List<String> moves =
                    lines.stream().filter(l -> l.startsWith("A ")).sorted().toList();
            List<AliasEvent> history = all.aliasEventsOf("fraud");
            assertEquals(n, history.size(), "every move is an event");
            assertEquals(
                    moves,
                    history.stream()
                            .map(e -> "A " + e.setBy() + " " + e.version())
                            .sorted()
                            .toList());
            List<String> eventKeys =
                    keys(store).stream().filter(k -> k.contains("/aliases/")).toList();
            assertEquals(eventKeys.stream().sorted().toList(), eventKeys, "listed in key order");
            String greatest = eventKeys.stream().max(String::compareTo).orElseThrow();
            long latest = Json.read(store.get(greatest).orElseThrow(), AliasEvent.class, greatest)
                    .version();
            assertEquals(latest, all.currentAliases().get(0).version(), "the greatest key wins");
            assertEquals(
                    latest,
                    new ModelRegistry(store, "reader")
                            .resolve(ModelUri.parse("models:/fraud@champion"))
                            .version());
        }
    }

    @Test
    void promotionNeedsABetterMetricAndARefusalWritesNothing(TestInfo info) throws Exception {
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud");
            RunEvent.Artifact a = blob(store, "weights");
            register(r, runId, a, 0.90);
            register(r, runId, a, 0.85);
            register(r, runId, a, 0.95);
            AliasEvent first = r.setAlias("fraud", "champion", 1, "first", Promotion.better("auc"));
            assertTrue(first.condition().passed());
            assertEquals("champion had no holder", first.condition().result());

            List<String> before = keys(store);
            PromotionRefusedException refused = assertThrows(
                    PromotionRefusedException.class,
                    () -> r.setAlias("fraud", "champion", 2, "worse", Promotion.better("auc")));
            assertTrue(
                    refused.getMessage().contains("auc 0.85 vs 0.9 of version 1 (higher is better)"),
                    refused.getMessage());
            assertThrows(
                    PromotionRefusedException.class,
                    () -> r.setAlias("fraud", "champion", 3, "no such metric", Promotion.better("loss")));
            assertEquals(before, keys(store));

            AliasEvent better = r.setAlias("fraud", "champion", 3, "beats v1 on auc", Promotion.better("auc"));
            assertEquals(1L, better.previousVersion());
            assertEquals(0.9, better.condition().holderValue());
            assertEquals(
                    "beats v1 on auc",
                    r.aliasHistory("fraud", "champion", new ArrayList<>())
                            .get(1)
                            .reason());
            // by its name, "loss" is lower-is-better: the direction comes from the leaderboard's rule
            assertEquals(
                    io.runlake.report.Direction.MIN,
                    Promotion.better("val_loss").direction());
        }
    }

    @Test
    void resolveAndRemove(TestInfo info) throws Exception {
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud exp/v2");
            RunEvent.Artifact a = blob(store, "weights");
            register(r, runId, a, 0.9);
            r.setAlias("fraud", "staging", 1, null, null);
            ModelVersion v = r.resolve(ModelUri.parse("models:/fraud@staging"));
            assertEquals(runId, v.runId());
            assertEquals("fraud exp/v2", v.experiment());
            assertEquals(a, v.artifact());
            assertEquals(v, r.resolve(ModelUri.parse("models:/fraud/1")));
            r.removeAlias("fraud", "staging", "retired");
            assertThrows(NoSuchElementException.class, () -> r.resolve(ModelUri.parse("models:/fraud@staging")));
            assertEquals(
                    2, r.aliasHistory("fraud", "staging", new ArrayList<>()).size());
            assertEquals(List.of(), r.read().currentAliases());
            assertThrows(NoSuchElementException.class, () -> r.resolve(ModelUri.parse("models:/fraud/2")));
            assertThrows(NoSuchElementException.class, () -> r.setAlias("fraud", "x", 7, null, null));
            assertThrows(IllegalArgumentException.class, () -> register(r, RunIds.newId(), a, 0.1));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> register(r, runId, new RunEvent.Artifact("m", "0".repeat(64), 1, null, false), 0.1));
        }
    }

    @Test
    void aMoveRightAfterAnotherWinsEvenInTheSameMillisecond(TestInfo info) throws Exception {
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud");
            RunEvent.Artifact a = blob(store, "weights");
            register(r, runId, a, 0.9);
            register(r, runId, a, 0.95);
            // an event keyed an hour ahead, as a writer whose clock runs fast (or one in this millisecond) leaves it
            String ahead =
                    RunIds.floorOf(System.currentTimeMillis() + 3_600_000).substring(0, 10) + "zzzz" + "0".repeat(12);
            store.putIfAbsent(
                    Layout.aliasEvent("fraud", "champion", ahead),
                    Json.write(new AliasEvent(
                            FormatVersion.CURRENT,
                            AliasEvent.KIND,
                            "fraud",
                            "champion",
                            1L,
                            null,
                            null,
                            null,
                            "fast",
                            System.currentTimeMillis())));
            for (int i = 0; i < 20; i++) {
                long version = 1 + i % 2;
                r.setAlias("fraud", "champion", version, null, null);
                assertEquals(
                        version,
                        r.currentAlias("fraud", "champion").orElseThrow().version());
                assertEquals(version, r.read().currentAliases().get(0).version());
                r.setAlias("fraud", "staging", version, null, null);
                r.removeAlias("fraud", "staging", null);
                assertTrue(r.currentAlias("fraud", "staging").isEmpty(), "removed right after it was set");
            }
            assertEquals(
                    21, r.aliasHistory("fraud", "champion", new ArrayList<>()).size());
        }
    }

    @Test
    void corruptRegistryObjectsAreSkippedWithAProblem(TestInfo info) throws Exception {
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud");
            register(r, runId, blob(store, "weights"), 0.9);
            store.putIfAbsent(Layout.modelVersion("fraud", 2), "{not json".getBytes(StandardCharsets.UTF_8));
            ModelVersion three = register(r, runId, blob(store, "weights"), 0.9);
            assertEquals(3, three.version()); // the corrupt object still holds its number
            // a version whose fields disagree with its key
            byte[] v3 = store.get(Layout.modelVersion("fraud", 3)).orElseThrow();
            store.putIfAbsent(Layout.modelVersion("fraud", 4), v3);
            store.putIfAbsent(Layout.MODELS + "fraud/versions/7.json", v3);
            store.putIfAbsent(
                    Layout.aliasEvent("fraud", "champion", RunIds.newId()),
                    "{\"format_version\":1,\"kind\":\"model_alias\",\"model\":\"other\",\"alias\":\"champion\"}"
                            .getBytes(StandardCharsets.UTF_8));
            RegistryContents all = r.read();
            assertEquals(
                    List.of(1L, 3L),
                    all.versions().stream().map(ModelVersion::version).toList());
            assertEquals(4, all.problems().size(), all.problems().toString());
            assertTrue(
                    all.problems().get(0).contains(Layout.aliasEventsPrefix("fraud", "champion")),
                    all.problems().toString());
            assertFalse(all.problems().stream().anyMatch(p -> p.contains("versions/0000000001")));
            assertEquals(List.of(), all.currentAliases());
            assertThrows(IllegalStateException.class, () -> r.resolve(ModelUri.parse("models:/fraud/2")));
        }
    }

    @Test
    void artifactBytesAreCheckedAgainstTheRegisteredHash(TestInfo info, @TempDir Path dir) throws Exception {
        try (ObjectStore store = open(info)) {
            ModelRegistry r = new ModelRegistry(store, "me");
            String runId = run(store, "fraud");
            ModelVersion good = register(r, runId, blob(store, "good weights"), 0.9);
            assertEquals("good weights", new String(r.readArtifact(good), StandardCharsets.UTF_8));
            Path file = dir.resolve("out/model.bin");
            r.downloadArtifact(good, file);
            assertEquals("good weights", Files.readString(file));

            // a blob whose bytes are not those its key names (written by hand): neither returned nor downloaded
            RunEvent.Artifact claimed = blob(store, "claimed");
            store.putIfAbsent(Layout.artifactBlob(sha("tampered")), "other bytes".getBytes(StandardCharsets.UTF_8));
            ModelVersion bad = register(r, runId, new RunEvent.Artifact("m", sha("tampered"), 8, null, false), 0.9);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.readArtifact(bad));
            assertTrue(e.getMessage().contains("not the registered"), e.getMessage());
            Path other = dir.resolve("other.bin");
            assertThrows(IllegalStateException.class, () -> r.downloadArtifact(bad, other));
            assertFalse(Files.exists(other));
            assertEquals(claimed.sha256(), sha("claimed"));

            ModelVersion ref = r.registerVersion(new ModelRegistry.NewVersion(
                    "fraud",
                    runId,
                    new RunEvent.Artifact("big", null, 0, "s3://elsewhere/m.bin", true),
                    null,
                    null,
                    null));
            assertThrows(IllegalStateException.class, () -> r.readArtifact(ref));
            ModelLineage lineage = r.lineage(ref);
            assertEquals(1, lineage.problems().size(), lineage.problems().toString()); // this run has no start manifest
            assertEquals(Map.of(), lineage.code());
        }
    }

    private static String sha(String content) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> keys(ObjectStore store) {
        return store.list("").stream().map(ObjectInfo::key).toList();
    }
}
