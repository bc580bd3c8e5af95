package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run's last points are journaled packed and encoded by whoever writes them (FORMAT.md §10.3): the shard
 * they become is byte for byte the one the run would have encoded itself, so an upload by the next process after a
 * crash and one by the run's own writer are the same object.
 */
class PendingShardTest {
    @TempDir
    Path tmp;

    @Test
    void packedPointsEncodeToTheSameBytesAsTheLoggedPages() {
        Random r = new Random(11);
        List<MetricPage> pages = new ArrayList<>();
        for (int size : new int[] {7, 1, 300}) {
            MetricPage p = new MetricPage(512); // partly filled pages: only their points are packed
            for (int i = 0; i < size; i++) {
                p.keys[i] = r.nextInt(3);
                p.steps[i] = i == 0 ? Long.MAX_VALUE : r.nextInt(1000);
                p.timestamps[i] = 1_700_000_000_000L + r.nextInt(1000);
                p.values[i] = i == 1 ? Double.NaN : Double.longBitsToDouble(r.nextLong());
            }
            p.size = size;
            pages.add(p);
        }
        ShardEncoder.Batch batch = new ShardEncoder.Batch(
                "exp ü", "01jq0000000000000000000000", 4, pages, List.of("loss", "acc", "système/λ"));

        byte[] packed = PendingShard.pack(batch);
        ShardEncoder.Batch back = PendingShard.unpack(packed);
        assertEquals(308, back.points());
        assertEquals(batch.keyNames(), back.keyNames());
        assertEquals("exp ü", back.experiment());
        assertEquals(4, back.worker());
        assertArrayEquals(ShardEncoder.encode(batch), PendingShard.encode(packed));
    }

    @Test
    void aPackedShardKeepsItsKindThroughTheJournalAndDamageIsRefused() throws Exception {
        MetricPage p = new MetricPage(4);
        p.keys[0] = 0;
        p.steps[0] = 3;
        p.timestamps[0] = 1_700_000_000_000L;
        p.values[0] = 0.5;
        p.size = 1;
        byte[] packed = PendingShard.pack(
                new ShardEncoder.Batch("e", "01jq0000000000000000000000", 0, List.of(p), List.of("loss")));
        Path spill = tmp.resolve("spill");
        StartJournal journal = new StartJournal(spill);
        journal.append(List.of(
                new StartJournal.Entry("a.json", new byte[] {'{', '}'}),
                new StartJournal.Entry("m.parquet", packed, true)));
        Path file;
        try (var files = Files.list(spill.resolve(StartJournal.FOLDER))) {
            file = files.findFirst().orElseThrow();
        }
        List<StartJournal.Entry> read;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            read = StartJournal.read(ch);
        }
        journal.close();
        assertEquals(2, read.size());
        assertFalse(read.get(0).packedShard());
        assertTrue(read.get(1).packedShard());
        assertArrayEquals(packed, read.get(1).data());
        assertEquals(PendingShard.encode(packed).length, read.get(1).object().length);

        byte[] truncated = java.util.Arrays.copyOf(packed, packed.length - 1);
        assertThrows(RuntimeException.class, () -> PendingShard.unpack(truncated));
    }
}
