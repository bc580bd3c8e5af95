package io.runlake.functions.core;

import static io.runlake.testing.NewerFormat.NEWER;
import static io.runlake.testing.NewerFormat.assertRefused;
import static io.runlake.testing.NewerFormat.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.FormatVersion;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Maintenance (compactor, indexer, reporter, sweep) meets objects written by a newer RunLake (FORMAT.md §3, §12.6):
 * it stops with one error naming the object's key, the version found and the version supported, and changes nothing
 * in the store: the object is not compacted, merged, quarantined or deleted, and no commit is written. One test per
 * object kind, on the file store and on S3 over HTTP (S3Proxy).
 */
class NewerFormatMaintenanceTest {
    static final String EXP = "my exp/α";

    @TempDir
    Path tmp;

    MaintenanceOptions options() {
        return MaintenanceOptions.defaults()
                .withWorkDir(tmp.resolve("work"))
                .withCompactor(CompactorOptions.defaults()
                        .withWorkDir(tmp.resolve("work"))
                        .withMemory("256MB", 2)
                        .withGrace(Duration.ZERO, Duration.ofHours(1)));
    }

    /** A store holding one finished run of {@link #EXP} with two shards; returns its run id. */
    String produce(URI uri) {
        TrackerOptions o = TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO)
                .withHeartbeatInterval(Duration.ofHours(1));
        try (Tracker t = Tracker.open(uri, o)) {
            Run r = t.newRun(EXP).name("base").param("lr", 0.1).start();
            for (int s = 0; s < 20; s++) {
                r.log("loss", 1.0 / (s + 1), s);
                if (s == 9) r.flush();
            }
            r.finish();
            return r.id();
        }
    }

    /** Runs {@code step}, expects the refusal of {@code key}, and checks that the store did not change. */
    static void refusedAndUntouched(ObjectStore store, String key, Executable step) {
        Map<String, String> before = NewerFormat.snapshot(store);
        RuntimeException e = assertThrows(RuntimeException.class, step);
        assertRefused(e, key);
        assertEquals(
                before, NewerFormat.snapshot(store), "a refused object, and everything beside it, stays as it was");
    }

    void everyStepRefuses(ObjectStore store, String key, boolean compactorReadsIt, boolean reporterReadsIt) {
        everyStepRefuses(store, key, compactorReadsIt, reporterReadsIt, "has format version " + NEWER);
    }

    void everyStepRefuses(
            ObjectStore store, String key, boolean compactorReadsIt, boolean reporterReadsIt, String expected) {
        MaintenanceOptions o = options();
        if (compactorReadsIt) refusedAndUntouched(store, key, () -> new Compactor(store, o.compactor()).compact(EXP));
        refusedAndUntouched(store, key, () -> new Indexer(store, o.indexer()).index(EXP));
        if (reporterReadsIt) refusedAndUntouched(store, key, () -> new Reporter(store, o.reporter()).report(EXP));
        if (compactorReadsIt) {
            Map<String, String> before = NewerFormat.snapshot(store);
            Maintenance.SweepResult r = Maintenance.sweep(store, o, Instant.MAX);
            String failure = r.failures().get(EXP);
            assertNotNull(failure, r.toString());
            assertTrue(failure.contains(key) && failure.contains(expected), failure);
            assertEquals(before, NewerFormat.snapshot(store));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aStoreMarkerOfANewerFormatStopsAllMaintenance(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        NewerFormat.overwrite(
                uri,
                Layout.FORMAT_MARKER,
                utf8("{\"format_version\":" + NEWER + ",\"created_by\":\"runlake 9\",\"created_at_ms\":1}"));
        try (ObjectStore store = StoreUris.open(uri)) {
            MaintenanceOptions o = options();
            refusedAndUntouched(store, Layout.FORMAT_MARKER, () -> new Compactor(store, o.compactor()).compact(EXP));
            refusedAndUntouched(store, Layout.FORMAT_MARKER, () -> new Indexer(store, o.indexer()).index(EXP));
            refusedAndUntouched(store, Layout.FORMAT_MARKER, () -> new Reporter(store, o.reporter()).report(EXP));
            refusedAndUntouched(store, Layout.FORMAT_MARKER, () -> Maintenance.sweep(store, o, Instant.MAX));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerShardIsNeitherCompactedNorDeleted(String kind) throws Exception {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String runId = produce(uri);
        String key = Layout.metricShard(EXP, runId, 1, RunIds.newId(), 0);
        try (ObjectStore store = StoreUris.open(uri)) {
            store.putFileIfAbsent(
                    key, NewerFormat.parquet(tmp.resolve("v2.parquet"), NewerFormat.points(runId, 1), NEWER, EXP));
            everyStepRefuses(store, key, true, false);
            assertTrue(store.head(key).isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerShardThatThisVersionCannotReadIsNotQuarantined(String kind) throws Exception {
        URI uri = NewerFormat.freshStore(kind, tmp);
        String runId = produce(uri);
        String key = Layout.metricShard(EXP, runId, 1, RunIds.newId(), 0);
        try (ObjectStore store = StoreUris.open(uri)) {
            store.putFileIfAbsent(
                    key,
                    NewerFormat.parquet(
                            tmp.resolve("v2.parquet"), NewerFormat.pointsWithANewSchema(runId, 1), NEWER, EXP));
            everyStepRefuses(store, key, true, false);
            assertTrue(store.list(LakeLayout.QUARANTINE).isEmpty());
        }
    }

    /** Start, worker and end manifests and events whose shape changed in version 2: refused, never quarantined as malformed. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void newerManifestsAndEventsAreNotQuarantined(String kind) {
        String w = RunIds.newId();
        Map<String, Function<String, String[]>> plants = Map.of(
                "start",
                        id -> {
                            String run = RunIds.newId();
                            return new String[] {
                                Layout.startManifest(EXP, run),
                                "{\"format_version\":" + NEWER + ",\"kind\":\"run_start\","
                                        + "\"experiment\":\"" + EXP + "\",\"run_id\":\"" + run
                                        + "\",\"start_time_ms\":1,\"worker\":0,\"writer_id\":\"" + w
                                        + "\",\"params\":[\"lr\"],\"tags\":{},\"environment\":{}}"
                            };
                        },
                "worker",
                        id -> new String[] {
                            Layout.workerManifest(EXP, id, 1, w),
                            "{\"format_version\":" + NEWER
                                    + ",\"kind\":\"worker_start\",\"experiment\":\"" + EXP + "\",\"run_id\":\"" + id
                                    + "\",\"worker\":1,"
                                    + "\"writer_id\":\"" + w
                                    + "\",\"start_time_ms\":{\"utc\":1},\"environment\":\"gpu-9\"}"
                        },
                "end",
                        id -> new String[] {
                            Layout.endManifest(EXP, id, 1, w),
                            "{\"format_version\":" + NEWER
                                    + ",\"kind\":\"run_end\",\"experiment\":\"" + EXP + "\",\"run_id\":\"" + id
                                    + "\",\"worker\":1,"
                                    + "\"writer_id\":\"" + w
                                    + "\",\"status\":{\"code\":\"FINISHED\"},\"end_time_ms\":2}"
                        },
                "event",
                        id -> new String[] {
                            Layout.event(EXP, id, 0, w, 0),
                            "{\"format_version\":" + NEWER
                                    + ",\"kind\":\"tags\",\"experiment\":\"" + EXP + "\",\"run_id\":\"" + id
                                    + "\",\"worker\":0,"
                                    + "\"writer_id\":\"" + w + "\",\"time_ms\":3,\"tags\":[[\"stage\",\"prod\"]]}"
                        });
        for (Map.Entry<String, Function<String, String[]>> p : plants.entrySet()) {
            URI uri = NewerFormat.freshStore(kind, tmp);
            String runId = produce(uri);
            String[] plant = p.getValue().apply(runId);
            try (ObjectStore store = StoreUris.open(uri)) {
                assertTrue(store.putIfAbsent(plant[0], utf8(plant[1])), p.getKey());
                everyStepRefuses(store, plant[0], false, false);
                assertTrue(
                        store.list(LakeTable.METRICS.logPrefix()).isEmpty()
                                && store.list(LakeTable.RUNS.logPrefix()).isEmpty(),
                        p.getKey() + ": no index or quarantine commit");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerLakeFileIsNeitherMergedNorRemoved(String kind) throws Exception {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, options().compactor()).compact(EXP);
            String other = RunIds.newId();
            Path file = NewerFormat.parquet(tmp.resolve("lake-v2.parquet"), NewerFormat.points(other, 0), NEWER, EXP);
            String key = LakeLayout.metricsFile(EXP, RunIds.newId());
            assertTrue(store.putFileIfAbsent(key, file));
            commit(
                    store,
                    LakeCommit.compaction(
                            EXP,
                            System.currentTimeMillis(),
                            "test",
                            new DataFile(key, 10, Files.size(file), other, other, 0),
                            List.of()));
            CompactorOptions c = options().compactor();
            CompactorOptions merging =
                    c.withFiles(c.targetFileBytes(), 1, c.rowGroupSize()); // two small files: merge them
            refusedAndUntouched(store, key, () -> new Compactor(store, merging).compact(EXP));
            refusedAndUntouched(store, key, () -> new Indexer(store, options().indexer()).index(EXP));
            assertTrue(LakeSnapshot.load(store, EXP).isLive(key));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aNewerRunsIndexIsNotReported(String kind) throws Exception {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        try (ObjectStore store = StoreUris.open(uri)) {
            new Indexer(store, options().indexer()).index(EXP);
            Path v1 = tmp.resolve("index-v1.parquet");
            store.download(LakeSnapshot.load(store, EXP).indexFile(), v1);
            Path v2 = NewerFormat.parquet(
                    tmp.resolve("index-v2.parquet"), "SELECT * FROM read_parquet(" + Lakes.lit(v1) + ")", NEWER, EXP);
            String key = LakeLayout.runsIndexFile(EXP, RunIds.newId());
            assertTrue(store.putFileIfAbsent(key, v2));
            commit(
                    store,
                    LakeCommit.index(
                            EXP,
                            System.currentTimeMillis(),
                            "test",
                            new LakeCommit.IndexFile(
                                    key, -1, Files.size(v2), System.currentTimeMillis(), "planted", null),
                            List.of()));
            refusedAndUntouched(store, key, () -> new Reporter(store, options().reporter()).report(EXP));
        }
    }

    /** A table whose protocol needs a newer Delta reader (here: deletion vectors) stops maintenance. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void aLakeTableNeedingANewerDeltaReaderStopsMaintenance(String kind) {
        for (LakeTable table : LakeTable.values()) {
            URI uri = NewerFormat.freshStore(kind, tmp.resolve(table.name()));
            produce(uri);
            try (ObjectStore store = StoreUris.open(uri)) {
                commit(store, LakeCommit.quarantine(EXP, System.currentTimeMillis(), "test", List.of()));
                String key = table.commitKey(table == LakeTable.METRICS ? 1 : 0);
                assertTrue(store.putIfAbsent(
                        key,
                        utf8("{\"commitInfo\":{\"timestamp\":1}}\n{\"protocol\":{\"minReaderVersion\":3,"
                                + "\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
                                + "\"writerFeatures\":[\"deletionVectors\"]}}\n")));
                everyStepRefuses(store, key, true, true, "needs Delta reader version 3");
            }
        }
    }

    /** What maintenance writes carries the version: compacted lake files and runs index files have the footer keys. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void compactedFilesAndRunsIndexesCarryTheFormatVersion(String kind) {
        URI uri = NewerFormat.freshStore(kind, tmp);
        produce(uri);
        try (ObjectStore store = StoreUris.open(uri)) {
            Maintenance.runExperiment(store, EXP, options(), Instant.MAX, false);
            LakeSnapshot s = LakeSnapshot.load(store, EXP);
            assertFalse(s.liveFiles().isEmpty());
            assertNotNull(s.indexFile());
            for (String key : List.of(s.liveFiles().get(0).path(), s.indexFile())) {
                Path local = tmp.resolve("check-" + key.hashCode() + ".parquet");
                store.download(key, local);
                assertEquals(
                        Integer.toString(FormatVersion.CURRENT),
                        NewerFormat.footer(local, "runlake.format_version"),
                        key);
                assertEquals(EXP, NewerFormat.footer(local, "runlake.experiment"), key);
            }
        }
    }

    private static void commit(ObjectStore store, LakeCommit c) {
        assertNotNull(LakeLog.tryCommit(store, LakeSnapshot.load(store, EXP), c));
    }
}
