package io.runlake.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.format.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's sweep example: early stopping prunes some trials, and running it again runs nothing twice. */
class SweepSampleTest {
    @TempDir
    Path dir;

    @Test
    void prunesTrialsThatFallBehindAndResumesWithoutRerunning() throws Exception {
        TrackerOptions options = TrackerOptions.defaults()
                .withSpillRoot(dir.resolve("spill"))
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Sweep.Result first;
        Sweep.Result again;
        try (Tracker tracker = Tracker.open(dir.resolve("lake").toUri(), options)) {
            first = SweepSample.run(tracker, "random-search", 8, out);
        }
        try (Tracker tracker = Tracker.open(dir.resolve("lake").toUri(), options)) {
            again = SweepSample.run(tracker, "random-search", 8, out);
        }
        System.out.print(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(8, first.ranNow());
        assertTrue(first.trials().stream().anyMatch(Sweep.TrialResult::pruned), "nothing pruned");
        assertTrue(first.trials().stream().anyMatch(t -> t.status() == RunStatus.FINISHED && !t.pruned()));
        assertTrue(first.best(true).orElseThrow().value() > 0.9, "best " + first.best(true));
        assertEquals(0, again.ranNow(), "the second start only read the first one's trials back");
        assertEquals(
                first.best(true).orElseThrow().runId(),
                again.best(true).orElseThrow().runId());
        assertEquals(RunStatus.FINISHED, again.parentStatus());
        assertEquals(java.util.List.of(first.parentRunId()), again.resumed());
    }
}
