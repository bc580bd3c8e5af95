package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.internal.CodeVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStart;
import io.runlake.format.SharedEnvironment;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code, data and environment capture (issue 5), on the file store, read back from the bucket layout. */
class ReproducibilityTest {
    @TempDir
    Path tmp;

    @AfterEach
    void resetCodeDir() {
        System.clearProperty(Tracker.CODE_DIR_PROPERTY);
    }

    private TrackerOptions options() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(100))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    private static String git(Path dir, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + out);
        return out;
    }

    /** An empty git repository with a committer set. */
    private Path newRepo(String name) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve(name));
        git(repo, "init", "-q", "-b", "main");
        git(repo, "config", "user.email", "t@example.com");
        git(repo, "config", "user.name", "t");
        return repo;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void dirtyCheckoutRecordsCommitRemoteAndDiff() throws Exception {
        Path repo = newRepo("repo");
        git(repo, "remote", "add", "origin", "https://alice:s3cret-token@git.example.com/team/model.git");
        Files.writeString(repo.resolve("train.py"), "lr = 0.1\n");
        git(repo, "add", "train.py");
        git(repo, "commit", "-q", "-m", "init");
        Files.writeString(repo.resolve("train.py"), "lr = 0.01\n");
        Files.writeString(repo.resolve("notes.txt"), "untracked\n");
        String head = git(repo, "rev-parse", "HEAD");
        String expectedDiff = git(repo, "diff", "HEAD", "--binary");
        System.setProperty(Tracker.CODE_DIR_PROPERTY, repo.toString());

        Path lake = tmp.resolve("lake");
        String runId;
        try (Tracker tracker = Tracker.open(lake.toUri(), options());
                Run run = tracker.startRun("repro")) {
            runId = run.id();
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            RunStart start =
                    Json.read(store.get(Layout.startManifest("repro", runId)).orElseThrow(), RunStart.class, "start");
            Map<String, Object> code = start.code();
            assertEquals(head, code.get("git_commit"));
            assertEquals("main", code.get("git_branch"));
            assertEquals("https://git.example.com/team/model.git", code.get("git_remote"));
            assertFalse(String.valueOf(code).contains("s3cret"), "credentials leaked: " + code);
            assertEquals(true, code.get("git_dirty"));
            assertEquals(List.of("notes.txt"), code.get("git_untracked"));
            String diffSha = (String) code.get("git_diff_sha256");
            byte[] stored = store.get(Layout.artifactBlob(diffSha)).orElseThrow();
            assertEquals(expectedDiff, new String(stored, StandardCharsets.UTF_8).strip());
            assertTrue(new String(stored, StandardCharsets.UTF_8).contains("+lr = 0.01"));
        }
    }

    @Test
    void gitRunsOncePerProcessAndEnvironmentIsStoredOnce() throws Exception {
        Path repo = newRepo("once");
        Files.writeString(repo.resolve("train.py"), "lr = 0.1\n");
        git(repo, "add", "train.py");
        git(repo, "commit", "-q", "-m", "init");
        Files.writeString(repo.resolve("train.py"), "lr = 0.2\n"); // dirty: the diff is stored once too
        System.setProperty(Tracker.CODE_DIR_PROPERTY, repo.toString());
        Path lake = tmp.resolve("lake");
        List<String> runs = new ArrayList<>();
        long gitCallsAfterFirstRun = -1;
        for (int tracker = 0; tracker < 2; tracker++) {
            try (Tracker t = Tracker.open(lake.toUri(), options())) {
                for (int i = 0; i < 3; i++) {
                    try (Run run = t.startRun("once")) {
                        runs.add(run.id());
                    }
                    if (gitCallsAfterFirstRun < 0) gitCallsAfterFirstRun = CodeVersion.gitCalls();
                }
            }
        }
        assertEquals(gitCallsAfterFirstRun, CodeVersion.gitCalls(), "git ran again for a later run of this process");
        try (FileObjectStore store = new FileObjectStore(lake)) {
            assertEquals(1, store.list(Layout.ENVIRONMENTS).size(), "one environment object for one process");
            Object diffSha = null;
            for (String runId : runs) {
                RunStart start = Json.read(
                        store.get(Layout.startManifest("once", runId)).orElseThrow(), RunStart.class, "start");
                assertEquals(true, start.code().get("git_dirty"));
                if (diffSha == null) diffSha = start.code().get("git_diff_sha256");
                assertEquals(diffSha, start.code().get("git_diff_sha256"));
                assertEquals(
                        Layout.environment((String) start.environment().get(SharedEnvironment.REF_KEY)),
                        store.list(Layout.ENVIRONMENTS).get(0).key());
            }
            assertTrue(store.get(Layout.artifactBlob((String) diffSha)).isPresent());
        }
    }

    @Test
    void outsideGitTheCodeVersionIsUnknownNotAnError() throws Exception {
        Path notRepo = Files.createDirectories(tmp.resolve("plain"));
        System.setProperty(Tracker.CODE_DIR_PROPERTY, notRepo.toString());
        Path lake = tmp.resolve("lake");
        String runId;
        try (Tracker tracker = Tracker.open(lake.toUri(), options());
                Run run = tracker.startRun("repro")) {
            runId = run.id();
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            RunStart start =
                    Json.read(store.get(Layout.startManifest("repro", runId)).orElseThrow(), RunStart.class, "start");
            assertNull(start.code().get("git_commit"));
            assertNotNull(start.code().get("git_status"));
        }
    }

    @Test
    void dataInputsAreIdentifiedByContent() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
        Files.createDirectories(data.resolve("images"));
        Files.write(data.resolve("images/a.bin"), new byte[] {1, 2, 3});
        Path lake = tmp.resolve("lake");
        RunEvent.Input file;
        RunEvent.Input folder;
        String runId;
        try (Tracker tracker = Tracker.open(lake.toUri(), options());
                Run run = tracker.startRun("data")) {
            runId = run.id();
            file = run.logInput("train", data.resolve("train.csv").toString(), "train");
            folder = run.logInput("all", data.toString());
            IllegalArgumentException missing = assertThrows(
                    IllegalArgumentException.class,
                    () -> run.logInput("test", tmp.resolve("nope.csv").toString(), "test"));
            assertTrue(
                    missing.getMessage().contains("'test'")
                            && missing.getMessage().contains("does not exist"),
                    missing.getMessage());
        }
        assertEquals(sha256("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8)), file.sha256());
        assertEquals(8, file.size());
        String listing = sha256(new byte[] {1, 2, 3}) + "  images/a.bin\n"
                + sha256("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8)) + "  train.csv\n";
        assertEquals(sha256(listing.getBytes(StandardCharsets.UTF_8)), folder.sha256());
        assertEquals(2, folder.files());
        List<List<Object>> rows = query("select input.name, input.role, input.sha256 from read_json("
                + lit(lake.resolve(Layout.runPrefix("data", runId) + "events/*.json"))
                + ", union_by_name=true) where kind = 'input' order by 1");
        assertEquals(
                List.of(
                        Arrays.asList("all", null, folder.sha256()).toString(),
                        List.of("train", "train", file.sha256()).toString()),
                rows.stream().map(Object::toString).toList());
    }

    @Test
    void s3InputsUseEtagsWithoutDownloading() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        URI bucket = s3.newBucketUri("datasets-" + System.nanoTime(), "");
        try (S3ObjectStoreAccess access = new S3ObjectStoreAccess(bucket)) {
            access.store.putIfAbsent("imagenet/part-0", new byte[1000]);
            access.store.putIfAbsent("imagenet/part-1", new byte[500]);
        }
        String base = "s3://" + bucket.getHost() + "/imagenet";
        String query = "?endpoint=" + s3.endpoint() + "&path_style=true&region=us-east-1";
        try (Tracker tracker = Tracker.open(tmp.resolve("lake").toUri(), options());
                Run run = tracker.startRun("data")) {
            RunEvent.Input object = run.logInput("part0", base + "/part-0" + query, "train");
            assertEquals(1000, object.size());
            assertNotNull(object.etag());
            RunEvent.Input prefix = run.logInput("imagenet", base + "/" + query, "train");
            assertEquals(1500, prefix.size());
            assertEquals(2, prefix.files());
            assertTrue(prefix.etag().startsWith("listing-sha256:"));
            assertThrows(IllegalArgumentException.class, () -> run.logInput("x", base + "/missing/" + query));
        }
    }

    /** Opens the S3 store for a bucket URI (test helper). */
    private static final class S3ObjectStoreAccess implements AutoCloseable {
        final ObjectStore store;

        S3ObjectStoreAccess(URI uri) {
            store = StoreUris.open(uri);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void environmentAndSeedAreInEveryRun() throws Exception {
        Path lake = tmp.resolve("lake");
        String runId;
        try (Tracker tracker = Tracker.open(lake.toUri(), options());
                Run run = tracker.newRun("env").seed(42).start()) {
            runId = run.id();
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            RunStart start =
                    Json.read(store.get(Layout.startManifest("env", runId)).orElseThrow(), RunStart.class, "start");
            // the shared part is stored once, content-addressed, and named by its hash (FORMAT.md §7.9)
            assertNull(start.environment().get("libraries"), "the library list is not repeated in every run");
            Map<String, Object> env = SharedEnvironment.resolve(start.environment(), store::get);
            assertEquals(System.getProperty("user.name"), env.get("user"));
            assertEquals(42, ((Number) start.params().get("seed")).intValue());
            assertEquals(System.getProperty("java.version"), env.get("java_version"));
            assertNotNull(env.get("cpu_model"));
            assertTrue(((Number) env.get("memory_total_bytes")).longValue() > 0);
            assertTrue(env.get("gpus") instanceof List);
            @SuppressWarnings("unchecked")
            List<String> libs = (List<String>) env.get("libraries");
            assertTrue(
                    libs.stream()
                            .anyMatch(l -> l.startsWith("org.apache.parquet:parquet-hadoop:")
                                    || l.startsWith("parquet-hadoop-")),
                    "parquet-hadoop missing from " + libs);
        }
    }

    @Test
    void systemMetricsAreSampledInTheBackground() throws Exception {
        Path lake = tmp.resolve("lake");
        String runId;
        try (Tracker tracker = Tracker.open(lake.toUri(), options().withSystemMetricsInterval(Duration.ofMillis(100)));
                Run run = tracker.startRun("sys")) {
            runId = run.id();
            Thread.sleep(800);
        }
        List<List<Object>> rows = query("select key, count(*) from read_parquet("
                + lit(lake.resolve(Layout.runPrefix("sys", runId) + "metrics/*.parquet"))
                + ") group by key order by key");
        List<String> keys = rows.stream().map(r -> (String) r.get(0)).toList();
        assertTrue(
                keys.containsAll(List.of(
                        "system/cpu_utilization",
                        "system/memory_used_bytes",
                        "system/jvm_heap_used_bytes",
                        "system/process_rss_bytes")),
                keys.toString());
        assertTrue(((Number) rows.get(keys.indexOf("system/cpu_utilization")).get(1)).intValue() >= 3);
    }

    @Test
    void configFilesBecomeParamsAndAnArtifact() throws Exception {
        Path cfg = tmp.resolve("train.yaml");
        Files.writeString(
                cfg, "optimizer:\n  name: adam\n  lr: 0.001\nlayers:\n  - units: 64\n  - units: 32\nshuffle: true\n");
        Path lake = tmp.resolve("lake");
        try (Tracker tracker = Tracker.open(lake.toUri(), options());
                Run run = tracker.startRun("cfg")) {
            Map<String, Object> params = run.logConfig(cfg);
            assertEquals(
                    Map.of(
                            "optimizer.name",
                            "adam",
                            "optimizer.lr",
                            0.001,
                            "layers.0.units",
                            64L,
                            "layers.1.units",
                            32L,
                            "shuffle",
                            true),
                    params);
            Path bad = tmp.resolve("bad.yaml");
            Files.writeString(bad, "a: [1, 2\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.logConfig(bad));
            assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("not valid"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> run.logConfig(tmp.resolve("missing.yaml")));
            // conflicting re-definition of a logged param is refused
            Path other = tmp.resolve("other.json");
            Files.writeString(other, "{\"optimizer\": {\"lr\": 0.1}}");
            assertThrows(IllegalArgumentException.class, () -> run.logConfig(other));
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            byte[] blob = store.get(Layout.artifactBlob(sha256(Files.readAllBytes(cfg))))
                    .orElseThrow();
            assertArrayEquals(Files.readAllBytes(cfg), blob);
        }
    }
}
