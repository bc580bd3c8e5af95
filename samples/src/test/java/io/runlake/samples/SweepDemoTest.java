package io.runlake.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.RunStatus;
import io.runlake.testing.Lakes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole sweep against a local file store and checks what landed on disk. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepDemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    SweepDemo.Summary summary;
    String printed;
    Path experimentDir;
    /** run id -> its run.json */
    Map<String, Map<String, Object>> starts = new HashMap<>();

    @BeforeAll
    void runSweep(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrackerOptions options =
                TrackerOptions.defaults().withSpillRoot(dir.resolve("spill")).withShutdownHook(false);
        long t0 = System.nanoTime();
        try (Tracker tracker = Tracker.open(dir.toUri(), options);
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            summary = SweepDemo.run(tracker, out, dir.resolve("demo-files"));
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        System.out.printf("sweep took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        experimentDir = dir.resolve("runs").resolve("experiment=spirals");
        for (Path runJson :
                find(experimentDir, 2, p -> p.getFileName().toString().equals("run.json"))) {
            Map<String, Object> start = read(runJson);
            starts.put((String) start.get("run_id"), start);
        }
    }

    @Test
    void everyRunHasAStartManifestAndChildrenPointAtTheParent() {
        assertTrue(starts.size() >= 13, "run.json files: " + starts.size());
        assertEquals(summary.totalRuns(), starts.size());
        String parentId = summary.parent().runId();
        assertEquals(summary.parent().name(), starts.get(parentId).get("name"));
        assertEquals(null, starts.get(parentId).get("parent_run_id"));
        // the grid ran through the Sweep API: the parent records the method, each child its index in the sweep
        @SuppressWarnings("unchecked")
        Map<String, Object> parentTags =
                (Map<String, Object>) starts.get(parentId).get("tags");
        assertEquals(Sweep.ROLE_PARENT, parentTags.get(Sweep.TAG_ROLE));
        assertEquals(summary.parent().name(), parentTags.get(Sweep.TAG_NAME));
        @SuppressWarnings("unchecked")
        Map<String, Object> parentParams =
                (Map<String, Object>) starts.get(parentId).get("params");
        assertTrue(
                String.valueOf(parentParams.get(Sweep.PARAM_METHOD)).contains("\"trials\":14"),
                String.valueOf(parentParams.get(Sweep.PARAM_METHOD)));
        for (SweepDemo.RunResult child : summary.children()) {
            Map<String, Object> start = starts.get(child.runId());
            assertEquals(parentId, start.get("parent_run_id"), child.name());
            assertEquals(child.name(), start.get("name"));
            assertEquals("spirals", start.get("experiment"));
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) start.get("params");
            for (String key : List.of("lr", "hidden_units", "batch_size", "epochs", "seed", "workers")) {
                assertEquals(
                        ((Number) child.params().get(key)).doubleValue(),
                        ((Number) params.get(key)).doubleValue(),
                        child.name() + " " + key);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> tags = (Map<String, Object>) start.get("tags");
            assertEquals("mlp", tags.get("model"));
            assertEquals(Sweep.ROLE_TRIAL, tags.get(Sweep.TAG_ROLE));
            assertEquals(String.valueOf(summary.children().indexOf(child)), tags.get(Sweep.TAG_TRIAL));
        }
        // the sweep really varies its hyperparameters
        assertTrue(summary.children().stream()
                        .map(r -> r.params().get("lr"))
                        .distinct()
                        .count()
                >= 3);
        assertTrue(summary.children().stream()
                        .map(r -> r.params().get("hidden_units"))
                        .distinct()
                        .count()
                >= 2);
        assertTrue(summary.children().stream()
                        .map(r -> r.params().get("batch_size"))
                        .distinct()
                        .count()
                >= 2);
        assertTrue(summary.children().stream()
                        .map(r -> r.params().get("seed"))
                        .distinct()
                        .count()
                >= 12);
        assertTrue(summary.children().stream()
                        .map(r -> r.params().get("epochs"))
                        .distinct()
                        .count()
                >= 2);
    }

    @Test
    void theDivergingRunIsRecordedFailedAndTheSweepCarriesOn() throws IOException {
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Path end : find(
                experimentDir, 3, p -> p.getParent().getFileName().toString().equals("end"))) {
            Map<String, Object> e = read(end);
            if ("FAILED".equals(e.get("status"))) failed.add(e);
        }
        assertEquals(1, failed.size(), "FAILED end manifests: " + failed);
        String failedId = (String) failed.get(0).get("run_id");
        assertEquals(SweepDemo.DIVERGING_RUN, starts.get(failedId).get("name"));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) failed.get(0).get("error");
        assertEquals(TrainingDivergedException.class.getName(), error.get("type"));
        assertTrue(String.valueOf(error.get("message")).contains("diverged"), String.valueOf(error.get("message")));

        // its blow-up is visible: the loss that gave the divergence away is its last train/loss
        List<List<Object>> lastLoss = query("select value from read_parquet('" + shards()
                + "', hive_partitioning = false) where run_id = '" + failedId
                + "' and key = 'train/loss' order by step desc limit 1");
        assertEquals(1, lastLoss.size(), "the diverged run logged no train/loss");
        double loss = ((Number) lastLoss.get(0).get(0)).doubleValue();
        assertTrue(Double.isNaN(loss) || loss > Trainer.DIVERGED_LOSS, "last train/loss " + loss);

        assertEquals(
                summary.children().size() - 1,
                summary.children().stream()
                        .filter(r -> r.status() == RunStatus.FINISHED)
                        .count(),
                "children other than the diverging one finish");
        assertEquals(1, summary.count(RunStatus.FAILED));
        assertEquals(RunStatus.FINISHED, summary.parent().status());
        // trials after the failure still ran
        int failedAt = indexOf(SweepDemo.DIVERGING_RUN);
        assertTrue(failedAt < summary.children().size() - 1);
        assertEquals(RunStatus.FINISHED, summary.children().get(failedAt + 1).status());
        assertTrue(printed.contains("FAILED"), printed);
    }

    @Test
    void theDataParallelRunHasBothWorkersEndsAndMetrics() throws Exception {
        SweepDemo.RunResult dp = summary.children().get(indexOf(SweepDemo.DATA_PARALLEL_RUN));
        assertEquals(RunStatus.FINISHED, dp.status());
        Path runDir = experimentDir.resolve("run=" + dp.runId());
        List<Path> ends = find(runDir.resolve("end"), 1, p -> true);
        Map<Integer, String> statusByWorker = new HashMap<>();
        for (Path end : ends) {
            Map<String, Object> e = read(end);
            statusByWorker.put((Integer) e.get("worker"), (String) e.get("status"));
        }
        assertEquals(Map.of(0, "FINISHED", 1, "FINISHED"), statusByWorker);
        assertEquals(
                1,
                find(
                                runDir.resolve("workers"),
                                1,
                                p -> p.getFileName().toString().startsWith("w00001-"))
                        .size());

        int epochs = ((Number) dp.params().get("epochs")).intValue();
        List<List<Object>> perWorker = query("select worker, count(*), max(step) from read_parquet('" + shards()
                + "') where run_id = '" + dp.runId() + "' and key = 'train/loss' group by worker order by worker");
        assertEquals(
                List.of(List.of(0, (long) epochs, (long) epochs - 1), List.of(1, (long) epochs, (long) epochs - 1)),
                perWorker);
        // each worker trains on its own half: different train metrics, the same (shared) model on validation
        List<List<Object>> last = query("select worker, key, value from read_parquet('" + shards()
                + "') where run_id = '" + dp.runId() + "' and step = " + (epochs - 1)
                + " and key in ('train/loss', 'val/loss') order by key, worker");
        assertNotEquals(last.get(0).get(2), last.get(1).get(2), "train/loss of the two workers");
        assertEquals((double) last.get(2).get(2), (double) last.get(3).get(2), 1e-12, "val/loss of the two workers");
        assertTrue(dp.valAccuracy() > 0.85, "data-parallel val/accuracy " + dp.valAccuracy());
    }

    @Test
    void bestFinalValidationAccuracyReadBackFromParquetIsHigh() throws Exception {
        List<List<Object>> best = query(
                "with v as (select run_id, step, value from read_parquet('" + shards()
                        + "') where key = 'val/accuracy' and worker = 0), "
                        + "last as (select run_id, max(step) as step from v group by run_id) "
                        + "select v.run_id, v.value from v join last using (run_id, step) order by v.value desc, v.run_id limit 1");
        String bestRun = (String) best.get(0).get(0);
        double bestAcc = (double) best.get(0).get(1);
        assertTrue(bestAcc > 0.9, "best final val/accuracy " + bestAcc);
        SweepDemo.RunResult expected = summary.best().orElseThrow();
        assertEquals(expected.valAccuracy(), bestAcc, 0.0);
        assertEquals(SweepDemo.EXPERIMENT, starts.get(bestRun).get("experiment"));
        assertEquals(
                expected.valAccuracy(),
                summary.children().stream()
                        .filter(r -> r.runId().equals(bestRun))
                        .findFirst()
                        .orElseThrow()
                        .valAccuracy(),
                0.0);
    }

    @Test
    void everyFinishedChildLoggedEachEpochAndItsModel() throws Exception {
        Map<String, List<Object>> counts = new HashMap<>();
        for (List<Object> row : query(
                "select run_id, count(distinct key), count(*), max(step) from read_parquet('" + shards()
                        + "') where worker = 0 and key in ('train/loss', 'train/accuracy', 'val/loss', 'val/accuracy') group by run_id")) {
            counts.put((String) row.get(0), row.subList(1, 4));
        }
        for (SweepDemo.RunResult child : summary.children()) {
            if (child.status() != RunStatus.FINISHED) continue;
            long epochs = ((Number) child.params().get("epochs")).longValue();
            assertEquals(List.of(4L, 4 * epochs, epochs - 1), counts.get(child.runId()), child.name());

            // the model.bin artifact event points at a stored blob of the right size
            Path events = experimentDir.resolve("run=" + child.runId()).resolve("events");
            List<Map<String, Object>> artifacts = new ArrayList<>();
            for (Path e : find(events, 1, p -> true)) {
                Map<String, Object> ev = read(e);
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) ev.get("artifact");
                if ("artifact".equals(ev.get("kind")) && "model.bin".equals(a.get("name"))) artifacts.add(ev);
            }
            assertEquals(1, artifacts.size(), child.name());
            @SuppressWarnings("unchecked")
            Map<String, Object> artifact =
                    (Map<String, Object>) artifacts.get(0).get("artifact");
            assertEquals("model.bin", artifact.get("name"));
            Path blob = dir.resolve((String) artifact.get("uri"));
            assertTrue(Files.isRegularFile(blob), blob.toString());
            assertEquals(((Number) artifact.get("size")).longValue(), Files.size(blob));
            int hidden = ((Number) child.params().get("hidden_units")).intValue();
            int paramCount = 2 * hidden + hidden + hidden + 1;
            assertEquals(4 + 4 + 3 * 4 + 8L * paramCount, Files.size(blob), child.name());
        }
    }

    @Test
    void everyChildRecordsTheSameDataChecksumsAndTheParentTheSweepConfig() throws Exception {
        String events = experimentDir.resolve("*/events/*.json").toString();
        List<List<Object>> inputs =
                query("select input.name, input.role, count(distinct run_id), count(distinct input.sha256)"
                        + " from read_json('" + events
                        + "', union_by_name = true) where kind = 'input' group by all order by 1");
        assertEquals(
                List.of(
                        List.of("spirals-train", "train", 14L, 1L),
                        List.of("spirals-validation", "validation", 14L, 1L)),
                inputs);
        String expected = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(dir.resolve("demo-files").resolve("spirals-train.csv"))));
        assertEquals(
                expected,
                query("select any_value(input.sha256) from read_json('" + events
                                + "', union_by_name = true) where kind = 'input' and input.name = 'spirals-train'")
                        .get(0)
                        .get(0));
        List<List<Object>> config = query("select count(*) from read_json('" + events + "', union_by_name = true)"
                + " where kind = 'artifact' and artifact.name = 'config/sweep.yaml'");
        assertEquals(1L, config.get(0).get(0));
    }

    @Test
    void summaryNamesTheStoreAndWhereTheRunsWent() {
        assertEquals(dir.toUri(), summary.storeUri());
        assertTrue(printed.contains(summary.experimentLocation()), printed);
        assertTrue(Files.isDirectory(Path.of(URI.create(summary.experimentLocation()))), summary.experimentLocation());
        assertTrue(printed.contains(summary.totalRuns() + " runs"), printed);
    }

    private int indexOf(String name) {
        for (int i = 0; i < summary.children().size(); i++) {
            if (summary.children().get(i).name().equals(name)) return i;
        }
        throw new AssertionError("no child named " + name);
    }

    private String shards() {
        return experimentDir.toString().replace("'", "''") + "/*/metrics/*.parquet";
    }

    private static List<Path> find(Path root, int depth, Predicate<Path> filter) throws IOException {
        try (Stream<Path> s = Files.find(root, depth, (p, a) -> a.isRegularFile() && filter.test(p))) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path json) throws IOException {
        return JSON.readValue(json.toFile(), Map.class);
    }

    private static List<List<Object>> query(String sql) {
        return Lakes.query(sql);
    }
}
