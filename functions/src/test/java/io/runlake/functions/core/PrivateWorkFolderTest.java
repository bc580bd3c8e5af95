package io.runlake.functions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction's local copies are private to the user, in a work folder of that user's own by default. */
class PrivateWorkFolderTest {
    static final String EXPERIMENT = "private";

    @TempDir
    Path tmp;

    private URI storeWithShards() {
        URI uri = S3ProxyServer.shared().newBucketUri("work-" + System.nanoTime() % 1_000_000, "lake");
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO)
                        .withFlushInterval(Duration.ofMinutes(10)))) {
            Run r = t.startRun(EXPERIMENT);
            for (int shard = 0; shard < 3; shard++) {
                for (int i = 0; i < 100; i++) r.log("loss", 1.0 / (i + 1), shard * 100L + i);
                r.flush();
            }
            r.finish();
        }
        return uri;
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Folders (and, unless {@code foldersOnly}, files) under {@code root} that are not 0700 / 0600. */
    private static List<String> notPrivate(Path root, boolean foldersOnly) throws Exception {
        return notPrivate(root, foldersOnly, Set.of());
    }

    /** As above, ignoring what other programs of this user (e.g. the demo's data) left in {@code others}. */
    private static List<String> notPrivate(Path root, boolean foldersOnly, Set<Path> others) throws Exception {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!p.equals(root)
                        && others.contains(root.resolve(root.relativize(p).getName(0)))) continue;
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!dir && foldersOnly) continue;
                if (!mode(p).equals(dir ? "rwx------" : "rw-------")) wrong.add(root.relativize(p) + " " + mode(p));
            }
        }
        return wrong;
    }

    @Test
    void theDefaultWorkFolderIsPerUserAndEverythingInItIsPrivate() throws Exception {
        Path expected = Path.of(
                System.getProperty("java.io.tmpdir"),
                "runlake-" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_"));
        assertEquals(expected, CompactorOptions.defaults().workDir());
        assertEquals(expected, IndexerOptions.defaults().workDir());
        assertEquals(expected, ReporterOptions.defaults().workDir());
        // left world-writable (e.g. by hand): made private again before anything is written into it
        Files.createDirectories(expected);
        Files.setPosixFilePermissions(expected, PosixFilePermissions.fromString("rwxrwxrwx"));

        Set<Path> others;
        try (Stream<Path> s = Files.list(expected)) {
            others = s.collect(Collectors.toSet());
        }
        URI uri = storeWithShards();
        List<String> atDownload = new ArrayList<>();
        List<String> atWritten = new ArrayList<>();
        List<Integer> copies = new ArrayList<>();
        CompactorOptions o = CompactorOptions.defaults().withMemory("256MB", 2).withHook(step -> {
            try {
                if (step.equals("downloaded")) {
                    atDownload.add(mode(expected));
                    atDownload.addAll(notPrivate(expected, false, others));
                    try (Stream<Path> s = Files.walk(expected)) {
                        copies.add((int) s.filter(Files::isRegularFile).count());
                    }
                }
                if (step.equals("written")) atWritten.addAll(notPrivate(expected, true, others));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (ObjectStore store = StoreUris.open(uri)) {
            Compactor.Result r = new Compactor(store, o).compact(EXPERIMENT);
            assertEquals(300, r.pointsCompacted(), r.toString());
        }
        assertEquals(List.of("rwx------"), atDownload, "downloaded shards must be 0600 in 0700 folders");
        assertTrue(copies.get(0) >= 3, "the shards were downloaded: " + copies);
        assertEquals(List.of(), atWritten, "DuckDB's output and spill folders must be 0700");
        assertEquals("rwx------", mode(expected));
    }

    @Test
    void aConfiguredWorkFolderIsLeftAsItIsButWhatRunLakeCreatesInItIsPrivate() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        URI uri = storeWithShards();
        List<String> atDownload = new ArrayList<>();
        CompactorOptions o = CompactorOptions.defaults()
                .withWorkDir(shared.resolve("runlake/work"))
                .withMemory("256MB", 2)
                .withHook(step -> {
                    try {
                        if (step.equals("downloaded")) atDownload.addAll(notPrivate(shared.resolve("runlake"), false));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        try (ObjectStore store = StoreUris.open(uri)) {
            assertEquals(300, new Compactor(store, o).compact(EXPERIMENT).pointsCompacted());
        }
        assertEquals(List.of(), atDownload);
        assertEquals("rwxrwxrwx", mode(shared), "a folder RunLake did not create keeps its mode");
    }
}
