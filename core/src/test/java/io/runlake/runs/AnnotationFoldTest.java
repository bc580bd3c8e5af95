package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Annotation;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.Lakes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The annotation fold of FORMAT.md §8.4, in Java (runs index) and SQL (query views): same answers. */
class AnnotationFoldTest {
    private static final String EXP = "my exp/v2";
    private static final String RUN = "01m8bn15h9hrhmr3bgeh23h52y";

    private static AnnotationFold.Keyed ann(String id, long t, String kind, String note, Map<String, String> tags) {
        return new AnnotationFold.Keyed(id, new Annotation(1, kind, EXP, RUN, t, "ada", note, tags, null));
    }

    private static Map<String, String> tags(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void javaAndSqlFoldAgree() {
        Map<String, String> own = new TreeMap<>(Map.of("stage", "candidate", "team", "fraud"));
        // same time for the first two: the id breaks the tie; the ids are listed out of order on purpose
        List<AnnotationFold.Keyed> anns = List.of(
                ann("01m8bn15h9hrhmr3bgeh23h530", 1000, Annotation.TAGS, null, tags("stage", "prod")),
                ann("01m8bn15h9hrhmr3bgeh23h52z", 1000, Annotation.TAGS, null, tags("stage", "dev", "x", "1")),
                ann("01m8bn15h9hrhmr3bgeh23h531", 2000, Annotation.NOTE, "first *note*", null),
                ann("01m8bn15h9hrhmr3bgeh23h532", 3000, Annotation.NOTE, "second", null),
                ann("01m8bn15h9hrhmr3bgeh23h533", 4000, Annotation.ARCHIVE, null, null),
                ann("01m8bn15h9hrhmr3bgeh23h534", 5000, Annotation.TAGS, null, tags("team", null)),
                ann("01m8bn15h9hrhmr3bgeh23h535", 6000, "pin", null, null)); // a later revision's kind: ignored
        AnnotationFold.Folded java = AnnotationFold.fold(own, anns);
        assertEquals(Map.of("stage", "prod", "x", "1"), java.tags());
        assertEquals("second", java.note());
        assertTrue(java.archived());

        List<String> rows = new ArrayList<>();
        List<String> tagRows = new ArrayList<>();
        for (AnnotationFold.Keyed k : anns) {
            Annotation a = k.annotation();
            rows.add("('" + a.kind() + "', " + a.timeMs() + "::BIGINT, "
                    + (a.note() == null ? "NULL" : Lakes.lit(a.note())) + ", '" + k.annotationId() + "')");
            if (a.tags() != null) {
                String json = new String(Json.write(a.tags()), StandardCharsets.UTF_8);
                tagRows.add("(" + a.timeMs() + "::BIGINT, '" + k.annotationId() + "', " + Lakes.lit(json) + "::JSON)");
            }
        }
        String anTable = "(VALUES " + String.join(", ", rows) + ") a(kind, time_ms, note, id)";
        List<Object> noteAndArchived = Lakes.query(
                        "SELECT " + AnnotationFold.noteSql() + ", " + AnnotationFold.archivedSql() + " FROM " + anTable)
                .get(0);
        assertEquals(java.note(), noteAndArchived.get(0));
        assertEquals(java.archived(), noteAndArchived.get(1));

        String changes = "(SELECT 'r' AS run_id, j.key, j.value, t.time_ms, t.id FROM (VALUES "
                + String.join(", ", tagRows) + ") t(time_ms, id, tags), json_each(t.tags) j)";
        String sql = "WITH c AS (" + AnnotationFold.tagChangesSql(changes) + "), "
                + "m AS (SELECT map(list(key), list(value->>'$')) AS ch FROM c) "
                + "SELECT " + AnnotationFold.applyTagsSql("MAP {'stage': 'candidate', 'team': 'fraud'}", "m.ch")
                + "::VARCHAR FROM m";
        assertEquals("{stage=prod, x=1}", Lakes.scalar(sql));
        assertEquals(
                "{a=1}",
                Lakes.scalar("SELECT " + AnnotationFold.applyTagsSql("MAP {'a': '1'}", "NULL") + "::VARCHAR"),
                "no changes: the run's own tags");
    }

    @Test
    void laterRestoreUnarchivesAndEmptyNoteClears() {
        AnnotationFold.Folded f = AnnotationFold.fold(
                Map.of(),
                List.of(
                        ann("01m8bn15h9hrhmr3bgeh23h531", 1, Annotation.NOTE, "x", null),
                        ann("01m8bn15h9hrhmr3bgeh23h532", 2, Annotation.ARCHIVE, null, null),
                        ann("01m8bn15h9hrhmr3bgeh23h533", 3, Annotation.RESTORE, null, null),
                        ann("01m8bn15h9hrhmr3bgeh23h534", 4, Annotation.NOTE, "", null)));
        assertFalse(f.archived());
        assertNull(f.note());
    }

    @Test
    void writerPutsOneObjectPerAnnotationUnderTheRunsFolder(@TempDir Path dir) {
        try (FileObjectStore store = new FileObjectStore(dir)) {
            store.putIfAbsent(Layout.runIdPointer(RUN), Json.write(new RunIdPointer(1, EXP, RUN)));
            Clock clock = Clock.fixed(Instant.ofEpochMilli(1_795_687_500_000L), ZoneOffset.UTC);
            Annotations a = Annotations.forRun(store, RUN, "ada", clock);
            String note = a.note("# Baseline\nlr sweep");
            a.tags(tags("stage", "prod"));
            a.archive("demo run");
            List<String> keys =
                    store.list(Layout.ANNOTATIONS).stream().map(i -> i.key()).toList();
            assertEquals(3, keys.size());
            assertTrue(keys.contains(note));
            for (String k : keys) {
                Layout.AnnotationKey parsed = Layout.parseAnnotation(k).orElseThrow();
                assertEquals(EXP, parsed.experiment());
                Annotation read = Annotation.read(store.get(k).orElseThrow(), k, parsed);
                assertEquals("ada", read.author());
                assertTrue(read.timeMs() >= 1_795_687_500_000L && read.timeMs() <= 1_795_687_500_002L);
            }
            List<Long> times = keys.stream()
                    .map(k -> Annotation.read(
                                    store.get(k).orElseThrow(),
                                    k,
                                    Layout.parseAnnotation(k).orElseThrow())
                            .timeMs())
                    .sorted()
                    .toList();
            assertEquals(
                    List.of(1_795_687_500_000L, 1_795_687_500_001L, 1_795_687_500_002L),
                    times,
                    "a stopped clock still gives the writer's annotations their order");
            assertThrows(IllegalArgumentException.class, () -> Annotations.forRun(store, RunIds.newId(), "ada", clock));
        }
    }

    @Test
    void corruptAnnotationsAreMalformedAndNewerOnesRefused() {
        String key = Layout.annotation(EXP, RUN, "01m8bn15h9hrhmr3bgeh23h531");
        Layout.AnnotationKey parsed = Layout.parseAnnotation(key).orElseThrow();
        String good = "{\"format_version\":1,\"kind\":\"note\",\"experiment\":\"my exp/v2\",\"run_id\":\"" + RUN
                + "\",\"time_ms\":1,\"note\":\"n\"}";
        assertEquals(
                "n",
                Annotation.read(good.getBytes(StandardCharsets.UTF_8), key, parsed)
                        .note());
        for (String bad : List.of(
                "{\"format_version\":1,\"kind\":\"note\"",
                good.replace("\"note\":\"n\"", "\"tags\":{\"a\":\"b\"}"),
                good.replace(RUN, "01m8bn15h9hrhmr3bgeh23h52z"),
                good.replace("my exp/v2", "other"),
                good.replace("\"time_ms\":1", "\"time_ms\":-5"),
                good.replace("\"format_version\":1,", ""))) {
            assertThrows(
                    Json.MalformedObjectException.class,
                    () -> Annotation.read(bad.getBytes(StandardCharsets.UTF_8), key, parsed),
                    bad);
        }
        assertThrows(
                FormatVersion.UnsupportedFormatException.class,
                () -> Annotation.read(
                        good.replace("\"format_version\":1", "\"format_version\":2")
                                .getBytes(StandardCharsets.UTF_8),
                        key,
                        parsed));
        assertTrue(Layout.parseAnnotation("annotations/experiment=x/run=" + RUN + "/nope.json")
                .isEmpty());
    }
}
