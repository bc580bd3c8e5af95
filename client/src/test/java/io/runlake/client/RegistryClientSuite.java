package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.AliasEvent;
import io.runlake.format.ModelVersion;
import io.runlake.registry.Promotion;
import io.runlake.registry.PromotionRefusedException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model registry through the client API, from a real run to resolved bytes (FORMAT.md §16). */
abstract class RegistryClientSuite {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path tmp;

    protected abstract URI newStoreUri(String name);

    private TrackerOptions options() {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(tmp.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }

    @Test
    void registerPromoteAndResolveTheExactBytesWithTheirLineage() throws Exception {
        Path weights1 = Files.writeString(tmp.resolve("model-1.bin"), "weights of run one");
        Path weights2 = Files.writeString(tmp.resolve("model-2.bin"), "weights of run two");
        Path data = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,2\n");
        URI uri = newStoreUri("registry" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
        try (Tracker tracker = Tracker.open(uri, options())) {
            Run first = tracker.newRun("fraud").param("lr", 0.1).start();
            first.logInput("train", data.toString());
            ArtifactRef a1 = first.logArtifact(weights1, "model.bin");
            first.finish();
            ModelVersion v1 = tracker.models()
                    .registerVersion("fraud", first, a1, Map.of("auc", 0.90), "baseline", Map.of("owner", "risk"));
            assertEquals(1, v1.version());

            Run second = tracker.startRun("fraud");
            ArtifactRef a2 = second.logArtifact(weights2, "model.bin");
            // registered while the run is still open: the run is flushed, so its blob is in the store
            ModelVersion v2 = tracker.registerModel("fraud", second, a2, Map.of("auc", 0.95));
            second.finish();
            assertEquals(2, v2.version());

            Models models = tracker.models();
            models.promote("fraud", "champion", 1, "first model", Promotion.better("auc"));
            assertThrows(
                    PromotionRefusedException.class,
                    () -> models.promote("fraud", "champion", 1, "again", Promotion.better("auc")));
            AliasEvent moved = models.promote("fraud", "champion", 2, "beats v1", Promotion.better("auc"));
            assertEquals(1L, moved.previousVersion());
            assertTrue(
                    moved.condition().result().startsWith("better: auc 0.95 vs 0.9"),
                    moved.condition().result());

            Models.ResolvedModel champion = models.resolve("models:/fraud@champion");
            assertArrayEquals(Files.readAllBytes(weights2), champion.bytes());
            assertEquals(second.id(), champion.version().runId());
            Models.ResolvedModel baseline = models.resolve("models:/fraud/1");
            assertArrayEquals(Files.readAllBytes(weights1), baseline.bytes());
            assertEquals(0.1, ((Number) baseline.lineage().run().params().get("lr")).doubleValue());
            assertEquals(
                    List.of("train"),
                    baseline.lineage().inputs().stream().map(i -> i.name()).toList());
            assertEquals(List.of(), baseline.lineage().problems());
            assertTrue(
                    baseline.lineage().environment().containsKey("user"),
                    baseline.lineage().environment().toString());

            Path out = tmp.resolve("download/model.bin");
            assertEquals(2, models.download("models:/fraud@champion", out).version());
            assertArrayEquals(Files.readAllBytes(weights2), Files.readAllBytes(out));
            assertEquals(2, models.list().versions().size());
        }
    }
}
