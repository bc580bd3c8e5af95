package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers never lose a point because of maintenance (FORMAT.md §12.3): with the deletion grace at 0, raw shards
 * and merged-away lake files are deleted right after the commit that replaces them, while readers list, read
 * the log and read files. A file that vanished means "read the log again", never "skip it as corrupt".
 */
abstract class ReadDuringMaintenanceSuite {
    static final String EXP = "race";
    static final int RUNS = 3, SHARDS_PER_RUN = 20, POINTS_PER_SHARD = 1000;
    static final long POINTS = (long) RUNS * SHARDS_PER_RUN * POINTS_PER_SHARD;
    /** Values are whole numbers, so the sum is exact in any order. */
    static final double SUM = RUNS * (POINTS / RUNS - 1) * (POINTS / RUNS) / 2.0;

    static final String TOTALS = "SELECT count(*) AS n, sum(value) AS s FROM metrics";

    @TempDir
    Path tmp;

    abstract URI newStore(Path tmp) throws Exception;

    LakeOptions options() {
        return LakeOptions.defaults().withCacheDir(tmp.resolve("cache"));
    }

    /** 60,000 points in 60 shards; every value once. */
    URI writeStore() throws Exception {
        URI uri = newStore(tmp);
        try (Tracker t = Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofHours(1))
                        .withHeartbeatInterval(Duration.ofHours(1))
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            for (int i = 0; i < RUNS; i++) {
                Run r = t.newRun(EXP).name("r" + i).start();
                for (long s = 0; s < SHARDS_PER_RUN * POINTS_PER_SHARD; s++) {
                    r.log("loss", s, s);
                    if ((s + 1) % POINTS_PER_SHARD == 0) r.flush();
                }
                r.finish();
            }
        }
        return uri;
    }

    CompactorOptions graceZero() {
        return CompactorOptions.defaults()
                .withWorkDir(tmp.resolve("work"))
                .withMemory("256MB", 1)
                .withGrace(Duration.ZERO, Duration.ofHours(1));
    }

    void compact(URI uri, CompactorOptions options) {
        try (ObjectStore store = StoreUris.open(uri)) {
            Compactor.Result r = new Compactor(store, options).compact(EXP);
            assertTrue(r.shardsDeleted() > 0 || r.lakeFilesDeleted() > 0, r.toString());
        }
    }

    static void assertAllPoints(Lake lake, String what) {
        Table t = lake.sql(TOTALS);
        assertEquals(
                POINTS + " points, sum " + SUM,
                t.get(0, "n") + " points, sum " + t.get(0, "s"),
                what + " (problems: " + lake.problems() + ")");
        assertTrue(lake.problems().isEmpty(), what + ": " + lake.problems());
        assertEquals(
                POINTS,
                ((Number) lake.sql("SELECT sum(points) AS p FROM metric_summary")
                                .get(0, "p"))
                        .longValue(),
                what);
    }

    /**
     * A session opened before maintenance deleted the shards it reads: its next query reads the log again
     * and answers exactly.
     */
    @Test
    void openSessionReloadsWhenMaintenanceDeletesWhatItReads() throws Exception {
        URI uri = writeStore();
        try (Lake session = Lake.open(uri, options())) {
            assertAllPoints(session, "before compaction");
            compact(uri, graceZero());
            afterMaintenance(uri);
            assertAllPoints(session, "after the shards it listed were compacted and deleted");
            assertEquals(1, session.reloads(), "the session read the log again once");
            assertAllPoints(session, "again");
            assertEquals(1, session.reloads());
        }
    }

    /** The same for a run's history, whose SQL names the run's files itself. */
    @Test
    void historyReloadsWhenMaintenanceDeletesWhatItReads() throws Exception {
        URI uri = writeStore();
        try (Lake session = Lake.open(uri, options())) {
            String run = (String)
                    session.sql("SELECT run_id FROM runs WHERE name = 'r1'").get(0, "run_id");
            compact(uri, graceZero());
            afterMaintenance(uri);
            History h = session.history(run, "loss", 0);
            assertEquals(1, session.reloads());
            assertEquals(POINTS / RUNS, h.totalPoints());
            for (int i = 0; i < h.points().size(); i++) {
                assertEquals(
                        List.of((long) i, (double) i),
                        List.of(h.points().get(i).step(), h.points().get(i).value()));
            }
        }
    }

    /** What else happens after maintenance before the session reads again (S3: another open refreshes the shared cache). */
    void afterMaintenance(URI uri) {}

    /**
     * Readers (fresh opens and one long-lived session) run while a compactor works in small batches and merges
     * files, deleting everything it replaces at once; after every commit the compactor waits for one more read.
     * Every read returns every point exactly once.
     */
    @Test
    void readersSeeEveryPointWhileCompactingAtGraceZero() throws Exception {
        URI uri = writeStore();
        Semaphore readDone = new Semaphore(0);
        AtomicInteger commits = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompactorOptions options = graceZero()
                .withBatch(128 * CompactorOptions.MiB, 2)
                .withFiles(64 * 1024, 2, 500_000) // files of ~16 KiB are small: they get merged
                .withHook(step -> {
                    if (!step.equals("committed")) return;
                    commits.incrementAndGet();
                    try {
                        // let a reader run between commits (the bound only keeps a failed test from hanging)
                        if (!stop.get()) readDone.tryAcquire(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<String> failures = new ArrayList<>();
        int reads = 0;
        try (Lake session = Lake.open(uri, options())) {
            Future<Compactor.Result> compaction = pool.submit(() -> {
                try (ObjectStore store = StoreUris.open(uri)) {
                    return new Compactor(store, options).compact(EXP);
                }
            });
            while (!compaction.isDone()) {
                try (Lake fresh = Lake.open(uri, options())) {
                    assertAllPoints(fresh, "fresh open #" + reads);
                    assertAllPoints(session, "session read #" + reads);
                } catch (Throwable e) {
                    stop.set(true);
                    failures.add(e.toString());
                    break;
                } finally {
                    reads++;
                    readDone.release();
                }
            }
            stop.set(true);
            readDone.release(1000);
            Compactor.Result r = compaction.get();
            assertEquals(List.of(), failures);
            assertTrue(
                    r.shardsDeleted() == RUNS * SHARDS_PER_RUN && r.filesMerged() > 0 && r.lakeFilesDeleted() > 0,
                    r.toString());
            assertTrue(reads >= commits.get(), reads + " reads, " + commits + " commits");
            assertAllPoints(session, "session after compaction");
            // it opened on 60 shards that are all deleted now: it must have read the log again
            assertTrue(session.reloads() >= 1, "session reloads: " + session.reloads());
            System.out.println(getClass().getSimpleName() + ": " + reads + " reads during " + commits + " commits, "
                    + session.reloads() + " session reloads, " + r);
            try (Lake fresh = Lake.open(uri, options())) {
                assertAllPoints(fresh, "fresh open after compaction");
            }
        } finally {
            stop.set(true);
            readDone.release(1000);
            pool.shutdownNow();
        }
    }
}
