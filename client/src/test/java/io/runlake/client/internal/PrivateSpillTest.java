package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.store.UnsafeKeyException;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spill folder is the user's alone, and spilled keys never leave it. */
class PrivateSpillTest {
    @TempDir
    Path tmp;

    /** Every folder under (and including) {@code root} is 0700 and every file 0600. */
    static void assertPrivateTree(Path root) throws Exception {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String mode =
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!dir) files++;
                if (!mode.equals(dir ? "rwx------" : "rw-------")) wrong.add(root.relativize(p) + " " + mode);
            }
        }
        assertEquals(List.of(), wrong, "not private under " + root);
        assertTrue(files > 0, "no files under " + root);
    }

    @Test
    void spillDuringARealOutageIsPrivate() throws Exception {
        S3ProxyServer server = S3ProxyServer.startNew();
        URI uri = server.newBucketUri("private-spill", "lake");
        Path spillRoot = tmp.resolve("home/.runlake/spill");
        Path artifact = Files.writeString(tmp.resolve("model.bin"), "weights");
        try (Tracker tracker = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withSpillRoot(spillRoot)
                        .withFlushInterval(Duration.ofMinutes(10))
                        .withCloseTimeout(Duration.ofSeconds(5))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            Run run = tracker.startRun("outage");
            server.stop(); // the store is gone: everything from here on is spilled
            for (int i = 0; i < 1000; i++) run.log("loss", 1.0 / (i + 1), i);
            run.setTag("during", "outage");
            run.logArtifact(artifact, "model.bin");
            run.flush();
            run.finish();
            Spill spill = new Spill(spillRoot, uri.toString());
            assertFalse(spill.isEmpty(), "nothing was spilled");
            assertPrivateTree(spill.dir());
            // artifacts are hashed in a private staging folder next to it
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spill.stagingDir())));
        } finally {
            server.close();
        }
    }

    @Test
    void aSpilledKeyCannotLeaveTheSpillFolder() throws Exception {
        Spill spill = new Spill(tmp.resolve("spill"), "s3://bucket/x");
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        for (String key : List.of("../../escape.txt", "/tmp/escape.txt", "runs/../../../escape.txt", "runs//x", "")) {
            UnsafeKeyException e = assertThrows(UnsafeKeyException.class, () -> spill.put(key, data), key);
            assertTrue(e.getMessage().startsWith("unsafe object key '" + key + "'"), e.getMessage());
            Path f = Files.writeString(tmp.resolve("f.bin"), "f");
            assertThrows(UnsafeKeyException.class, () -> spill.putFile(key, f), key);
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(
                    List.of(tmp.resolve("f.bin")),
                    s.filter(Files::isRegularFile).toList());
        }
        spill.put("runs/experiment=e/run=r/run.json", data);
        assertPrivateTree(spill.dir());
    }
}
