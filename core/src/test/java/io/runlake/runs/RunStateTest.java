package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.runlake.format.RunEnd;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
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

    private static RunEnd end(int worker, String writer, String status, long time, RunEnd.ErrorInfo error) {
        return new RunEnd(1, RunEnd.KIND, "e", RUN, worker, writer, status, time, error, 0, 0, 0);
    }
}
