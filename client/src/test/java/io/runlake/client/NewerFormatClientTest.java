package io.runlake.client;

import static io.runlake.testing.NewerFormat.NEWER;
import static io.runlake.testing.NewerFormat.assertRefused;
import static io.runlake.testing.NewerFormat.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.NewerFormat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client refuses what a newer RunLake wrote (FORMAT.md §3): a store whose marker is newer, and a run whose
 * pointer or start manifest is newer when joining it. Each refusal names the key and the versions and writes nothing.
 * On the file store and on S3 over HTTP (S3Proxy).
 */
class NewerFormatClientTest {
    @TempDir
    Path tmp;

    private TrackerOptions options() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aStoreWhoseMarkerIsNewerIsRefusedBeforeAnythingIsWritten(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        try (ObjectStore store = StoreUris.open(uri)) {
            store.putIfAbsent(
                    Layout.FORMAT_MARKER,
                    utf8("{\"format_version\":" + NEWER + ",\"created_by\":\"runlake-client 9\","
                            + "\"created_at_ms\":1,\"layout\":{\"runs\":\"r/\"}}"));
            Map<String, String> before = NewerFormat.snapshot(store);
            RuntimeException e = assertThrows(RuntimeException.class, () -> Tracker.open(uri, options()));
            assertRefused(e, Layout.FORMAT_MARKER);
            assertEquals(before, NewerFormat.snapshot(store), "nothing may be written into a store of a newer format");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void joiningARunWhosePointerIsNewerIsRefused(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        try (Tracker tracker = Tracker.open(uri, options())) {
            String runId = RunIds.newId();
            String pointer = Layout.runIdPointer(runId);
            // a future pointer whose fields no longer map onto this version's (experiment became an object)
            tracker.store()
                    .putIfAbsent(
                            pointer,
                            utf8("{\"format_version\":" + NEWER + ",\"experiment\":{\"name\":\"e\",\"id\":7},"
                                    + "\"run_id\":\"" + runId + "\"}"));
            Map<String, String> before = NewerFormat.snapshot(tracker.store());
            RuntimeException e = assertThrows(RuntimeException.class, () -> tracker.joinRun(runId, 1));
            assertRefused(e, pointer);
            assertEquals(before, NewerFormat.snapshot(tracker.store()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void joiningARunWhoseStartManifestIsNewerIsRefused(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        try (Tracker tracker = Tracker.open(uri, options())) {
            String runId = RunIds.newId();
            tracker.store()
                    .putIfAbsent(
                            Layout.runIdPointer(runId),
                            utf8("{\"format_version\":1,\"experiment\":\"e\",\"run_id\":\"" + runId + "\"}"));
            String start = Layout.startManifest("e", runId);
            // reads fine as version 1 (unknown fields are ignored, params are any JSON), but means something else
            tracker.store()
                    .putIfAbsent(
                            start,
                            utf8(
                                    "{\"format_version\":" + NEWER + ",\"kind\":\"run_start\",\"experiment\":\"e\","
                                            + "\"run_id\":\"" + runId
                                            + "\",\"start_time_ms\":1,\"worker\":0,\"writer_id\":\"" + RunIds.newId()
                                            + "\","
                                            + "\"params\":{\"lr\":{\"value\":\"0.1\",\"type\":\"decimal\"}},\"tags\":{},\"environment\":{}}"));
            Map<String, String> before = NewerFormat.snapshot(tracker.store());
            RuntimeException e = assertThrows(RuntimeException.class, () -> tracker.joinRun(runId, 1));
            assertRefused(e, start);
            assertEquals(before, NewerFormat.snapshot(tracker.store()), "no worker manifest may be written");
        }
    }
}
