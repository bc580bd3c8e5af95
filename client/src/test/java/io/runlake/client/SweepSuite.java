package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.format.RunStatus;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.Lakes;
import io.runlake.testing.S3ProxyServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps on every store: the points each sampler gives, early stopping, resuming after a SIGKILL (FORMAT.md §9.5). */
abstract class SweepSuite {
    static final String EXPERIMENT = "sweeps";
    /** (a, b, count) of {@link #sweep}'s six points, each evaluated once. */
    private static final List<List<Object>> EACH_POINT_ONCE = List.of(
            List.of(1L, "x", 1L),
            List.of(1L, "y", 1L),
            List.of(2L, "x", 1L),
            List.of(2L, "y", 1L),
            List.of(3L, "x", 1L),
            List.of(3L, "y", 1L));

    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path tmp;

    protected abstract URI newStoreUri(String name);

    private URI freshUri() {
        return newStoreUri("s" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    static TrackerOptions options(Path spill) {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    /** Six grid points: a in {1, 2, 3} × b in {x, y}; {@link #score} is known for each. */
    static Sweep.Builder sweep(Tracker tracker) {
        return Sweep.builder(tracker, EXPERIMENT, "grid-6")
                .space(SearchSpace.create().choice("a", 1, 2, 3).choice("b", "x", "y"))
                .grid()
                .maximize("score");
    }

    static double score(Trial t) {
        return t.getInt("a") + ("x".equals(t.getString("b")) ? 0.5 : 0);
    }

    private Path mirror(ObjectStore store) throws Exception {
        return Lakes.mirror(store, Files.createTempDirectory(tmp, "mirror"));
    }

    private static String startsOf(Path lake) {
        return lit(lake.resolve(Layout.experimentPrefix(EXPERIMENT)).toString() + "/*/run.json");
    }

    private static String endsOf(Path lake) {
        return lit(lake.resolve(Layout.experimentPrefix(EXPERIMENT)).toString() + "/*/end/*.json");
    }

    /** (a, b, count) of the FINISHED trial runs of each point, whatever their parent. */
    private static List<List<Object>> finishedTrialsPerPoint(Path lake) {
        return query("select s.params.a, s.params.b, count(*) from read_json(" + startsOf(lake)
                + ", union_by_name = true) s join read_json(" + endsOf(lake)
                + ", union_by_name = true) e using (run_id) where s.tags.\"sweep.role\" = 'trial'"
                + " and e.status = 'FINISHED' group by all order by 1, 2");
    }

    /** A child process's tracker: quick flushes, its own spill folder. */
    static Tracker openChildTracker(String uri, String spill) {
        return Tracker.open(
                URI.create(uri),
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofMillis(100))
                        .withSpillRoot(Path.of(spill))
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO));
    }

    @Test
    void aGridEvaluatesEveryPointOnceUnderOneFinishedParent() throws Exception {
        URI uri = freshUri();
        Sweep.Result result;
        try (Tracker tracker = Tracker.open(uri, options(tmp.resolve("spill")))) {
            result = sweep(tracker).build().run(t -> t.report(0, score(t)));
        }
        assertEquals(RunStatus.FINISHED, result.parentStatus());
        assertEquals(6, result.trials().size());
        assertEquals(3.5, result.best(true).orElseThrow().value());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            // each (a, b) once, every trial a child of the one parent, FINISHED
            assertEquals(
                    EACH_POINT_ONCE,
                    query("select s.params.a, s.params.b, count(*) from read_json(" + startsOf(lake)
                            + ", union_by_name = true) s join read_json(" + endsOf(lake)
                            + ", union_by_name = true) e using (run_id) where s.parent_run_id = "
                            + lit(result.parentRunId()) + " and e.status = 'FINISHED' group by all order by 1, 2"));
            List<List<Object>> parent =
                    query("select s.name, s.tags.\"sweep.role\", s.params.\"sweep.method\", e.status"
                            + " from read_json(" + startsOf(lake) + ", union_by_name = true) s join read_json("
                            + endsOf(lake)
                            + ", union_by_name = true) e using (run_id) where s.run_id = " + lit(result.parentRunId()));
            assertEquals("grid-6", parent.get(0).get(0));
            assertEquals(Sweep.ROLE_PARENT, parent.get(0).get(1));
            assertTrue(String.valueOf(parent.get(0).get(2)).contains("\"sampler\":\"grid\""), parent.toString());
            assertEquals("FINISHED", parent.get(0).get(3));
        }
    }

    @Test
    void randomPointsAreReproducibleWithASeed() throws Exception {
        SearchSpace space = SearchSpace.create()
                .logUniform("lr", 1e-4, 1e-1)
                .uniform("dropout", 0.0, 0.5)
                .intRange("layers", 1, 4)
                .choice("optimizer", "sgd", "adam");
        List<Map<String, Object>> first = space.random(20, 7);
        assertEquals(first, space.random(20, 7));
        assertEquals(first.subList(0, 5), space.random(5, 7), "point i depends on the seed and i only");
        assertNotEquals(first, space.random(20, 8));
        Set<Object> optimizers = new HashSet<>();
        for (Map<String, Object> p : first) {
            double lr = (double) p.get("lr");
            assertTrue(lr >= 1e-4 && lr < 1e-1, "lr " + lr);
            assertTrue((double) p.get("dropout") < 0.5);
            long layers = (long) p.get("layers");
            assertTrue(layers >= 1 && layers <= 4);
            optimizers.add(p.get("optimizer"));
        }
        assertEquals(Set.of("sgd", "adam"), optimizers);
        // a log-uniform draw spreads over the decades, not bunched at the top
        assertTrue(first.stream().anyMatch(p -> (double) p.get("lr") < 1e-2));

        // the runs record the drawn points
        URI uri = freshUri();
        Sweep.Result result;
        try (Tracker tracker = Tracker.open(uri, options(tmp.resolve("spill")))) {
            result = Sweep.builder(tracker, EXPERIMENT, "random")
                    .space(space)
                    .random(4, 7)
                    .minimize("loss")
                    .build()
                    .run(t -> t.report(0, t.getDouble("lr")));
        }
        for (int i = 0; i < 4; i++)
            assertEquals(first.get(i), result.trials().get(i).params());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            assertEquals(
                    first.get(0).get("lr"),
                    query("select params.lr from read_json(" + startsOf(lake)
                                    + ", union_by_name = true) where tags.\"sweep.trial\" = '0'")
                            .get(0)
                            .get(0));
        }
    }

    @Test
    void successiveHalvingStopsTheTrialsBehindAtEachRung() throws Exception {
        // curves with known order: trial q reports q·(step+1)/(step+2), rungs at steps 1, 2, 4, 8 (factor 2)
        List<Map<String, Object>> points = new ArrayList<>();
        for (double q : new double[] {0.5, 0.9, 0.1, 0.95, 0.2, 0.3}) points.add(Map.of("q", q));
        URI uri = freshUri();
        Sweep.Result result;
        try (Tracker tracker = Tracker.open(uri, options(tmp.resolve("spill")))) {
            result = Sweep.builder(tracker, EXPERIMENT, "halving")
                    .points(points)
                    .successiveHalving(1, 2)
                    .maximize("acc")
                    .build()
                    .run(t -> {
                        for (long step = 0; step <= 8; step++) {
                            t.report(step, t.getDouble("q") * (step + 1) / (step + 2));
                            if (t.shouldStop()) return;
                        }
                    });
        }
        // n values at a rung keep the best max(1, n / 2): 0.1 is third of 3 at rung 0, 0.2 and 0.3 behind three
        List<Boolean> pruned =
                result.trials().stream().map(Sweep.TrialResult::pruned).toList();
        assertEquals(List.of(false, false, true, false, true, true), pruned);
        for (Sweep.TrialResult t : result.trials())
            assertEquals(t.pruned() ? RunStatus.KILLED : RunStatus.FINISHED, t.status(), "trial " + t.index());
        assertEquals(0.95 * 9 / 10, result.best(true).orElseThrow().value(), 1e-12);
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String shards = lit(lake.resolve(Layout.experimentPrefix(EXPERIMENT)) + "/*/metrics/*.parquet");
            // pruned trials stopped at the first rung (steps 0 and 1); the others ran all 9 steps
            for (Sweep.TrialResult t : result.trials()) {
                assertEquals(
                        t.pruned() ? 1L : 8L,
                        query("select max(step) from read_parquet(" + shards + ") where run_id = " + lit(t.runId())
                                        + " and key = 'acc'")
                                .get(0)
                                .get(0),
                        "trial " + t.index());
            }
            List<List<Object>> tags = query("select tags.\"sweep.trial\", e.status from read_json(" + startsOf(lake)
                    + ", union_by_name = true) s join read_json(" + endsOf(lake)
                    + ", union_by_name = true) e using (run_id) where s.tags.\"sweep.role\" = 'trial' order by 1");
            assertEquals(
                    List.of("FINISHED", "FINISHED", "KILLED", "FINISHED", "KILLED", "KILLED"),
                    tags.stream().map(r -> r.get(1)).toList());
        }
    }

    @Test
    void aSweepKilledMidWayResumesAndEvaluatesEveryPointExactlyOnce() throws Exception {
        URI uri = freshUri();
        String crashedTrial = killChildSweepAt(uri, 3);

        Sweep.Result result;
        try (Tracker tracker = Tracker.open(uri, options(tmp.resolve("spill-resume")))) {
            // the dead process's trial 3 was just active: its claim holds, a new attempt runs the unclaimed rest
            List<Integer> unclaimed = new ArrayList<>();
            Sweep.Result partial = sweep(tracker).build().run(t -> {
                unclaimed.add(t.index());
                t.report(0, score(t));
            });
            assertEquals(List.of(4, 5), unclaimed);
            assertEquals(RunStatus.RUNNING, partial.trials().get(3).status());
            assertEquals(crashedTrial, partial.trials().get(3).runId());

            // other points under the same name are refused: resuming would mix two sweeps
            assertThrows(
                    IllegalStateException.class,
                    () -> Sweep.builder(tracker, EXPERIMENT, "grid-6")
                            .space(SearchSpace.create().choice("a", 1, 2, 3, 4).choice("b", "x", "y"))
                            .grid()
                            .maximize("score")
                            .staleAfter(Duration.ZERO)
                            .build()
                            .run(t -> {}));

            List<Integer> ranNow = new ArrayList<>();
            result = sweep(tracker).staleAfter(Duration.ZERO).build().run(t -> {
                ranNow.add(t.index());
                t.report(0, score(t));
            });
            assertEquals(List.of(3), ranNow, "finished trials are not run again");
        }
        assertEquals(RunStatus.FINISHED, result.parentStatus());
        assertEquals(2, result.resumed().size());
        assertEquals(1, result.rerun());
        assertEquals(3.5, result.best(true).orElseThrow().value());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            assertEquals(EACH_POINT_ONCE, finishedTrialsPerPoint(lake));
            // the crashed try stays as it was (no end); its re-run names it
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, crashedTrial) + "end/")
                    .isEmpty());
            assertEquals(
                    List.of(List.of("3", crashedTrial, result.parentRunId())),
                    query("select tags.\"sweep.trial\", tags.\"sweep.rerun_of\", parent_run_id from read_json("
                            + startsOf(lake) + ", union_by_name = true) where tags.\"sweep.rerun_of\" is not null"));
            // the new parent names the attempt it resumes, and ends FINISHED
            assertEquals(
                    List.of(List.of(String.join(",", result.resumed()), "FINISHED")),
                    query("select s.tags.\"sweep.resumes\", e.status from read_json(" + startsOf(lake)
                            + ", union_by_name = true) s join read_json(" + endsOf(lake)
                            + ", union_by_name = true) e using (run_id) where s.run_id = "
                            + lit(result.parentRunId())));
        }
        assertFalse(result.trials().get(0).runId().equals(result.trials().get(3).runId()));
        assertEquals(
                List.of(true, true, true, false, true, true),
                result.trials().stream().map(Sweep.TrialResult::earlier).toList());
        // trial 3's crashed attempt 0 was claimed again as attempt 1
        try (ObjectStore store = StoreUris.open(uri)) {
            assertTrue(store.head(Layout.sweepClaim(EXPERIMENT, "grid-6", 3, 1)).isPresent());
            assertTrue(store.head(Layout.sweepClaim(EXPERIMENT, "grid-6", 4, 1)).isEmpty());
        }
    }

    /** Runs {@link SweepKillChild} on {@code uri} until trial {@code k} hangs, kills it with SIGKILL; the hung trial's run id. */
    private String killChildSweepAt(URI uri, int k) throws Exception {
        List<String> cmd = javaCommand(
                uri,
                SweepKillChild.class,
                uri.toString(),
                tmp.resolve("spill-child").toString(),
                Integer.toString(k));
        Process child = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("HANG ")) return line.substring(5);
            }
            throw new AssertionError("the child sweep ended without hanging (exit " + child.waitFor() + ")");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no end manifests
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /** A JVM running {@code main} with this test's class path (and S3Proxy's credentials for an s3: store). */
    private static List<String> javaCommand(URI uri, Class<?> main, String... args) {
        List<String> cmd =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if ("s3".equals(uri.getScheme())) {
            cmd.add("-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY);
            cmd.add("-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY);
            cmd.add("-Daws.region=us-east-1");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void twoProcessesRunningOneSweepShareItsTrialsAndRunEachOnce() throws Exception {
        URI uri = freshUri();
        int processes = 2;
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (int p = 0; p < processes; p++) {
                Path out = tmp.resolve("share-" + p + ".out");
                outputs.add(out);
                children.add(new ProcessBuilder(javaCommand(
                                uri,
                                SweepShareChild.class,
                                uri.toString(),
                                tmp.resolve("spill-share-" + p).toString(),
                                Integer.toString(processes)))
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            for (Process c : children) {
                assertTrue(c.waitFor(5, TimeUnit.MINUTES), "a sweep process hung"); // a failure guard only
                assertEquals(0, c.exitValue());
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        // each process ran some trials (they overlapped), none ran one the other ran, together all six
        List<Integer> all = new ArrayList<>();
        for (Path out : outputs) {
            List<Integer> ran = Files.readAllLines(out).stream()
                    .filter(l -> l.startsWith("RAN "))
                    .map(l -> Integer.parseInt(l.substring(4)))
                    .toList();
            assertFalse(ran.isEmpty(), "a process ran no trial: " + out);
            all.addAll(ran);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), all.stream().sorted().toList());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            // one trial run per point in the store, FINISHED, under one of the two parents
            assertEquals(EACH_POINT_ONCE, finishedTrialsPerPoint(lake));
            assertEquals(
                    List.of(List.of(6L, 2L)),
                    query("select count(*) filter (where tags.\"sweep.role\" = 'trial'),"
                            + " count(*) filter (where tags.\"sweep.role\" = 'parent') from read_json("
                            + startsOf(lake) + ", union_by_name = true)"));
            // one claim per trial, all first attempts, each naming its claimer
            List<List<Object>> claims = query("select trial, attempt, host, pid > 0, parent_run_id from read_json("
                    + lit(lake.resolve(Layout.sweepClaimsPrefix(EXPERIMENT, "grid-6")) + "/*.json")
                    + ") order by trial");
            assertEquals(6, claims.size());
            for (int i = 0; i < 6; i++) {
                assertEquals(List.of((long) i, 0L), claims.get(i).subList(0, 2));
                assertEquals(true, claims.get(i).get(3));
            }
            assertEquals(2, claims.stream().map(c -> c.get(4)).distinct().count(), "both processes claimed");
        }
    }

    @Test
    void aFailingTrialEndsFailedAndTheSweepGoesOn() throws Exception {
        URI uri = freshUri();
        Sweep.Result result;
        try (Tracker tracker = Tracker.open(uri, options(tmp.resolve("spill")))) {
            result = sweep(tracker).build().run(t -> {
                if (t.index() == 1) throw new IllegalStateException("diverged");
                t.report(0, score(t));
            });
        }
        assertEquals(RunStatus.FAILED, result.trials().get(1).status());
        assertEquals("diverged", result.trials().get(1).error());
        assertEquals(
                5,
                result.trials().stream()
                        .filter(t -> t.status() == RunStatus.FINISHED)
                        .count());
        assertEquals(RunStatus.FINISHED, result.parentStatus());
        assertNotNull(result.best(true).orElseThrow());
    }
}
