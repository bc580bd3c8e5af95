package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Annotation;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUnavailableException;
import io.runlake.testing.ForwardingStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORMAT.md §10.1's writer obligation, with clocks the test steps: a reopen annotation lands before an object that
 * resumes a run after the resume silence, or before this process's first object of an older run; never otherwise.
 */
class ResumeAnnouncingStoreTest {
    static final Duration R = Duration.ofMinutes(5);
    static final long NOW_MS = 1_795_687_600_000L;

    @TempDir
    Path tmp;

    final AtomicLong nanos = new AtomicLong(1);
    final AtomicLong wallMs = new AtomicLong(NOW_MS);
    final List<String> written = new ArrayList<>();
    final AtomicBoolean annotationsDown = new AtomicBoolean();

    ObjectStore open() {
        ObjectStore recording = new ForwardingStore(new FileObjectStore(tmp)) {
            @Override
            public boolean putIfAbsent(String key, byte[] data) {
                if (annotationsDown.get() && key.startsWith(Layout.ANNOTATIONS))
                    throw new StoreUnavailableException("annotations refused", null);
                boolean created = super.putIfAbsent(key, data);
                if (created) written.add(key.startsWith(Layout.ANNOTATIONS) ? "reopen" : key);
                return created;
            }
        };
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(wallMs.get());
            }
        };
        return new ResumeAnnouncingStore(recording, R, nanos::get, clock);
    }

    void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
        wallMs.addAndGet(d.toMillis());
    }

    static byte[] json() {
        return "{}".getBytes();
    }

    @Test
    void aRunWrittenSteadilyIsNeverAnnounced() {
        ObjectStore store = open();
        String run = RunIds.floorOf(NOW_MS).substring(0, 10) + "a".repeat(16);
        store.putIfAbsent(Layout.startManifest("e", run), json());
        for (int seq = 0; seq < 10; seq++) {
            pass(R); // at most R between objects, for 50 minutes
            store.putIfAbsent(Layout.metricShard("e", run, 0, run, seq), json());
        }
        assertEquals(11, written.size());
        assertTrue(written.stream().noneMatch("reopen"::equals), written.toString());
    }

    @Test
    void aResumeAfterSilenceIsAnnouncedFirst() throws Exception {
        ObjectStore store = open();
        String run = RunIds.floorOf(NOW_MS).substring(0, 10) + "b".repeat(16);
        String start = Layout.startManifest("e", run), shard = Layout.metricShard("e", run, 0, run, 0);
        store.putIfAbsent(start, json());
        pass(R.plusMillis(1)); // a store outage, a paused VM
        annotationsDown.set(true);
        assertThrows(StoreUnavailableException.class, () -> store.putIfAbsent(shard, json()));
        assertEquals(List.of(start), written, "no object without its announcement");
        annotationsDown.set(false);
        store.putIfAbsent(shard, json());
        assertEquals(List.of(start, "reopen", shard), written);
        Annotation reopen = Annotation.read(
                java.nio.file.Files.readAllBytes(tmp.resolve(onlyAnnotation(store))),
                onlyAnnotation(store),
                Layout.parseAnnotation(onlyAnnotation(store)).orElseThrow());
        assertEquals(Annotation.REOPEN, reopen.kind());
        assertEquals(run, reopen.runId());
        pass(R); // the announcement counts as the run's latest object
        store.putIfAbsent(Layout.metricShard("e", run, 0, run, 1), json());
        assertEquals(4, written.size());
    }

    @Test
    void theFirstObjectOfAnOlderRunIsAnnouncedAndAnAnswerOfAlreadyThereIsNoLanding() {
        ObjectStore store = open();
        String run = RunIds.floorOf(NOW_MS - R.toMillis() - 1).substring(0, 10) + "c".repeat(16);
        String start = Layout.startManifest("e", run);
        store.putIfAbsent(start, json()); // the next process pushes a dead one's spill
        assertEquals(List.of("reopen", start), written);

        String fresh = RunIds.floorOf(NOW_MS).substring(0, 10) + "d".repeat(16);
        String freshStart = Layout.startManifest("e", fresh);
        store.putIfAbsent(freshStart, json());
        ObjectStore other = open(); // another process, retrying the same start
        pass(R.dividedBy(2));
        other.putIfAbsent(freshStart, json());
        pass(R.dividedBy(2).plusMillis(1)); // R after the run began, R/2 after "already there"
        String shard = Layout.metricShard("e", fresh, 0, fresh, 0);
        other.putIfAbsent(shard, json());
        assertEquals(List.of("reopen", start, freshStart, "reopen", shard), written);
    }

    @Test
    void keysOutsideRunFoldersPassThrough() {
        ObjectStore store = open();
        pass(Duration.ofDays(1));
        store.putIfAbsent("_runlake/format.json", json());
        store.putIfAbsent("environments/sha256/" + "0".repeat(64) + ".json", json());
        assertEquals(2, written.size());
        assertTrue(written.stream().noneMatch("reopen"::equals));
    }

    private String onlyAnnotation(ObjectStore store) {
        List<String> keys =
                store.list(Layout.ANNOTATIONS).stream().map(o -> o.key()).toList();
        assertEquals(1, keys.size(), keys.toString());
        return keys.get(0);
    }
}
