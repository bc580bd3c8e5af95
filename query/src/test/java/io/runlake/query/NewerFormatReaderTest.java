package io.runlake.query;

import static io.runlake.testing.NewerFormat.NEWER;
import static io.runlake.testing.NewerFormat.assertRefused;
import static io.runlake.testing.NewerFormat.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeCommit;
import io.runlake.lake.LakeLog;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeTable;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import io.runlake.testing.NewerFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The query library refuses a store holding an object written by a newer RunLake (FORMAT.md §3, §11): opening it
 * fails with one error naming the object's key, the version found and the version supported. It never skips such
 * an object (which would silently leave its run, or some of its points, out of every answer) and never reads it as
 * version 1. One test per object kind, on the file store and on S3 over HTTP (S3Proxy, through the local mirror).
 */
class NewerFormatReaderTest {
    static final String EXP = "my exp/α";
    private static final AtomicInteger CACHES = new AtomicInteger();

    @TempDir
    Path tmp;

    /** A store holding one finished run (start manifest, two shards, an event, end manifest); returns its run id. */
    String produce(URI uri) {
        TrackerOptions o = TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
        try (Tracker t = Tracker.open(uri, o)) {
            Run r = t.newRun(EXP).name("base").param("lr", 0.1).start();
            for (int s = 0; s < 20; s++) {
                r.log("loss", 1.0 / (s + 1), s);
                if (s == 9) r.flush();
            }
            r.setTag("stage", "done");
            r.finish();
            return r.id();
        }
    }

    Lake open(URI uri) {
        return Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache-" + CACHES.incrementAndGet())));
    }

    /** The store opens before the plant, and is refused after it, naming {@code key}. */
    void refused(URI uri, String key, Runnable plant) {
        try (Lake lake = open(uri)) {
            assertEquals(
                    1,
                    lake.sql("SELECT * FROM runs").size(),
                    "the store reads fine before the newer object is planted");
        }
        plant.run();
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> open(uri).close());
        assertRefused(e, key);
    }

    static void put(URI uri, String key, String json) {
        try (ObjectStore store = StoreUris.open(uri)) {
            assertTrue(store.putIfAbsent(key, utf8(json)), key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aStoreMarkerOfANewerFormatRefusesTheStore(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        refused(
                uri,
                Layout.FORMAT_MARKER,
                () -> NewerFormat.overwrite(
                        uri,
                        Layout.FORMAT_MARKER,
                        utf8("{\"format_version\":" + NEWER + ",\"created_by\":\"runlake 9\",\"created_at_ms\":1}")));
        if (kind.equals("file")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> Lake.viewDefinitions(Path.of(uri)));
            assertRefused(e, Layout.FORMAT_MARKER);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerStartManifestIsRefusedNotSkipped(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        String run = RunIds.newId();
        String key = Layout.startManifest(EXP, run);
        refused(
                uri,
                key,
                () -> put(
                        uri,
                        key,
                        "{\"format_version\":" + NEWER + ",\"kind\":\"run_start\",\"experiment\":\"" + EXP
                                + "\",\"run_id\":\"" + run + "\",\"start_time_ms\":1,\"worker\":0,\"writer_id\":\""
                                + RunIds.newId()
                                + "\",\"params\":[\"lr\"],\"tags\":{},\"environment\":{}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerWorkerManifestIsRefusedNotSkipped(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String run = produce(uri);
        String w = RunIds.newId();
        String key = Layout.workerManifest(EXP, run, 1, w);
        refused(
                uri,
                key,
                () -> put(
                        uri,
                        key,
                        "{\"format_version\":" + NEWER + ",\"kind\":\"worker_start\",\"experiment\":\"" + EXP
                                + "\",\"run_id\":\"" + run + "\",\"worker\":1,\"writer_id\":\"" + w
                                + "\",\"start_time_ms\":1,\"environment\":{}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerEndManifestIsRefusedNotSkipped(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String run = produce(uri);
        String w = RunIds.newId();
        String key = Layout.endManifest(EXP, run, 1, w);
        refused(
                uri,
                key,
                () -> put(
                        uri,
                        key,
                        "{\"format_version\":" + NEWER + ",\"kind\":\"run_end\",\"experiment\":\"" + EXP
                                + "\",\"run_id\":\"" + run + "\",\"worker\":1,\"writer_id\":\"" + w
                                + "\",\"status\":\"FAILED\",\"end_time_ms\":2,"
                                + "\"points_logged\":0,\"points_dropped\":0,\"shards_written\":0}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerEventIsRefusedNotSkipped(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String run = produce(uri);
        String key = Layout.event(EXP, run, 0, RunIds.newId(), 0);
        refused(
                uri,
                key,
                () -> put(
                        uri,
                        key,
                        "{\"format_version\":" + NEWER + ",\"kind\":\"tags\",\"experiment\":\"" + EXP
                                + "\",\"run_id\":\"" + run + "\",\"worker\":0,\"writer_id\":\"" + RunIds.newId()
                                + "\",\"time_ms\":3,"
                                + "\"tags\":{\"stage\":{\"value\":\"prod\",\"ttl_days\":3}}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerMetricShardIsRefusedNotRead(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String run = produce(uri);
        String key = Layout.metricShard(EXP, run, 1, RunIds.newId(), 0);
        Path file = NewerFormat.parquet(tmp.resolve("v2.parquet"), NewerFormat.points(run, 1), NEWER, EXP);
        refused(uri, key, () -> {
            try (ObjectStore store = StoreUris.open(uri)) {
                assertTrue(store.putFileIfAbsent(key, file));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerLakeFileIsRefusedNotRead(String kind) throws Exception {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        String other = RunIds.newId();
        Path file = NewerFormat.parquet(tmp.resolve("lake-v2.parquet"), NewerFormat.points(other, 0), NEWER, EXP);
        long size = Files.size(file);
        String key = LakeLayout.metricsFile(EXP, RunIds.newId());
        refused(uri, key, () -> {
            try (ObjectStore store = StoreUris.open(uri)) {
                assertTrue(store.putFileIfAbsent(key, file));
                commit(
                        store,
                        LakeCommit.compaction(
                                EXP,
                                System.currentTimeMillis(),
                                "test",
                                new DataFile(key, 10, size, other, other, 0),
                                List.of()));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerRunsIndexIsRefusedNotRead(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        String key = LakeLayout.runsIndexFile(EXP, RunIds.newId());
        refused(uri, key, () -> {
            try (ObjectStore store = StoreUris.open(uri)) {
                new Indexer(store, IndexerOptions.defaults().withWorkDir(tmp.resolve("work"))).index(EXP);
                Path v1 = tmp.resolve("index-v1.parquet");
                store.download(LakeSnapshot.load(store, EXP).indexFile(), v1);
                Path v2 = NewerFormat.parquet(
                        tmp.resolve("index-v2.parquet"),
                        "SELECT * FROM read_parquet(" + Lakes.lit(v1) + ")",
                        NEWER,
                        EXP);
                assertTrue(store.putFileIfAbsent(key, v2));
                commit(
                        store,
                        LakeCommit.index(
                                EXP,
                                System.currentTimeMillis(),
                                "test",
                                new LakeCommit.IndexFile(key, -1, 1, System.currentTimeMillis(), "planted", null),
                                List.of()));
            }
        });
    }

    /**
     * A lake table whose protocol needs a newer Delta reader (deletion vectors) is refused: read as if RunLake
     * understood it, rows the newer writer deleted would come back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aLakeTableNeedingANewerDeltaReaderIsRefused(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        String key = LakeTable.METRICS.commitKey(1);
        refused(uri, key, () -> {
            try (ObjectStore store = StoreUris.open(uri)) {
                commit(store, LakeCommit.quarantine(EXP, System.currentTimeMillis(), "test", List.of()));
            }
            put(
                    uri,
                    key,
                    "{\"commitInfo\":{\"timestamp\":1}}\n{\"protocol\":{\"minReaderVersion\":3,"
                            + "\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
                            + "\"writerFeatures\":[\"deletionVectors\"]}}\n");
        });
    }

    private static void commit(ObjectStore store, LakeCommit c) {
        assertNotNull(LakeLog.tryCommit(store, LakeSnapshot.load(store, EXP), c));
    }
}
