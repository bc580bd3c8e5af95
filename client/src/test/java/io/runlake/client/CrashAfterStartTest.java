package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.format.RunEnd;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunStart;
import io.runlake.format.SharedEnvironment;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.Lakes;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
        String runId = crashedChild(lake, spill, "start");
        String startKey = Layout.startManifest("crashed", runId);
        try (FileObjectStore store = new FileObjectStore(lake)) {
            assertTrue(store.get(startKey).isEmpty(), "the hanging store took the start: the test proves nothing");
        }

        recover(lake, spill);
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

    /**
     * {@code finish()} on a short run journals its last shard and end manifest behind its start instead of waiting
     * for the store (RELIABILITY.md W3a): a process that dies the instant it returns loses none of it.
     */
    @Test
    void aFinishedRunSurvivesTheDeathOfItsProcessRightAfterFinish() throws Exception {
        Path lake = tmp.resolve("lake");
        Path spill = tmp.resolve("spill");
        String runId = crashedChild(lake, spill, "finish");
        try (FileObjectStore store = new FileObjectStore(lake)) {
            assertTrue(
                    store.list(Layout.runPrefix("crashed", runId)).isEmpty(),
                    "the hanging store took objects of the run: the test proves nothing");
        }
        try (Stream<Path> files = Files.walk(spill)) {
            assertEquals(
                    List.of(),
                    files.filter(Files::isRegularFile)
                            .filter(f -> !f.toString().contains(File.separator + ".starts" + File.separator))
                            .toList(),
                    "finish() waited for the store and spilled instead of journaling");
        }

        recover(lake, spill);
        try (FileObjectStore store = new FileObjectStore(lake)) {
            List<String> keys = store.list(Layout.runPrefix("crashed", runId)).stream()
                    .map(o ->
                            o.key().substring(Layout.runPrefix("crashed", runId).length()))
                    .map(k -> k.replaceAll("[0-9a-hjkmnp-tv-z]{26}", "ID"))
                    .filter(k -> !k.startsWith("events/")) // the code version's event, when the tests run in git
                    .sorted()
                    .toList();
            assertEquals(List.of("end/w00000-ID.json", "metrics/w00000-ID-00000000.parquet", "run.json"), keys);
            String endKey = store.list(Layout.runPrefix("crashed", runId) + "end/")
                    .get(0)
                    .key();
            RunEnd end = FormatVersion.readJson(store.get(endKey).orElseThrow(), RunEnd.class, endKey);
            assertEquals("FINISHED", end.status());
            assertTrue(end.pointsLogged() >= 5, "5 losses and the system metrics readings: " + end.pointsLogged());
            assertEquals(0, end.pointsDropped());
            assertEquals(1, end.shardsWritten());
            // the last points were journaled packed and encoded by the next process: an independent reader reads them
            Path shard = lake.resolve(store.list(Layout.runPrefix("crashed", runId) + "metrics/")
                    .get(0)
                    .key());
            assertEquals(
                    List.of(List.of(5L, 0L, 4L, 2_283_333L)), // 1 + 1/2 + ... + 1/5, in millionths
                    Lakes.query(
                            "SELECT count(*), min(step), max(step), CAST(round(sum(value) * 1e6) AS BIGINT) FROM read_parquet("
                                    + Lakes.lit(shard) + ") WHERE key = 'loss' AND run_id = '" + runId + "'"));
        }
    }

    /** Runs {@link CrashAfterStartChild} to its halt; returns the run id it printed. */
    private static String crashedChild(Path lake, Path spill, String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashAfterStartChild.class.getName(),
                        lake.toString(),
                        spill.toString(),
                        mode)
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
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child still running: " + mode + "() waited for the store");
            child.destroyForcibly();
        }
        assertNotNull(runId, "the child never returned from " + mode + "()");
        assertEquals(137, child.exitValue());
        return runId;
    }

    /** The next tracker on the store uploads what the dead process journaled. */
    private static void recover(Path lake, Path spill) {
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
        try (Tracker next = Tracker.open(lake.toUri(), options)) {
            assertEquals(0, next.pushSpill());
        }
    }
}
