package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunIdsOrderTest {
    @Test
    void afterSortsAfterAnIdOfTheSameMillisecondOrOfAClockAhead() {
        long ahead = System.currentTimeMillis() + 3_600_000;
        String previous = RunIds.newId(ahead);
        for (int i = 0; i < 10_000; i++) {
            String next = RunIds.after(previous);
            assertTrue(RunIds.isValid(next), next);
            assertTrue(next.compareTo(previous) > 0, next + " sorts after " + previous);
            assertEquals(RunIds.timeOf(previous), RunIds.timeOf(next), "the same millisecond while it lasts");
            previous = next;
        }
    }

    @Test
    void afterAnExhaustedMillisecondTakesTheNext() {
        long ahead = System.currentTimeMillis() + 3_600_000;
        String last = RunIds.floorOf(ahead).substring(0, 10) + "z".repeat(16);
        String next = RunIds.after(last);
        assertTrue(next.compareTo(last) > 0);
        assertEquals(ahead + 1, RunIds.timeOf(next).toEpochMilli());
    }

    @Test
    void afterAnOlderIdIsAFreshId() {
        String old = RunIds.newId(1_000);
        long before = System.currentTimeMillis();
        assertTrue(RunIds.timeOf(RunIds.after(old)).toEpochMilli() >= before);
        assertTrue(RunIds.timeOf(RunIds.after(null)).toEpochMilli() >= before);
    }
}
