package io.runlake.functions.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.RunEvent;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.functions.lambda.ScheduledHandler;
import io.runlake.functions.lambda.ShardEventHandler;
import io.runlake.lake.DataFile;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.lake.Quarantined;
import io.runlake.registry.ModelLineage;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.ModelUri;
import io.runlake.report.Direction;
import io.runlake.report.Leaderboard;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintenance suite every store must pass (file store and S3 over HTTP): runs are produced with the
 * real client, maintained by the pure cores and the Lambda handlers, and read back with DuckDB through
 * the exactly-once view.
 */
abstract class FunctionsSuite {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final String EXPERIMENT = "my exp/α";

    @TempDir
    Path tmp;

    /** A fresh, empty store location. */
    protected abstract URI newStoreUri(String name);

    URI freshUri() {
        return newStoreUri("f" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    TrackerOptions trackerOptions() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withHeartbeatInterval(Duration.ofHours(1))
                // every run records system metrics at its start and end: off, so the counts are the logged points
                .withSystemMetricsInterval(Duration.ZERO)
                .withSpillRoot(tmp.resolve("spill"))
                .withCloseTimeout(Duration.ofSeconds(20))
                .withShutdownHook(false);
    }

    MaintenanceOptions options() {
        return MaintenanceOptions.defaults()
                .withWorkDir(tmp.resolve("work"))
                .withCompactor(CompactorOptions.defaults()
                        .withWorkDir(tmp.resolve("work"))
                        .withMemory("256MB", 2)
                        .withGrace(Duration.ZERO, Duration.ofHours(1)));
    }

    CompactorOptions compactorOptions() {
        return options().compactor();
    }

    /** What the test logged: totals to compare with what the lake returns. */
    static final class Logged {
        long count;
        double sum;
        final List<String> runIds = new ArrayList<>();

        void add(double v) {
            count++;
            if (Double.isFinite(v)) sum += v;
        }
    }

    /**
     * Three runs: a finished one (loss falls), a failed one, and a two-worker run whose worker 1 also logs
     * loss; shards are flushed every {@code pointsPerShard} points so there are several per run.
     */
    Logged produceRuns(URI uri, int steps, int pointsPerShard) throws Exception {
        Logged logged = new Logged();
        try (Tracker tracker = Tracker.open(uri, trackerOptions())) {
            Run good = tracker.newRun(EXPERIMENT)
                    .name("good")
                    .param("lr", 0.01)
                    .param("layers", 3)
                    .tag("team", "vision")
                    .tag("stage", "dev")
                    .start();
            Run bad = tracker.newRun(EXPERIMENT).name("bad").param("lr", 0.5).start();
            Run dist = tracker.newRun(EXPERIMENT).name("dist").param("lr", 0.05).start();
            Run dist1 = tracker.joinRun(dist.id(), 1);
            logged.runIds.addAll(List.of(good.id(), bad.id(), dist.id()));
            for (int step = 0; step < steps; step++) {
                double loss = 1.0 / (step + 1);
                good.log("loss", loss, step);
                good.log("acc", 1 - loss, step);
                bad.log("loss", 2.0 + Math.sin(step), step);
                dist.log("loss", 0.5 * loss, step);
                dist1.log("loss", 0.6 * loss, step);
                logged.add(loss);
                logged.add(1 - loss);
                logged.add(2.0 + Math.sin(step));
                logged.add(0.5 * loss);
                logged.add(0.6 * loss);
                if ((step + 1) % pointsPerShard == 0) {
                    good.flush();
                    bad.flush();
                    dist.flush();
                    dist1.flush();
                }
            }
            good.setTag("stage", "prod");
            good.deleteTag("team");
            good.logParam("late", "yes");
            good.finish();
            bad.fail(new IllegalStateException("diverged"));
            dist1.finish();
            dist.finish();
        }
        return logged;
    }

    void assertExactlyOnce(ObjectStore store, Logged logged) throws Exception {
        LakeProbe.assertDeltaAgrees(store, EXPERIMENT, tmp);
        LakeProbe.Totals t = LakeProbe.totals(store, EXPERIMENT, tmp);
        assertEquals(logged.count, t.count(), "points in the view");
        assertEquals(logged.count, t.distinct(), "distinct (run, worker, key, step) in the view");
        assertEquals(logged.sum, t.sum(), 1e-6 * Math.max(1, Math.abs(logged.sum)), "sum of values");
    }

    private Path mirror(ObjectStore store) throws Exception {
        return Lakes.mirror(store, Files.createTempDirectory(tmp, "mirror"));
    }

    // ---- compaction --------------------------------------------------------------------------------

    @Test
    void compactionWritesSortedFilesWithEveryPointOnce() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 600, 150);
        try (ObjectStore store = StoreUris.open(uri)) {
            int shardsBefore =
                    LakeView.load(store, EXPERIMENT).uncoveredShards().size();
            assertTrue(shardsBefore >= 12, "expected several shards per run, got " + shardsBefore);
            assertExactlyOnce(store, logged);

            Compactor.Result r = new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            assertEquals(shardsBefore, r.shardsCompacted());
            assertEquals(logged.count, r.pointsCompacted());
            assertEquals(shardsBefore, r.shardsDeleted(), "covered shards are deleted after the commit (grace 0)");
            LakeView view = LakeView.load(store, EXPERIMENT);
            assertTrue(view.uncoveredShards().isEmpty());
            assertEquals(1, view.liveFiles().size());
            assertExactlyOnce(store, logged);

            // DuckDB reads the mirrored lake directly, as an analyst would; the file is sorted by (run_id, key, step).
            Path lake = mirror(store);
            DataFile file = view.liveFiles().get(0);
            Path local = lake.resolve(file.path());
            assertEquals(
                    0L,
                    ((Number) LakeProbe.query(
                                            local,
                                            "SELECT count(*) FROM (SELECT run_id, key, step, "
                                                    + "lag((run_id, key, step)) OVER () AS prev FROM t) WHERE prev > (run_id, key, step)")
                                    .get(0)[0])
                            .longValue());
            List<Object[]> cols = LakeProbe.query(local, "SELECT column_name, column_type FROM (DESCRIBE t)");
            assertEquals(
                    List.of("run_id", "worker", "key", "step", "timestamp", "value"),
                    cols.stream().map(c -> (String) c[0]).toList());
            List<Object[]> meta = LakeProbe.query(
                    local, "SELECT DISTINCT compression FROM parquet_metadata(" + Duck.lit(local.toString()) + ")");
            assertEquals("ZSTD", String.valueOf(meta.get(0)[0]).toUpperCase());
            String glob = lake.resolve(LakeLayout.METRICS).toString() + "/experiment=*/*.parquet";
            Object hive = Lakes.scalar("SELECT count(DISTINCT experiment) FROM read_parquet(" + Lakes.lit(glob)
                    + ", hive_partitioning=true)");
            assertEquals(1L, ((Number) hive).longValue());
            assertEquals(file.rows(), logged.count);
            assertEquals(logged.runIds.stream().sorted().findFirst().get(), file.minRunId());

            // Running again changes nothing.
            Compactor.Result again = new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            assertEquals(0, again.commits());
            assertExactlyOnce(store, logged);
        }
    }

    @Test
    void smallFilesAreMergedSoTheFileCountStaysBounded() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 400, 50);
        try (ObjectStore store = StoreUris.open(uri)) {
            CompactorOptions o =
                    compactorOptions().withBatch(Long.MAX_VALUE, 2).withFiles(128 * CompactorOptions.MiB, 3, 500_000);
            Compactor.Result r = new Compactor(store, o).compact(EXPERIMENT);
            assertTrue(r.filesMerged() > 0, "merges happened: " + r);
            LakeSnapshot snap = LakeSnapshot.load(store, EXPERIMENT);
            assertTrue(snap.liveFiles().size() <= 3, "live files " + snap.liveFiles());
            assertTrue(snap.liveFiles().stream().anyMatch(f -> f.tier() >= 1));
            assertExactlyOnce(store, logged);
            // Removed inputs were deleted (grace 0); only live files remain under lake/metrics/.
            assertEquals(
                    snap.liveFiles().size(),
                    store.list(LakeLayout.metricsPrefix(EXPERIMENT)).size());
        }
    }

    @Test
    void eightConcurrentCompactorsLoseAndDuplicateNothing() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 400, 40);
        int compactors = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(compactors);
        List<Future<Compactor.Result>> results = new ArrayList<>();
        for (int i = 0; i < compactors; i++) {
            results.add(pool.submit((Callable<Compactor.Result>) () -> {
                try (ObjectStore own = StoreUris.open(uri)) {
                    go.await();
                    CompactorOptions o = compactorOptions()
                            .withBatch(Long.MAX_VALUE, 3)
                            .withFiles(128 * CompactorOptions.MiB, 2, 500_000)
                            .withMemory("128MB", 1)
                            .withAttempts(500);
                    return new Compactor(own, o).compact(EXPERIMENT);
                }
            }));
        }
        go.countDown();
        int shards = 0, conflicts = 0;
        for (Future<Compactor.Result> f : results) {
            Compactor.Result r = f.get();
            shards += r.shardsCompacted();
            conflicts += r.conflicts();
        }
        pool.shutdown();
        try (ObjectStore store = StoreUris.open(uri)) {
            LakeView view = LakeView.load(store, EXPERIMENT);
            assertTrue(view.uncoveredShards().isEmpty());
            assertEquals(shards, view.snapshot().coveredShardCount(), "each shard committed by exactly one compactor");
            assertExactlyOnce(store, logged);
            assertTrue(
                    view.liveFiles().size() <= 2,
                    "merges keep the count bounded: " + view.liveFiles().size());
            long rows = view.liveFiles().stream().mapToLong(DataFile::rows).sum();
            assertEquals(logged.count, rows);
            System.out.println("8 compactors: " + shards + " shards, " + conflicts + " lost races, version "
                    + view.snapshot().version());
        }
    }

    @Test
    void crashBetweenEveryTwoStepsThenRerunConverges() throws Exception {
        URI template = freshUri();
        Logged logged = produceRuns(template, 120, 40);
        List<ObjectInfo> objects;
        try (ObjectStore source = StoreUris.open(template)) {
            objects = source.list("");
            CompactorOptions o =
                    compactorOptions().withBatch(Long.MAX_VALUE, 4).withFiles(128 * CompactorOptions.MiB, 1, 500_000);
            int crashes = 0;
            for (int budget = 0; ; budget++) {
                URI uri = freshUri();
                try (ObjectStore store = StoreUris.open(uri)) {
                    for (ObjectInfo obj : objects)
                        store.putIfAbsent(obj.key(), source.get(obj.key()).orElseThrow());
                    CountdownStore crashing = new CountdownStore(store, budget);
                    boolean crashed;
                    try {
                        new Compactor(crashing, o).compact(EXPERIMENT);
                        crashed = crashing.crashed();
                    } catch (StoreException | MaintenanceException e) {
                        crashed = true;
                    }
                    // Whatever state the crash left, readers see every point exactly once ...
                    assertExactlyOnce(store, logged);
                    // ... and a re-run converges: everything covered, nothing lost or doubled, no live orphan.
                    new Compactor(store, o).compact(EXPERIMENT);
                    LakeView view = LakeView.load(store, EXPERIMENT);
                    assertTrue(
                            view.uncoveredShards().isEmpty(),
                            "budget " + budget + ": uncovered " + view.uncoveredShards());
                    assertTrue(view.liveFiles().size() <= 1 + 1, "budget " + budget + ": " + view.liveFiles());
                    assertExactlyOnce(store, logged);
                    if (!crashed) {
                        assertTrue(crashes > 10, "crash points exercised: " + crashes);
                        System.out.println("crash test: " + crashes + " crash points, clean run used "
                                + crashing.calls.get() + " store calls");
                        return;
                    }
                    crashes++;
                }
            }
        }
    }

    @Test
    void corruptShardIsQuarantinedAndTheRestCompacts() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 200, 100);
        try (ObjectStore store = StoreUris.open(uri)) {
            String runId = logged.runIds.get(0);
            String badKey = Layout.metricShard(EXPERIMENT, runId, 0, RunIds.newId(), 7);
            byte[] junk = new byte[4096];
            new Random(42).nextBytes(junk);
            assertTrue(store.putIfAbsent(badKey, junk));
            String badEvent = Layout.event(EXPERIMENT, runId, 0, RunIds.newId(), 3);
            assertTrue(store.putIfAbsent(
                    badEvent, "{\"format_version\":1,\"kind\":\"tags\",".getBytes(StandardCharsets.UTF_8)));

            Compactor.Result r = new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            assertEquals(1, r.quarantined());
            LakeSnapshot snap = LakeSnapshot.load(store, EXPERIMENT);
            Quarantined q = snap.quarantined().get(badKey);
            assertNotNull(q, "quarantined: " + snap.quarantined());
            assertTrue(
                    q.error().contains(badKey) && q.error().contains("not a readable RunLake metric shard"), q.error());
            assertEquals(LakeLayout.quarantineCopy(EXPERIMENT, badKey), q.copy());
            assertTrue(store.head(q.copy()).isPresent());
            assertExactlyOnce(store, logged);

            Indexer.Result ir = new Indexer(store, options().indexer()).index(EXPERIMENT);
            assertEquals(1, ir.quarantined());
            Quarantined qe = LakeSnapshot.load(store, EXPERIMENT).quarantined().get(badEvent);
            assertNotNull(qe);
            assertTrue(qe.error().contains(badEvent), qe.error());
            assertEquals(3, ir.runs());
        }
    }

    // ---- runs index and reports --------------------------------------------------------------------

    @Test
    void runsIndexHasStatusesParamsTagsAndSummaries() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 300, 100);
        String crashedId = RunIds.newId();
        String runningId = RunIds.newId();
        long now = System.currentTimeMillis();
        try (ObjectStore store = StoreUris.open(uri)) {
            writeStart(store, crashedId, "crashed", now - Duration.ofHours(2).toMillis());
            writeStart(store, runningId, "running", now);
            new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            IndexerOptions io = options().indexer().withCrashTimeout(Duration.ofMinutes(30));
            Indexer.Result r = new Indexer(store, io).index(EXPERIMENT);
            assertTrue(r.committed());
            assertEquals(5, r.runs());
            assertEquals(Map.of("CRASHED", 1L, "FAILED", 1L, "FINISHED", 2L, "RUNNING", 1L), r.statusCounts());

            Path index = mirror(store).resolve(r.indexFile());
            List<Object[]> rows = LakeProbe.query(
                    index,
                    "SELECT run_id, name, status, error, params['lr'], params['late'], "
                            + "tags['stage'], tags['team'], points, end_time IS NOT NULL, \"user\", experiment FROM t ORDER BY name");
            Map<String, Object[]> byName = new HashMap<>();
            for (Object[] row : rows) byName.put((String) row[1], row);
            assertEquals("FINISHED", byName.get("good")[2]);
            assertEquals("0.01", byName.get("good")[4]);
            assertEquals("yes", byName.get("good")[5]);
            assertEquals("prod", byName.get("good")[6]);
            assertNull(byName.get("good")[7], "deleted tag");
            assertEquals(600L, ((Number) byName.get("good")[8]).longValue());
            assertEquals(true, byName.get("good")[9]);
            assertEquals(System.getProperty("user.name"), byName.get("good")[10]);
            assertEquals(EXPERIMENT, byName.get("good")[11]);
            assertEquals("FAILED", byName.get("bad")[2]);
            assertEquals("java.lang.IllegalStateException: diverged", byName.get("bad")[3]);
            assertEquals("FINISHED", byName.get("dist")[2]);
            assertEquals(600L, ((Number) byName.get("dist")[8]).longValue(), "both workers' points count");
            assertEquals("CRASHED", byName.get("crashed")[2]);
            assertEquals("RUNNING", byName.get("running")[2]);

            List<Object[]> loss = LakeProbe.query(
                    index,
                    "SELECT m.last_value, m.min_value, m.max_value, m.point_count, m.last_step "
                            + "FROM (SELECT unnest(metrics) AS m FROM t WHERE name = 'good') WHERE m.key = 'loss'");
            assertEquals(1.0 / 300, ((Number) loss.get(0)[0]).doubleValue(), 1e-12);
            assertEquals(1.0 / 300, ((Number) loss.get(0)[1]).doubleValue(), 1e-12);
            assertEquals(1.0, ((Number) loss.get(0)[2]).doubleValue(), 1e-12);
            assertEquals(300L, ((Number) loss.get(0)[3]).longValue());
            assertEquals(299L, ((Number) loss.get(0)[4]).longValue());

            // Nothing changed: the next run is a no-op; once the RUNNING run goes quiet it becomes CRASHED.
            assertTrue(new Indexer(store, io).index(EXPERIMENT).skipped());
            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
            Indexer.Result r2 = new Indexer(store, io.withClock(later)).index(EXPERIMENT);
            assertTrue(r2.committed());
            assertEquals(2L, r2.statusCounts().get("CRASHED"));
        }
    }

    private static void writeStart(ObjectStore store, String runId, String name, long startMs) {
        RunStart s = new RunStart(
                FormatVersion.CURRENT,
                RunStart.KIND,
                EXPERIMENT,
                runId,
                name,
                null,
                startMs,
                0,
                RunIds.newId(),
                Map.of("lr", 0.1),
                Map.of(),
                Map.of("user", "ci", "host", "box"),
                Map.of("git_commit", "abc123"));
        assertTrue(store.putIfAbsent(Layout.startManifest(EXPERIMENT, runId), Json.write(s)));
    }

    @Test
    void leaderboardIsWrittenAsJsonMarkdownAndSelfContainedHtml() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 200, 100);
        try (ObjectStore store = StoreUris.open(uri)) {
            ReporterOptions ro = options().reporter().withMetric("loss", "min").withTopK(2);
            MaintenanceOptions mo = options().withReporter(ro);
            Maintenance.ExperimentResult er = Maintenance.runExperiment(store, EXPERIMENT, mo, Instant.MAX, true);
            Reporter.Result r = er.report();
            assertTrue(r.written(), String.valueOf(r.reason()));
            Leaderboard b = r.leaderboard();
            assertEquals(2, b.leaders().size());
            assertEquals(
                    "dist",
                    b.leaders()
                            .get(0)
                            .name()); // final loss 0.5/200 (worker 0) vs 0.6/200 (worker 1): last at the highest step
            assertEquals("good", b.leaders().get(1).name());
            String html = new String(store.get(r.htmlKey()).orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(html.contains("<svg"));
            assertEquals(2, html.split("<polyline class=\"series\"", -1).length - 1, "one curve per leader");
            assertFalse(
                    html.contains("<script")
                            || html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\"")
                            || html.contains("https://")
                            || html.contains("<link"),
                    "self-contained");
            assertTrue(new String(store.get(r.mdKey()).orElseThrow(), StandardCharsets.UTF_8).contains("| 1 |"));
            // run ids shown as their unique prefixes (FORMAT.md §13.5), the whole id in the cell's title
            String best = b.leaders().get(0).runId();
            String shown = best.substring(0, io.runlake.runs.RunIds.MIN_SHOWN);
            assertTrue(html.contains("<code title=\"" + best + "\">" + shown), html);
            assertFalse(html.contains(">" + best + "</code>"), html);
            Leaderboard fromJson = Json.read(store.get(r.jsonKey()).orElseThrow(), Leaderboard.class, r.jsonKey());
            assertEquals(b.leaders().get(0).runId(), fromJson.leaders().get(0).runId());
            assertTrue(fromJson.leaders().get(0).curve().size() > 10);
            assertEquals(
                    r.reportVersion(),
                    Reporter.latestReportVersion(store, EXPERIMENT).orElseThrow());

            // Same index, same settings: no new report. Forced: a new, greater version; the old one stays.
            assertFalse(new Reporter(store, ro).report(EXPERIMENT).written());
            Thread.sleep(5);
            Reporter.Result forced = new Reporter(store, ro.withForce(true)).report(EXPERIMENT);
            assertTrue(forced.reportVersion().compareTo(r.reportVersion()) > 0);
            assertEquals(
                    forced.reportVersion(),
                    Reporter.latestReportVersion(store, EXPERIMENT).orElseThrow());
            assertTrue(store.head(r.htmlKey()).isPresent());
            assertEquals(logged.count, LakeProbe.totals(store, EXPERIMENT, tmp).count());
        }
    }

    // ---- Lambda handlers ---------------------------------------------------------------------------

    /** The event AWS sends, with keys URL-encoded as S3 does ("=" as %3D, "%" as %25, " " as +). */
    S3Event s3Event(URI uri, List<String> keys) throws Exception {
        String bucket = "s3".equals(uri.getScheme()) ? uri.getHost() : "local-bucket";
        String prefix = "s3".equals(uri.getScheme())
                ? uri.getPath().replaceAll("^/+", "").replaceAll("/+$", "") + "/"
                : "";
        String template;
        try (InputStream in = getClass().getResourceAsStream("/events/s3-put-record.json")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder records = new StringBuilder();
        for (String key : keys) {
            if (records.length() > 0) records.append(",\n");
            records.append(template.replace("${bucket}", bucket)
                    .replace(
                            "${key}",
                            URLEncoder.encode(prefix + key, StandardCharsets.UTF_8)
                                    .replace("%2F", "/")));
        }
        String json = "{\"Records\": [\n" + records + "\n]}";
        if (keys.stream().anyMatch(k -> k.startsWith(Layout.RUNS))) {
            // "=" -> %3D; the escaped name "my%20exp%2F%CE%B1" has its "%" encoded again, as S3 does.
            assertTrue(json.contains("experiment%3Dmy%2520exp%252F%25CE%25B1"), json);
        }
        return LambdaEventSerializers.serializerFor(S3Event.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void s3EventsThroughTheLambdaSerializerCompactAndIndexDuplicatesAndReordersAreHarmless() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 200, 50);
        try (ObjectStore store = StoreUris.open(uri)) {
            List<String> shardKeys = new ArrayList<>();
            List<String> endKeys = new ArrayList<>();
            for (ObjectInfo o : store.list(Layout.RUNS)) {
                Layout.RunObject ro = Layout.parseRunObject(o.key()).orElseThrow();
                if (ro.kind() == Layout.RunObjectKind.SHARD) shardKeys.add(o.key());
                if (ro.kind() == Layout.RunObjectKind.END) endKeys.add(o.key());
            }
            ShardEventHandler handler = new ShardEventHandler(store, uri, ShardEventHandler.eventOptions(options()));
            // Out of order: the end objects' event arrives before the shards' event.
            String first = handler.handleRequest(s3Event(uri, endKeys), null);
            assertTrue(first.contains(EXPERIMENT), first);
            assertExactlyOnce(store, logged);
            LakeSnapshot afterFirst = LakeSnapshot.load(store, EXPERIMENT);
            assertTrue(afterFirst.indexFile() != null, "indexed");
            assertTrue(
                    LakeView.load(store, EXPERIMENT).uncoveredShards().isEmpty(),
                    "ended runs are compacted right away");
            // The shards' events come late and twice: nothing to do, nothing duplicated.
            S3Event late = s3Event(uri, shardKeys);
            handler.handleRequest(late, null);
            handler.handleRequest(late, null);
            LakeSnapshot afterDupes = LakeSnapshot.load(store, EXPERIMENT);
            assertEquals(afterFirst.version(), afterDupes.version(), "duplicate/late events commit nothing");
            assertExactlyOnce(store, logged);
            // Keys outside the store or not run objects are ignored.
            assertEquals("experiments {}", handler.handleRequest(s3Event(uri, List.of("_runlake/format.json")), null));
        }
    }

    @Test
    void scheduledSweepCompactsIndexesAndReportsEveryExperiment() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 100, 50);
        try (Tracker tracker = Tracker.open(uri, trackerOptions());
                Run other = tracker.startRun("other")) {
            other.log("accuracy", 0.9, 0);
        }
        try (ObjectStore store = StoreUris.open(uri)) {
            assertEquals(List.of("my exp/α", "other"), Maintenance.experiments(store));
            ScheduledEvent event = LambdaEventSerializers.serializerFor(
                            ScheduledEvent.class, getClass().getClassLoader())
                    .fromJson(getClass().getResourceAsStream("/events/scheduled.json"));
            String summary = new ScheduledHandler(store, uri, options()).handleRequest(event, null);
            assertTrue(summary.startsWith("2 experiments"), summary);
            assertTrue(Reporter.latestReportVersion(store, EXPERIMENT).isPresent());
            assertTrue(Reporter.latestReportVersion(store, "other").isPresent());
            String otherJson = LakeLayout.report(
                    "other", Reporter.latestReportVersion(store, "other").get(), LakeLayout.LEADERBOARD_JSON);
            Leaderboard b = Json.read(store.get(otherJson).orElseThrow(), Leaderboard.class, otherJson);
            assertEquals("accuracy", b.metric());
            assertEquals(Direction.MAX, b.direction());
            assertExactlyOnce(store, logged);
        }
    }

    @SuppressWarnings("unused")
    private static Clock fixed(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    // ---- purge (FORMAT.md §12.11) --------------------------------------------------------------------

    Purge purge(ObjectStore store) {
        return new Purge(store, compactorOptions(), options().indexer());
    }

    /** Points of one run in the exactly-once view. */
    long pointsOf(ObjectStore store, String runId) throws Exception {
        LakeView view = LakeView.load(store, EXPERIMENT);
        Path dir = Files.createTempDirectory(tmp, "of");
        try (LocalFiles local = new LocalFiles(store, dir, 4);
                Duck duck = Duck.open(dir.resolve("spill"), "256MB", 1)) {
            List<Path> files = new ArrayList<>();
            local.fetchAll(view.pointSources()).values().forEach(p -> files.add(p.orElseThrow()));
            if (files.isEmpty()) return 0;
            return ((Number) duck.query("SELECT count(*) FROM (" + Duck.points(files) + ") WHERE run_id = "
                                    + Duck.lit(runId))
                            .get(0)[0])
                    .longValue();
        }
    }

    /** The run ids the current runs index lists. */
    List<Object> indexedRuns(ObjectStore store) throws Exception {
        String index = LakeSnapshot.load(store, EXPERIMENT).indexFile();
        return LakeProbe.query(mirror(store).resolve(index), "SELECT run_id FROM t ORDER BY run_id").stream()
                .map(r -> r[0])
                .toList();
    }

    @Test
    void purgeDeletesEveryObjectAndPointOfTheRunAndNothingElse() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 300, 100);
        try (ObjectStore store = StoreUris.open(uri)) {
            String good = logged.runIds.get(0), bad = logged.runIds.get(1), dist = logged.runIds.get(2);
            new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            io.runlake.runs.Annotations.forRun(store, bad, "ann", Clock.systemUTC())
                    .note("a mistake");
            String blob = Layout.artifactBlob("ab".repeat(32));
            store.putIfAbsent(blob, new byte[] {1, 2, 3}); // content-addressed: possibly another run's too
            long goodPoints = pointsOf(store, good), distPoints = pointsOf(store, dist);
            assertEquals(300, pointsOf(store, bad));
            long before = LakeProbe.totals(store, EXPERIMENT, tmp).count();

            Purge.Result r = purge(store).purge(bad, "tester", "logged to the wrong project", false);

            assertFalse(r.alreadyPurged());
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, bad)).isEmpty(), "raw objects deleted");
            assertTrue(store.list(Layout.annotationPrefix(EXPERIMENT, bad)).isEmpty(), "annotations deleted");
            assertTrue(store.head(Layout.runIdPointer(bad)).isEmpty(), "run-id pointer deleted");
            assertEquals(0, pointsOf(store, bad), "no point of the run is left in the lake");
            assertEquals(goodPoints, pointsOf(store, good));
            assertEquals(distPoints, pointsOf(store, dist));
            assertEquals(before - 300, LakeProbe.totals(store, EXPERIMENT, tmp).count());
            LakeProbe.assertDeltaAgrees(store, EXPERIMENT, tmp); // Delta Kernel reads the same table
            assertEquals(1, r.lakeFilesRewritten().size());
            assertNotNull(r.lakeVersion());
            assertEquals(List.of(dist, good).stream().sorted().toList(), indexedRuns(store));
            assertTrue(store.head(blob).isPresent(), "artifact blobs are kept");

            var audit = Json.MAPPER.readTree(store.get(r.auditKey()).orElseThrow());
            assertEquals("purge", audit.path("kind").asText());
            assertEquals(bad, audit.path("run_id").asText());
            assertEquals("tester", audit.path("who").asText());
            assertEquals("logged to the wrong project", audit.path("reason").asText());
            assertTrue(audit.path("keys").toString().contains(Layout.runIdPointer(bad)));
            var done = Json.MAPPER.readTree(
                    store.get(Purge.completionKey(r.auditKey())).orElseThrow());
            assertEquals(r.lakeVersion().longValue(), done.path("lake_version").asLong());
            assertEquals(r.deleted().size(), done.path("keys_deleted").size());

            Purge.Result again = purge(store).purge(bad, "tester", "again", false);
            assertTrue(again.alreadyPurged(), "a second purge has nothing to do");
            assertEquals(r.auditKey(), again.auditKey());
            assertEquals(2, store.list(Layout.AUDIT).size(), "no new audit entry");

            // a writer that was still running re-creates a partial run; purging again (forced: no end) removes it
            String late = Layout.metricShard(EXPERIMENT, bad, 0, RunIds.newId(), 99);
            store.putIfAbsent(late, new byte[] {0});
            assertThrows(IllegalArgumentException.class, () -> purge(store).purge(bad, "tester", "late", false));
            Purge.Result third = purge(store).purge(bad, "tester", "late shard", true);
            assertFalse(third.alreadyPurged());
            assertEquals(List.of(late), third.deleted());
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, bad)).isEmpty());
        }
    }

    @Test
    void purgeStoppedByRefusedDeletesIsCompletedByTheNextPurge() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 200, 50);
        try (ObjectStore store = StoreUris.open(uri)) {
            String bad = logged.runIds.get(1);
            new Compactor(store, compactorOptions()).compact(EXPERIMENT);
            long others = LakeProbe.totals(store, EXPERIMENT, tmp).count() - pointsOf(store, bad);

            DeleteRefusingStore refusing =
                    new DeleteRefusingStore(store, 1); // the run has at least run.json and an end manifest
            assertThrows(StoreException.class, () -> purge(refusing).purge(bad, "tester", "data request", false));
            List<ObjectInfo> audit = store.list(Layout.AUDIT);
            assertEquals(1, audit.size(), "the intent is written first and stays");
            assertTrue(store.head(Layout.runIdPointer(bad)).isPresent(), "the pointer goes last");
            assertFalse(store.list(Layout.runPrefix(EXPERIMENT, bad)).isEmpty(), "stopped half-way");

            Purge.Result r = purge(store).purge(bad, "tester", "data request", false);
            assertEquals(audit.get(0).key(), r.auditKey(), "the re-run completes the same audit entry");
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, bad)).isEmpty());
            assertTrue(store.head(Layout.runIdPointer(bad)).isEmpty());
            assertEquals(0, pointsOf(store, bad));
            assertEquals(others, LakeProbe.totals(store, EXPERIMENT, tmp).count());
            assertTrue(store.head(Purge.completionKey(r.auditKey())).isPresent());
        }
    }

    /**
     * A run that made model versions is not purged by accident: the purge names the versions and says how to go on;
     * with the flag it proceeds, the audit entry names them, the versions are untouched and still resolve to their
     * bytes, and their lineage says the run was purged.
     */
    @Test
    void purgeOfARunWithModelVersionsNeedsTheFlagAndKeepsTheVersions() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 20, 10);
        try (ObjectStore store = StoreUris.open(uri)) {
            String made = logged.runIds.get(1);
            byte[] weights = {4, 5, 6};
            String sha = java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(weights));
            store.putIfAbsent(Layout.artifactBlob(sha), weights);
            ModelRegistry registry = new ModelRegistry(store, "tester");
            registry.registerVersion(new ModelRegistry.NewVersion(
                    "fraud", made, new RunEvent.Artifact("model.bin", sha, 3, null, false), null, null, null));
            registry.setAlias("fraud", "champion", 1, "first", null);
            String versionKey = Layout.modelVersion("fraud", 1);
            byte[] versionBefore = store.get(versionKey).orElseThrow();

            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> purge(store).purge(made, "tester", "mistake", false));
            assertTrue(refused.getMessage().contains("models:/fraud/1"), refused.getMessage());
            assertTrue(refused.getMessage().contains("--model-versions-too"), refused.getMessage());
            assertTrue(store.list(Layout.AUDIT).isEmpty(), "a refused purge writes nothing");
            assertTrue(store.head(Layout.runIdPointer(made)).isPresent());
            assertEquals(
                    List.of("models:/fraud/1"),
                    purge(store).plan(made).orElseThrow().modelVersions());

            Purge.Result r = purge(store).purge(made, "tester", "mistake", false, true);

            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, made)).isEmpty(), "the run is purged");
            var audit = Json.MAPPER.readTree(store.get(r.auditKey()).orElseThrow());
            assertEquals("[\"models:/fraud/1\"]", audit.path("model_versions").toString());
            assertArrayEquals(versionBefore, store.get(versionKey).orElseThrow(), "versions are never rewritten");
            ModelVersion v = registry.resolve(ModelUri.parse("models:/fraud@champion"));
            assertArrayEquals(weights, registry.readArtifact(v), "the bytes still resolve");
            ModelLineage lineage = registry.lineage(v);
            assertEquals(r.auditKey(), lineage.purgedBy());
            assertEquals(List.of(), lineage.problems());
        }
    }

    @Test
    void purgeRefusesARunWithoutEndManifestUnlessForced() throws Exception {
        URI uri = freshUri();
        Logged logged = produceRuns(uri, 20, 10);
        try (ObjectStore store = StoreUris.open(uri)) {
            String running = RunIds.newId();
            writeStart(store, running, "running", System.currentTimeMillis());
            store.putIfAbsent(
                    Layout.runIdPointer(running),
                    Json.write(new io.runlake.format.RunIdPointer(FormatVersion.CURRENT, EXPERIMENT, running)));
            assertThrows(IllegalArgumentException.class, () -> purge(store).purge(running, "t", "r", false));
            assertTrue(store.list(Layout.AUDIT).isEmpty(), "a refused purge writes nothing");
            purge(store).purge(running, "t", "r", true);
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, running)).isEmpty());
            assertEquals(
                    3,
                    logged.runIds.stream()
                            .filter(id -> store.head(Layout.runIdPointer(id)).isPresent())
                            .count());
        }
    }
}
