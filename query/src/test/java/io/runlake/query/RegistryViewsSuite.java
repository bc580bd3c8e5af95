package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.ArtifactRef;
import io.runlake.client.Models;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.format.AliasEvent;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.Promotion;
import io.runlake.registry.RegistryContents;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry views (models, model_versions, model_aliases, model_alias_history) over a registry written through
 * the Java API, in the same lake session as runs and in the plain DuckDB SQL of --print-views; subclasses pick file:
 * or S3 (S3Proxy).
 */
abstract class RegistryViewsSuite {
    @TempDir
    Path tmp;

    abstract URI newStore(Path tmp) throws Exception;

    private Lake open(URI uri) {
        return Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")));
    }

    private static final String ALIASES = "SELECT model, alias, version, event_id FROM model_aliases ORDER BY ALL";

    @Test
    void viewsShowTheRegistryWrittenThroughTheApiAndSkipCorruptObjects() throws Exception {
        URI uri = newStore(tmp);
        String first, second;
        ArtifactRef a1;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r1 = t.newRun("fraud").start();
            a1 = r1.logArtifact(Files.writeString(tmp.resolve("m1.bin"), "weights one"), "model.bin");
            r1.finish();
            first = r1.id();
            Run r2 = t.newRun("fraud").start();
            ArtifactRef a2 = r2.logArtifact(Files.writeString(tmp.resolve("m2.bin"), "weights two"), "model.bin");
            r2.finish();
            second = r2.id();
            Models models = t.models();
            models.register("fraud", "card fraud scorer", Map.of("team", "risk"));
            models.registerVersion("fraud", first, a1, Map.of("auc", 0.90), "baseline", Map.of("stage", "old"));
            models.registerVersion("fraud", second, a2, Map.of("auc", 0.95), null, null);
            models.promote("fraud", "champion", 1, "first", Promotion.better("auc"));
            models.promote("fraud", "champion", 2, "beats v1", Promotion.better("auc"));
            models.setAlias("fraud", "staging", 1, null);
            models.removeAlias("fraud", "staging", "retired");
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            // corrupt and foreign objects under models/: skipped and named, never fatal
            store.putIfAbsent("models/fraud/versions/0000000003.json", "{not json".getBytes(StandardCharsets.UTF_8));
            store.putIfAbsent("models/fraud/notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        }
        try (Lake lake = open(uri)) {
            assertEquals(
                    List.of(List.of("fraud", "card fraud scorer", Map.of("team", "risk"))),
                    lake.query("SELECT name, description, tags FROM models").rows());
            assertEquals(
                    List.of(
                            List.of(
                                    1L,
                                    "models:/fraud/1",
                                    first,
                                    "fraud",
                                    "model.bin",
                                    a1.sha256(),
                                    "FINISHED",
                                    "baseline"),
                            List.of(2L, "models:/fraud/2", second, "fraud", "model.bin", "", "FINISHED", "")),
                    lake.query("SELECT version, uri, run_id, experiment, artifact_name,"
                                    + " CASE WHEN version = 1 THEN artifact_sha256 ELSE '' END, run_status,"
                                    + " coalesce(description, '') FROM model_versions ORDER BY version")
                            .rows());
            assertEquals(
                    List.of(List.of("fraud", "champion", 2L)),
                    lake.query("SELECT model, alias, version FROM model_aliases")
                            .rows(),
                    "staging was removed; champion's latest move wins");
            assertEquals(
                    List.of(
                            List.of("champion", "", "1", "first"),
                            List.of("champion", "1", "2", "beats v1"),
                            List.of("staging", "", "1", ""),
                            List.of("staging", "1", "", "retired")),
                    lake.query("SELECT alias, coalesce(previous_version::VARCHAR, ''), coalesce(version::VARCHAR, ''),"
                                    + " coalesce(reason, '') FROM model_alias_history ORDER BY alias, event_id")
                            .rows());
            assertTrue(String.valueOf(lake.query("SELECT condition_result FROM model_alias_history WHERE version = 2")
                            .get(0, "condition_result"))
                    .startsWith("better: auc 0.95 vs 0.9"));
            // --print-views over a synced copy, and FORMAT.md §16.6's plain query, give the same current aliases
            Path copy = tmp.resolve("copy");
            Lake.sync(uri, copy, false, Mirror.Progress.NONE);
            assertEquals(lake.query(ALIASES).rows(), plainDuckDb(copy, ALIASES));
            List<SpecExamplesTest.Block> spec = SpecExamplesTest.blocks("FORMAT.md").stream()
                    .filter(b -> b.language().equals("sql") && b.text().contains("'models/"))
                    .toList();
            assertEquals(1, spec.size());
            String specSql = spec.get(0).text().replace("'models/", "'" + copy.resolve("models") + "/");
            assertEquals(
                    List.of(List.of("fraud", "champion", 2L)),
                    plainDuckDb(copy, specSql.strip().replaceAll(";$", "")));
            List<String> problems = lake.problems();
            assertTrue(
                    problems.stream().anyMatch(p -> p.contains("models/fraud/versions/0000000003.json")),
                    problems.toString());
            assertTrue(problems.stream().anyMatch(p -> p.contains("models/fraud/notes.txt")), problems.toString());
        }
    }

    /**
     * "The latest alias event wins" is the greatest event id (FORMAT.md §16.4), not the latest time: events whose
     * times run backwards, and a corrupt newest event, must give the same current aliases in Java and in SQL.
     */
    @Test
    void javaAndSqlAgreeOnTheCurrentAliases() throws Exception {
        URI uri = newStore(tmp);
        ArtifactRef a;
        String run;
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run r = t.newRun("e").start();
            a = r.logArtifact(Files.writeString(tmp.resolve("m.bin"), "w"), "m.bin");
            r.finish();
            run = r.id();
            for (int i = 0; i < 3; i++) t.models().registerVersion("m", run, a, Map.of(), null, null);
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) ids.add(RunIds.newId());
            ids.sort(null);
            long now = System.currentTimeMillis();
            // "a": times decrease as ids increase, so a rule by time would pick version 1, by key version 3
            for (int i = 0; i < 3; i++) {
                store.putIfAbsent(
                        Layout.aliasEvent("m", "a", ids.get(i)), Json.write(event("a", 1L + i, now - i * 1000L)));
            }
            // "b": the newest key is corrupt, so the one before it (version 2) wins
            store.putIfAbsent(Layout.aliasEvent("m", "b", ids.get(3)), Json.write(event("b", 2L, now)));
            store.putIfAbsent(Layout.aliasEvent("m", "b", ids.get(4)), "{\"kind\": 7".getBytes(StandardCharsets.UTF_8));
            // "c": moved to 3, then removed
            store.putIfAbsent(Layout.aliasEvent("m", "c", ids.get(0)), Json.write(event("c", 3L, now)));
            store.putIfAbsent(Layout.aliasEvent("m", "c", ids.get(5)), Json.write(event("c", null, now - 5000)));
            RegistryContents contents = new ModelRegistry(store, "test").read();
            List<List<Object>> java = new ArrayList<>();
            for (AliasEvent e : contents.currentAliases()) java.add(List.of(e.model(), e.alias(), e.version()));
            assertEquals(List.of(List.of("m", "a", 3L), List.of("m", "b", 2L)), java);
            try (Lake lake = open(uri)) {
                List<List<Object>> sql = lake.query("SELECT model, alias, version FROM model_aliases ORDER BY ALL")
                        .rows();
                assertEquals(java, sql, "Java (RegistryContents) and SQL (model_aliases) pick the same events");
                assertTrue(
                        lake.problems().stream().anyMatch(p -> p.contains(ids.get(4))),
                        lake.problems().toString());
                // the plain DuckDB SQL of --print-views skips the corrupt event too
                Path copy = tmp.resolve("copy");
                Lake.sync(uri, copy, false, Mirror.Progress.NONE);
                assertEquals(lake.query(ALIASES).rows(), plainDuckDb(copy, ALIASES));
            }
        }
    }

    private static AliasEvent event(String alias, Long version, long timeMs) {
        return new AliasEvent(
                FormatVersion.CURRENT, AliasEvent.KIND, "m", alias, version, null, null, null, "t", timeMs);
    }

    private static List<List<Object>> plainDuckDb(Path folder, String query) throws Exception {
        String script = Lake.viewDefinitions(folder);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            for (String s : script.split(";\n")) if (!s.isBlank()) st.execute(s);
            try (ResultSet rs = st.executeQuery(query)) {
                return Lakes.rows(rs);
            }
        }
    }
}
