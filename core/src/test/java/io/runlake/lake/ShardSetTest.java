package io.runlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The set of raw shards a lake file holds: ranges per writer stream, its text form and its lookups. */
class ShardSetTest {
    private static final String EXP = "shards/γ 1";
    private static final String RUN = RunIds.newId();
    private static final String WRITER = RunIds.newId();
    private static final String OTHER_WRITER = RunIds.newId();

    private static String shard(long seq) {
        return Layout.metricShard(EXP, RUN, 0, WRITER, seq);
    }

    private static ShardSet of(long... seqs) {
        return ShardSet.of(LongStream.of(seqs).mapToObj(ShardSetTest::shard).toList());
    }

    /** The stream name of the text form (FORMAT.md: {@code <run id>/w<worker:5 digits>-<writer id>}). */
    private static String stream() {
        return RUN + "/w00000-" + WRITER;
    }

    private static String text(String ranges) {
        return "{\"" + stream() + "\":\"" + ranges + "\"}";
    }

    @Test
    void adjacentOverlappingAndOutOfOrderShardsMergeIntoRanges() {
        assertEquals(text("0-2"), of(0, 1, 2).text());
        assertEquals(text("1,3-5"), of(5, 3, 4, 1).text(), "out of order, one gap");
        assertEquals(text("0-4"), of(0, 1, 2).union(of(3, 4)).text(), "adjacent ranges merge");
        assertEquals(text("0-6"), of(0, 1, 2).union(of(2, 3, 4, 5, 6)).text(), "overlapping ranges merge");
        assertEquals(
                text("0-10"),
                of(9, 10).union(of(0, 1)).union(of(2, 3, 4, 5, 6, 7, 8)).text());
        assertEquals(text("7"), of(7, 7, 7).text(), "a shard named twice is one shard");
    }

    @Test
    void containsSeesEveryShardOfARangeAndNothingElse() {
        ShardSet set = of(0, 1, 2, 5, 7, 8);
        for (long seq : new long[] {0, 1, 2, 5, 7, 8}) assertTrue(set.contains(shard(seq)), "seq " + seq);
        for (long seq : new long[] {3, 4, 6, 9, 99}) assertFalse(set.contains(shard(seq)), "seq " + seq);
        assertFalse(set.contains(Layout.metricShard(EXP, RUN, 0, OTHER_WRITER, 1)), "another writer");
        assertFalse(set.contains(Layout.metricShard(EXP, RUN, 1, WRITER, 1)), "another worker");
        assertFalse(set.contains(Layout.metricShard(EXP, RunIds.newId(), 0, WRITER, 1)), "another run");
        assertFalse(set.contains(Layout.event(EXP, RUN, 0, WRITER, 1)), "an event is not a shard");
        assertFalse(set.contains("lake/metrics/x.parquet"));
        assertFalse(ShardSet.EMPTY.contains(shard(0)));
    }

    @Test
    void aUnionKeepsEveryStream() {
        String other = Layout.metricShard(EXP, RUN, 3, OTHER_WRITER, 4);
        ShardSet union = of(0, 1).union(ShardSet.of(List.of(other)));
        assertTrue(union.contains(shard(0)) && union.contains(shard(1)) && union.contains(other));
        assertFalse(union.contains(shard(2)));
        assertEquals(union, ShardSet.of(List.of(other)).union(of(1, 0)), "the union does not depend on order");
        assertEquals(of(0, 1), of(0, 1).union(ShardSet.EMPTY));
        assertTrue(ShardSet.EMPTY.isEmpty());
        assertFalse(union.isEmpty());
        assertEquals("{}", ShardSet.EMPTY.text());
    }

    @Test
    void theTextFormRoundTripsThroughParse() {
        String other = Layout.metricShard(EXP, RunIds.newId(), 12, OTHER_WRITER, 99_999_999);
        ShardSet set = of(0, 1, 2, 4, 10, 11).union(ShardSet.of(List.of(other)));
        ShardSet parsed = ShardSet.parse(set.text(), "test");
        assertEquals(set, parsed);
        assertEquals(set.text(), parsed.text());
        assertTrue(parsed.contains(other));
        // Text another writer wrote out of order and overlapping still parses into the same canonical set.
        assertEquals(of(0, 1, 2, 3, 4, 9), ShardSet.parse(text("3-4,9,0-2,1"), "test"));
    }

    @Test
    void aKeyThatIsNotARawMetricShardIsRejected() {
        String event = Layout.event(EXP, RUN, 0, WRITER, 1);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ShardSet.of(List.of(shard(0), event)));
        assertTrue(e.getMessage().contains(event), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardSet.of(List.of("runs/s1")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[]",
                "{\"s\":\"3-1\"}",
                "{\"s\":\"a\"}",
                "{\"s\":\"-1\"}",
                "{\"s\":\",1\"}",
                "{\"s\":\"\"}"
            })
    void malformedTextIsALakeLogErrorNamingWhereItWasRead(String text) {
        LakeLogException e = assertThrows(LakeLogException.class, () -> ShardSet.parse(text, "lake/metrics/f.parquet"));
        assertTrue(e.getMessage().contains("lake/metrics/f.parquet"), e.getMessage());
    }
}
