package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.DeltaKernelTables;
import io.runlake.testing.GoldenBucket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's readers of the golden bucket: key layout, the lake, the exactly-once file view. */
class GoldenLakeLogTest {
    private static final String MNIST = "mnist";

    @TempDir
    Path dir;

    @Test
    void everyKeyUnderRunsIsAFormatKeyOfAnExperimentOfTheExpectedAnswers() {
        Path copy = GoldenBucket.copyTo(dir);
        var experiments = GoldenBucket.expected(copy).get("experiments");
        for (String key : GoldenBucket.keys(copy)) {
            if (!key.startsWith(Layout.RUNS)) continue;
            var object = Layout.parseRunObject(key);
            assertTrue(object.isPresent(), key);
            assertTrue(experiments.has(object.get().experiment()), key);
        }
    }

    @Test
    void theLakeHoldsWhatTheGoldenLogSays() {
        Path copy = GoldenBucket.copyTo(dir);
        FileObjectStore store = new FileObjectStore(copy);
        LakeSnapshot snapshot = LakeSnapshot.load(store, MNIST);
        assertEquals(
                List.of(LakeLayout.metricsFile(MNIST, "01m8bn3000f0000000000000f1")),
                snapshot.liveFiles().stream().map(DataFile::path).toList());
        for (String run : List.of("7", "8", "9")) {
            String id = "01m8bn2a0" + run;
            assertTrue(
                    snapshot.isCovered("runs/experiment=mnist/run=" + id + "g0000000000000r" + run + "/metrics/w00000-"
                            + id + "w0000000000000r" + run + "-00000000.parquet"),
                    run);
        }
        assertEquals(1, snapshot.quarantined().size());
        assertEquals(LakeLayout.runsIndexFile(MNIST, "01m8bn3000f0000000000000x1"), snapshot.indexFile());
    }

    /**
     * Delta Kernel, an independent reader, reads the golden tables (FORMAT.md §12.1): mnist's compacted points in
     * the metrics table with the experiment as partition value, and its runs index in the runs table.
     */
    @Test
    void deltaKernelReadsTheGoldenTables() {
        Path copy = GoldenBucket.copyTo(dir);
        FileObjectStore store = new FileObjectStore(copy);
        LakeSnapshot snapshot = LakeSnapshot.load(store, MNIST);
        Path metrics = copy.resolve(LakeTable.METRICS.root());
        assertEquals(1, DeltaKernelTables.version(metrics));
        assertEquals(Map.of(MNIST, snapshot.liveFiles().get(0).rows()), DeltaKernelTables.countsByExperiment(metrics));
        assertTrue(DeltaKernelTables.domainMetadata(metrics, "runlake.quarantine/" + MNIST)
                .isPresent());
        Path runs = copy.resolve(LakeTable.RUNS.root());
        List<Map<String, Object>> rows = DeltaKernelTables.rows(runs);
        assertTrue(rows.size() > 0);
        assertTrue(rows.stream().allMatch(r -> MNIST.equals(r.get("experiment"))), rows.toString());
    }

    @Test
    void theViewReadsTheLiveLakeFileAndOnlyTheUncoveredReadableShard() {
        Path copy = GoldenBucket.copyTo(dir);
        LakeView view = LakeView.load(new FileObjectStore(copy), MNIST);
        List<String> sources = view.pointSources().stream().toList();
        assertEquals(
                List.of(
                        LakeLayout.metricsFile(MNIST, "01m8bn3000f0000000000000f1"),
                        "runs/experiment=mnist/run=01m8bn2a08g0000000000000r8/metrics/"
                                + "w00000-01m8bn2a08w0000000000000r8-00000002.parquet"),
                sources);
    }
}
