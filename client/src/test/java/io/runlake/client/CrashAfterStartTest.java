package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunStart;
import io.runlake.format.SharedEnvironment;
import io.runlake.store.FileObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that dies right after {@code start()} returns loses nothing of the start, even though start() no longer
 * waits for the store: the next tracker on the store uploads it from the start journal (FORMAT.md §10.1).
 */
class CrashAfterStartTest {
    @TempDir
    Path tmp;

    @Test
    void aRunStartSurvivesTheDeathOfItsProcess() throws Exception {
        Path lake = tmp.resolve("lake");
        Path spill = tmp.resolve("spill");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashAfterStartChild.class.getName(),
                        lake.toString(),
                        spill.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String runId = null;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RUN ")) runId = line.substring(4);
            }
        } finally {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child still running: start() waited for the store");
            child.destroyForcibly();
        }
        assertNotNull(runId, "the child never returned from start()");
        assertEquals(137, child.exitValue());
        String startKey = Layout.startManifest("crashed", runId);
        try (FileObjectStore store = new FileObjectStore(lake)) {
            assertTrue(store.get(startKey).isEmpty(), "the hanging store took the start: the test proves nothing");
        }

        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
        try (Tracker next = Tracker.open(lake.toUri(), options)) {
            assertEquals(0, next.pushSpill());
        }
        try (FileObjectStore store = new FileObjectStore(lake)) {
            RunStart start = FormatVersion.readJson(store.get(startKey).orElseThrow(), RunStart.class, startKey);
            assertEquals(0.1, start.params().get("lr"));
            RunIdPointer pointer = FormatVersion.readJson(
                    store.get(Layout.runIdPointer(runId)).orElseThrow(), RunIdPointer.class, "pointer");
            assertEquals("crashed", pointer.experiment());
            // the shared environment it names came through the journal as well
            Map<String, Object> env = SharedEnvironment.resolve(start.environment(), store::get);
            assertEquals(System.getProperty("java.version"), env.get("java_version"));
            assertTrue(env.containsKey("libraries"), env.keySet().toString());
        }
    }
}
