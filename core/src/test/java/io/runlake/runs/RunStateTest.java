package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fold of one run's objects follows FORMAT.md §8.2: every writer that started must end before FINISHED. */
class RunStateTest {
    private static final String RUN = "01aaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String W0 = "01bbbbbbbbbbbbbbbbbbbbbbbb", W1 = "01cccccccccccccccccccccccc";
    private static final long T = 1_795_687_487_000L, TIMEOUT = 60_000L;

    @Test
    void finishedOnlyWhenEveryWriterHasEndedAndFailureWins() {
        RunState s = new RunState(RUN);
        s.addStart(
                new RunStart(1, RunStart.KIND, "e", RUN, "n", null, T, 0, W0, Map.of(), Map.of(), Map.of(), Map.of()));
        s.addWorker(new WorkerStart(1, WorkerStart.KIND, "e", RUN, 1, W1, T + 1, Map.of()));
        assertNull(s.endTimeMs(s.status(T + 2, TIMEOUT)));
        assertEquals(RunStatus.RUNNING, s.status(T + 2, TIMEOUT));
        assertEquals(RunStatus.CRASHED, s.status(T + 2 + TIMEOUT, TIMEOUT));
        s.addEnd(end(0, W0, "FINISHED", T + 5, null));
        assertEquals(RunStatus.RUNNING, s.status(T + 6, TIMEOUT), "worker 1 is still open");
        s.addEnd(end(1, W1, "FAILED", T + 9, new RunEnd.ErrorInfo("E", "boom", null)));
        assertEquals(RunStatus.FAILED, s.status(T + 10, TIMEOUT));
        assertEquals(T + 9, s.endTimeMs(RunStatus.FAILED));
        assertEquals("E: boom", s.error());
        assertEquals(T + 9, s.lastActivityMs());
    }

    @Test
    void aRunWithNoObjectsHasNoTimes() {
        RunState s = new RunState(RUN);
        assertNull(s.startTimeMs());
        assertNull(s.lastActivityMs());
        assertEquals(RunStatus.CRASHED, s.status(T, TIMEOUT));
    }

    @Test
    void artifactsAndInputsComeInEventOrderWithTheirTimeAndWorker() {
        RunState s = new RunState(RUN);
        s.addEvent(artifact(1, W1, T + 5, "late"), 0);
        s.addEvent(artifact(0, W0, T + 2, "second"), 7);
        s.addEvent(artifact(0, W0, T + 2, "first"), 3);
        s.addEvent(
                new RunEvent(
                        1,
                        RunEvent.INPUT,
                        "e",
                        RUN,
                        0,
                        W0,
                        T + 1,
                        null,
                        null,
                        null,
                        new RunEvent.Input("train", "s3://d/", "train", null, "\"e\"", null, 10, 2)),
                1);
        assertEquals(
                List.of("first@0", "second@0", "late@1"),
                s.artifacts().stream()
                        .map(a -> a.value().name() + "@" + a.worker())
                        .toList());
        assertEquals(
                List.of(T + 1),
                s.inputs().stream().map(RunLineage.Recorded::timeMs).toList());
        assertEquals(
                Arrays.asList(
                        "late",
                        null,
                        5L,
                        "s3://x",
                        true,
                        OffsetDateTime.ofInstant(Instant.ofEpochMilli(T + 5), ZoneOffset.UTC),
                        1),
                Arrays.asList(RunLineage.artifactValues(s.artifacts().get(2))),
                "values in the order of the index's struct fields");
    }

    private static RunEvent artifact(int worker, String writer, long time, String name) {
        return new RunEvent(
                1,
                RunEvent.ARTIFACT,
                "e",
                RUN,
                worker,
                writer,
                time,
                null,
                null,
                new RunEvent.Artifact(name, null, 5, "s3://x", true),
                null);
    }

    private static RunEnd end(int worker, String writer, String status, long time, RunEnd.ErrorInfo error) {
        return new RunEnd(1, RunEnd.KIND, "e", RUN, worker, writer, status, time, error, 0, 0, 0);
    }
}
