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
            // the dead attempt was just active: a new one refuses until it has been silent long enough
            IllegalStateException active = assertThrows(
                    IllegalStateException.class, () -> sweep(tracker).build().run(t -> t.report(0, score(t))));
            assertTrue(active.getMessage().contains("looks active"), active.getMessage());

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
            assertEquals(List.of(3, 4, 5), ranNow, "finished trials are not run again");
        }
        assertEquals(RunStatus.FINISHED, result.parentStatus());
        assertEquals(1, result.resumed().size());
        assertEquals(1, result.rerun());
        assertEquals(3.5, result.best(true).orElseThrow().value());
        try (ObjectStore store = StoreUris.open(uri)) {
            Path lake = mirror(store);
            String finishedPerPoint = "select s.params.a, s.params.b, count(*) from read_json(" + startsOf(lake)
                    + ", union_by_name = true) s join read_json(" + endsOf(lake)
                    + ", union_by_name = true) e using (run_id) where s.tags.\"sweep.role\" = 'trial'"
                    + " and e.status = 'FINISHED' group by all order by 1, 2";
            assertEquals(EACH_POINT_ONCE, query(finishedPerPoint));
            // the crashed try stays as it was (no end); its re-run names it
            assertTrue(store.list(Layout.runPrefix(EXPERIMENT, crashedTrial) + "end/")
                    .isEmpty());
            assertEquals(
                    List.of(List.of("3", crashedTrial, result.parentRunId())),
                    query("select tags.\"sweep.trial\", tags.\"sweep.rerun_of\", parent_run_id from read_json("
                            + startsOf(lake) + ", union_by_name = true) where tags.\"sweep.rerun_of\" is not null"));
            // the new parent names the attempt it resumes, and ends FINISHED
            assertEquals(
                    List.of(List.of(result.resumed().get(0), "FINISHED")),
                    query("select s.tags.\"sweep.resumes\", e.status from read_json(" + startsOf(lake)
                            + ", union_by_name = true) s join read_json(" + endsOf(lake)
                            + ", union_by_name = true) e using (run_id) where s.run_id = "
                            + lit(result.parentRunId())));
        }
        assertFalse(result.trials().get(0).runId().equals(result.trials().get(3).runId()));
        assertTrue(result.trials().subList(0, 3).stream().allMatch(Sweep.TrialResult::earlier));
    }

    /** Runs {@link SweepKillChild} on {@code uri} until trial {@code k} hangs, kills it with SIGKILL; the hung trial's run id. */
    private String killChildSweepAt(URI uri, int k) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        if ("s3".equals(uri.getScheme())) {
            cmd.add("-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY);
            cmd.add("-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY);
            cmd.add("-Daws.region=us-east-1");
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                SweepKillChild.class.getName(),
                uri.toString(),
                tmp.resolve("spill-child").toString(),
                Integer.toString(k)));
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
