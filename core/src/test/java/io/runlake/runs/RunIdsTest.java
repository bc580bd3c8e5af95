package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunIdsTest {
    @Test
    void sweepRunsSharingTheirTimePrefixGetTheShortestUniquePrefix() {
        List<String> all = List.of(
                "01m8fq0x0dpp9r7mxjv84y18f2",
                "01m8fq0xbytvnm98syw0w9nq91",
                "01m8fq0xqn4kcaw4ccxf1c98yb",
                "01m8fq0y5mp5e9tapym8vrhsnz",
                "01m8fq0xbyzzzzzzzzzzzzzzzz");
        Map<String, String> shown = RunIds.abbreviate(all, all);
        assertEquals("01m8fq0x0", shown.get("01m8fq0x0dpp9r7mxjv84y18f2"));
        assertEquals("01m8fq0xbyt", shown.get("01m8fq0xbytvnm98syw0w9nq91"));
        assertEquals("01m8fq0xbyz", shown.get("01m8fq0xbyzzzzzzzzzzzzzzzz"));
        assertEquals("01m8fq0y", shown.get("01m8fq0y5mp5e9tapym8vrhsnz"));
        for (var e : shown.entrySet()) {
            long matches =
                    all.stream().filter(id -> id.startsWith(e.getValue())).count();
            assertEquals(1, matches, e.getValue() + " must name exactly one run");
        }
    }

    @Test
    void aLoneRunShowsTheMinimumLengthAndAnIdIsNeverLongerThanItself() {
        assertEquals("01m8fq0x", RunIds.abbreviate("01m8fq0x0dpp9r7mxjv84y18f2", List.of()));
        assertEquals("abc", RunIds.abbreviate("abc", List.of("abc", "abd")));
    }

    @Test
    void hashesShowAtLeastTwelveHexDigitsAndMoreWhereTwoShareThem() {
        String a = "3f7a9c0d1e2b" + "4".repeat(52), b = "3f7a9c0d1e2b" + "5".repeat(52), c = "9".repeat(64);
        Map<String, String> shown = RunIds.abbreviateHashes(List.of(a, b, c), List.of(a, b, c));
        assertEquals("3f7a9c0d1e2b4", shown.get(a));
        assertEquals("3f7a9c0d1e2b5", shown.get(b));
        assertEquals("9".repeat(RunIds.MIN_HASH_SHOWN), shown.get(c));
    }
}
