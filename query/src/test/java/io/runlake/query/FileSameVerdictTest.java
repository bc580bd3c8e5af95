package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.Quarantined;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query side and the indexer judge the same bad JSON objects the same way (FORMAT.md §11): each object the
 * views skip is the one the indexer quarantines, for the same stated problem, and the run they were under reads
 * the same on both sides. An object whose {@code experiment} field names another experiment is corrupt for both.
 */
class FileSameVerdictTest {
    private static final String W = "01aaaaaaaaaaaaaaaaaaaaaaaa", W2 = "01bbbbbbbbbbbbbbbbbbbbbbbb";

    @Test
    void theViewsSkipExactlyWhatTheIndexerQuarantinesForTheSameReason(@TempDir Path tmp) throws Exception {
        URI uri = Files.createDirectories(tmp.resolve("lake")).toUri();
        String id;
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            Run r = t.newRun("exp").name("r").tag("t", "a").start();
            r.log("loss", 1.0, 0);
            r.finish();
            id = r.id();
        }
        String head = "{\"format_version\":1,\"experiment\":\"exp\",\"run_id\":\"" + id
                + "\",\"worker\":0,\"writer_id\":\"" + W;
        Map<String, String> bad = Map.of(
                Layout.event("exp", id, 0, W, 50),
                        head.replace("\"exp\"", "\"other\"")
                                + "\",\"kind\":\"tags\",\"time_ms\":1795687487395,\"tags\":{\"t\":\"x\"}}",
                Layout.workerManifest("exp", id, 0, W2),
                        head.replace(W, W2)
                                + "\",\"kind\":\"run_start\",\"start_time_ms\":1795687487395,\"environment\":{}}",
                Layout.event("exp", id, 0, W, 51), "not json");
        try (ObjectStore store = StoreUris.open(uri)) {
            bad.forEach((k, v) -> assertTrue(store.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8))));
        }
        Map<String, String> skipped = new TreeMap<>();
        List<Object> viewRow;
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            for (String p : lake.problems()) {
                String key = p.substring("skipped ".length(), p.indexOf(": "));
                skipped.put(key, p.substring(p.indexOf(": ") + 2));
            }
            viewRow = lake.sql("SELECT status, tags FROM runs").rows().get(0);
        }
        Map<String, String> quarantined = new TreeMap<>();
        try (ObjectStore store = StoreUris.open(uri)) {
            MaintenanceOptions mo = MaintenanceOptions.defaults().withWorkDir(tmp.resolve("work"));
            // a run with uncovered shards is never settled (§13.3)
            new Compactor(store, mo.compactor()).compact("exp");
            Indexer.Result ir = new Indexer(store, mo.indexer()).index("exp");
            assertEquals(bad.size(), ir.quarantined());
            for (Quarantined q : LakeSnapshot.load(store, "exp").quarantined().values()) {
                quarantined.put(q.key(), q.error().substring(("malformed object " + q.key() + ": ").length()));
            }
        }
        assertEquals(new TreeMap<>(bad).keySet(), skipped.keySet(), "the views skip each bad object");
        assertEquals(skipped, quarantined, "the indexer quarantines the same objects for the same reasons");
        String otherExperiment = skipped.get(Layout.event("exp", id, 0, W, 50));
        assertTrue(otherExperiment.startsWith("experiment is 'other'"), otherExperiment);
        LakeOptions settled =
                LakeOptions.defaults().withCacheDir(tmp.resolve("cache-2")).withIndexMargin(Duration.ZERO);
        try (Lake lake = Lake.open(uri, settled)) {
            assertEquals(
                    List.of(List.of("index")),
                    lake.sql("SELECT source FROM runs").rows());
            assertEquals(
                    viewRow,
                    lake.sql("SELECT status, tags FROM runs").rows().get(0),
                    "the index says what the views said");
        }
    }
}
