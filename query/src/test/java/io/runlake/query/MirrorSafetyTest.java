package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Layout;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.ForwardingStore;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 mirror (query cache and {@code runlake sync}) never writes outside its folder, whatever keys the
 * bucket lists; one bad key is skipped with a warning and everything else still syncs. Local copies are private.
 */
class MirrorSafetyTest {
    @TempDir
    Path tmp;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureWarnings() {
        log.start();
        ((Logger) LoggerFactory.getLogger(Mirror.class)).addAppender(log);
    }

    @AfterEach
    void stopCapture() {
        ((Logger) LoggerFactory.getLogger(Mirror.class)).detachAppender(log);
    }

    private List<String> warnings() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** A bucket with one finished run; returns its RunLake URI. */
    private URI bucketWithARun(String bucket) {
        URI uri = S3ProxyServer.shared().newBucketUri(bucket, "lake");
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            Run r = t.startRun("e");
            r.log("loss", 1.0, 0);
            r.finish();
        }
        return uri;
    }

    private List<Path> filesOutside(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(root) && !p.startsWith(tmp.resolve("spill")))
                    .toList();
        }
    }

    @Test
    void aBackslashKeyInARealBucketIsSkippedAndTheRestSyncs() throws Exception {
        String bucket = "mirror-bs-" + System.nanoTime() % 100000;
        URI uri = bucketWithARun(bucket);
        String bad = "_runlake/..\\..\\..\\escape.txt"; // S3 accepts it; on Windows it would leave the folder
        try (S3Client s3 = S3ProxyServer.shared().client()) {
            s3.putObject(b -> b.bucket(bucket).key("lake/" + bad), RequestBody.fromString("evil"));
            s3.putObject(
                    b -> b.bucket(bucket).key("lake/artifacts/sha256/..\\..\\evil.bin"),
                    RequestBody.fromString("evil"));
        }
        Path folder = tmp.resolve("synced");
        Mirror.Result r = Lake.sync(uri, folder, true, Mirror.Progress.NONE);
        assertEquals(List.of(), filesOutside(folder));
        assertFalse(Files.exists(folder.resolve(bad)), "the unsafe key was written");
        assertTrue(Files.exists(folder.resolve(Layout.FORMAT_MARKER)), "the rest of _runlake/ was synced");
        assertTrue(r.rawObjects().size() >= 3, "start, shard and end of the run: " + r);
        assertTrue(
                warnings().stream()
                        .anyMatch(w -> w.contains("unsafe object key '" + bad + "'") && w.contains("skipped")),
                warnings().toString());
        assertTrue(
                warnings().stream().anyMatch(w -> w.contains("artifacts/sha256/..\\..\\evil.bin")),
                warnings().toString());
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            assertEquals(1, lake.sql("SELECT * FROM runs").size()); // the query cache syncs the same way
        }
        assertEquals(
                List.of(),
                filesOutside(folder).stream()
                        .filter(p -> !p.startsWith(tmp.resolve("cache")))
                        .toList());
    }

    /** A real S3 bucket whose listing also returns keys S3Proxy cannot store (S3 itself can: it never normalizes keys). */
    static final class HostileListing extends ForwardingStore {
        static final List<String> EXTRA = List.of(
                "_runlake/../../escape-marker.txt",
                "lake/_log/../../../escape-log.json",
                "artifacts/sha256/../../../../../escape-artifact.bin",
                "_runlake//empty-segment.json",
                "_runlake/./dot.json");
        private final String servedBy;

        HostileListing(ObjectStore real, String servedBy) {
            super(real);
            this.servedBy = servedBy;
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            List<ObjectInfo> out = new ArrayList<>(real.list(prefix));
            ObjectInfo template = real.head(servedBy).orElseThrow();
            for (String k : EXTRA) {
                if (k.startsWith(prefix))
                    out.add(new ObjectInfo(k, template.size(), template.etag(), template.lastModified()));
            }
            out.sort((a, b) -> a.key().compareTo(b.key()));
            return out;
        }

        @Override
        public Optional<ObjectInfo> download(String key, Path target) {
            // what a bucket holding these keys would send: real bytes
            return EXTRA.contains(key) ? real.download(servedBy, target) : real.download(key, target);
        }
    }

    @Test
    void keysWithDotDotFromTheListingNeverLeaveTheFolder() throws Exception {
        URI uri = bucketWithARun("mirror-dd-" + System.nanoTime() % 100000);
        Path root = tmp.resolve("a/b/c/mirror");
        try (ObjectStore real = StoreUris.open(uri);
                ObjectStore hostile = new HostileListing(real, Layout.FORMAT_MARKER)) {
            Mirror.Result r =
                    new Mirror(hostile, root, tmp.resolve("a/b/c/manifest.json"), 4).sync(true, Mirror.Progress.NONE);
            assertTrue(r.rawObjects().size() >= 3, r.toString());
            assertTrue(Files.exists(root.resolve(Layout.FORMAT_MARKER)));
            // a second sync (warm) is just as safe, and deletes nothing outside either
            new Mirror(hostile, root, tmp.resolve("a/b/c/manifest.json"), 4).sync(true, Mirror.Progress.NONE);
        }
        List<Path> outside = filesOutside(root).stream()
                .filter(p -> !p.equals(tmp.resolve("a/b/c/manifest.json")))
                .toList();
        assertEquals(List.of(), outside);
        for (String k : HostileListing.EXTRA) {
            assertTrue(
                    warnings().stream().anyMatch(w -> w.contains("unsafe object key '" + k + "'")),
                    k + ": " + warnings());
        }
    }

    /** Every folder under (and including) {@code root} is 0700 and every file 0600. */
    static void assertPrivateTree(Path root) throws Exception {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String mode =
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!mode.equals(dir ? "rwx------" : "rw-------")) wrong.add(root.relativize(p) + " " + mode);
            }
        }
        assertEquals(List.of(), wrong, "not private under " + root);
    }

    @Test
    void theQueryCacheIsPrivate() throws Exception {
        URI uri = bucketWithARun("mirror-perm-" + System.nanoTime() % 100000);
        Path cacheDir = tmp.resolve("home/.cache/runlake");
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(cacheDir))) {
            assertEquals(1, lake.sql("SELECT * FROM runs").size());
        }
        Path cache = LakeOptions.defaults().withCacheDir(cacheDir).cacheFor(uri.toString());
        assertTrue(Files.exists(cache.resolve("store").resolve(Layout.FORMAT_MARKER)));
        assertTrue(Files.exists(cache.resolve("manifest.json")));
        assertPrivateTree(cache);
        // a cache folder left world-readable (by an older version) is made private on the next open
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(cacheDir))) {
            assertEquals(1, lake.sql("SELECT * FROM runs").size());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    }
}
