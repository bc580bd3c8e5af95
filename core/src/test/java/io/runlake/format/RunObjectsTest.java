package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one validation of JSON objects under runs/ (FORMAT.md §11). */
class RunObjectsTest {
    private static final String RUN = "01aaaaaaaaaaaaaaaaaaaaaaaa", W = "01bbbbbbbbbbbbbbbbbbbbbbbb";

    private static String end(String experiment, String kind) {
        return "{\"format_version\":1,\"kind\":\"" + kind + "\",\"experiment\":\"" + experiment
                + "\",\"run_id\":\"" + RUN + "\",\"worker\":0,\"writer_id\":\"" + W
                + "\",\"status\":\"FINISHED\",\"end_time_ms\":1795687487395,"
                + "\"points_logged\":0,\"points_dropped\":0,\"shards_written\":0}";
    }

    private static String problem(String key, String json) {
        Layout.RunObject ro = Layout.parseRunObject(key).orElseThrow();
        return assertThrows(
                        Json.MalformedObjectException.class,
                        () -> RunObjects.read(json.getBytes(StandardCharsets.UTF_8), key, ro))
                .problem();
    }

    @Test
    void aValidObjectIsReadAsItsKind() {
        String key = Layout.endManifest("e/x", RUN, 0, W);
        byte[] bytes = end("e/x", RunEnd.KIND).getBytes(StandardCharsets.UTF_8);
        Object v = RunObjects.read(bytes, key, Layout.parseRunObject(key).get());
        assertInstanceOf(RunEnd.class, v);
    }

    @Test
    void anObjectOfAnotherExperimentKindOrShapeIsMalformed() {
        String key = Layout.endManifest("e/x", RUN, 0, W);
        assertEquals("experiment is 'other' but the key says 'e/x'", problem(key, end("other", RunEnd.KIND)));
        assertEquals("kind is 'run_start', expected 'run_end'", problem(key, end("e/x", RunStart.KIND)));
        assertEquals(true, problem(key, "{\"format_version\":1,").startsWith("not valid JSON for its kind ("));
    }

    @Test
    void aNewerObjectIsRefusedNotMalformed() {
        String key = Layout.endManifest("e", RUN, 0, W);
        String newer = end("e", RunEnd.KIND).replace("\"format_version\":1", "\"format_version\":99");
        assertThrows(
                FormatVersion.UnsupportedFormatException.class,
                () -> RunObjects.read(
                        newer.getBytes(StandardCharsets.UTF_8),
                        key,
                        Layout.parseRunObject(key).get()));
    }
}
