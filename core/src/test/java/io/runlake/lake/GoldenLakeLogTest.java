package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import io.runlake.testing.GoldenBucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's readers of the golden bucket: key layout, the lake log and its checkpoint, the exactly-once file view. */
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
    void theCheckpointAndTheReplayOfEveryEntryGiveTheSameSnapshot() throws Exception {
        Path copy = GoldenBucket.copyTo(dir);
        FileObjectStore store = new FileObjectStore(copy);
        LakeSnapshot viaCheckpoint = LakeSnapshot.load(store, MNIST);
        Files.delete(copy.resolve(LakeLayout.checkpoint(MNIST, 0)));
        LakeSnapshot replayed = LakeSnapshot.load(store, MNIST);
        assertEquals(
                new String(Json.write(replayed.toCheckpoint(FormatVersion.CURRENT))),
                new String(Json.write(viaCheckpoint.toCheckpoint(FormatVersion.CURRENT))));

        assertEquals(2, viaCheckpoint.version());
        assertEquals(
                List.of(LakeLayout.metricsFile(MNIST, "01m8bn3000f0000000000000f1")),
                viaCheckpoint.liveFiles().stream().map(DataFile::path).toList());
        assertEquals(3, viaCheckpoint.coveredShards().size());
        assertEquals(1, viaCheckpoint.quarantined().size());
        assertEquals(LakeLayout.runsIndexFile(MNIST, "01m8bn3000f0000000000000x1"), viaCheckpoint.indexFile());
        assertEquals(2, viaCheckpoint.indexVersion());
    }

    @Test
    void theCheckpointFileIsWhatTheReplayOfItsVersionSays() throws Exception {
        Path copy = GoldenBucket.copyTo(dir);
        FileObjectStore store = new FileObjectStore(copy);
        for (long v = 1; v <= 2; v++) Files.delete(copy.resolve(LakeLayout.logEntry(MNIST, v)));
        Files.delete(copy.resolve(LakeLayout.checkpoint(MNIST, 0)));
        LakeSnapshot v0 = LakeSnapshot.load(store, MNIST);
        Path golden = GoldenBucket.copyTo(dir.resolve("again"));
        assertEquals(
                Files.readString(golden.resolve(LakeLayout.checkpoint(MNIST, 0))),
                new String(Json.write(v0.toCheckpoint(FormatVersion.CURRENT))));
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
