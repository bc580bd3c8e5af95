package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.GoldenBucket;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The golden bucket still has RunLake's older lake log: upgrading it gives the snapshot that log says (once the
     * bucket is regenerated with the lake tables, the upgrade finds nothing to do and the same holds).
     */
    @Test
    void theLakeHoldsWhatTheGoldenLogSays() {
        Path copy = GoldenBucket.copyTo(dir);
        FileObjectStore store = upgraded(copy);
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

    /** Moves the golden bucket's older lake log into the lake tables; nothing to do once it has none. */
    private static FileObjectStore upgraded(Path copy) {
        FileObjectStore store = new FileObjectStore(copy);
        LakeUpgrade.run(new LakeCommitter(store), "golden-test", 1795687800000L);
        return store;
    }

    @Test
    void theViewReadsTheLiveLakeFileAndOnlyTheUncoveredReadableShard() {
        Path copy = GoldenBucket.copyTo(dir);
        LakeView view = LakeView.load(upgraded(copy), MNIST);
        List<String> sources = view.pointSources().stream().toList();
        assertEquals(
                List.of(
                        LakeLayout.metricsFile(MNIST, "01m8bn3000f0000000000000f1"),
                        "runs/experiment=mnist/run=01m8bn2a08g0000000000000r8/metrics/"
                                + "w00000-01m8bn2a08w0000000000000r8-00000002.parquet"),
                sources);
    }
}
