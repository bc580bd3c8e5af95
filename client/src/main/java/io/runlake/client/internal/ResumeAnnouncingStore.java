package io.runlake.client.internal;

import io.runlake.format.Annotation;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.runs.Annotations;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.ForwardingStore;
import io.runlake.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The writer's side of settling (FORMAT.md §10.1, "Adding to a run that may be settled"): before this process adds
 * an object to a run's folder more than the resume silence R after its previous object of that run landed — after a
 * pause, a store outage, from the spill — or adds the first one to a run older than R (the next process pushing a
 * dead one's spill, a worker joining late), it writes a {@code reopen} annotation of the run and waits for it. An
 * index may have settled the run during the silence; readers list a reopened run again. If the announcement cannot
 * be written, neither is the object: the caller's retry or spill takes over, and announces again when it retries.
 *
 * <p>Only puts that create an object count as landed: a put answered "already there" may be the retry of an object
 * that landed long ago.
 */
public final class ResumeAnnouncingStore extends ForwardingStore {
    /** Past this many runs tracked, those silent longer than R are dropped: absent, they are judged the same way. */
    private static final int TRACKED_RUNS = 4096;

    private final long resumeSilenceMs;
    private final LongSupplier nanos;
    private final Clock clock;
    /** Run id → monotonic time its previous object (or reopen annotation) was acknowledged as created. */
    private final Map<String, Long> lastLanded = new ConcurrentHashMap<>();

    public ResumeAnnouncingStore(ObjectStore store, Duration resumeSilence) {
        this(store, resumeSilence, System::nanoTime, Clock.systemUTC());
    }

    /** With the clocks a test steps. */
    public ResumeAnnouncingStore(ObjectStore store, Duration resumeSilence, LongSupplier nanos, Clock clock) {
        super(store);
        this.resumeSilenceMs = resumeSilence.toMillis();
        this.nanos = nanos;
        this.clock = clock;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return put(key, data, () -> delegate.putIfAbsent(key, data));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        return put(key, data, () -> delegate.putIfAbsent(key, data, contentType));
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        return put(key, null, () -> delegate.putFileIfAbsent(key, file));
    }

    private boolean put(String key, byte[] data, Supplier<Boolean> put) {
        Optional<Layout.RunObject> ro = Layout.parseRunObject(key);
        String landedRun = ro.map(Layout.RunObject::runId).orElse(null);
        if (ro.isPresent()) {
            announceIfResuming(ro.get().experiment(), ro.get().runId(), key);
        } else if (data != null) {
            landedRun = reopenedRun(key, data);
        }
        boolean created = put.get();
        if (created && landedRun != null) landed(landedRun);
        return created;
    }

    private void announceIfResuming(String experiment, String runId, String key) {
        Long last = lastLanded.get(runId);
        long since = last == null ? -1 : Math.max(0, nanos.getAsLong() - last);
        long runAgeMs = clock.millis() - RunIds.timeOf(runId).toEpochMilli();
        if (!SettledWatermark.mustAnnounce(since, runAgeMs, resumeSilenceMs)) return;
        // through this store, so the annotation counts as the run's latest landed object (reopenedRun below)
        Annotations.reopen(
                this,
                experiment,
                runId,
                "resumed writing " + key
                        + (last == null
                                ? " (first object of this process in a run started " + runAgeMs / 1000 + " s ago)"
                                : " after " + since / 1_000_000_000L + " s without one landing"));
    }

    /** The run a {@code reopen} annotation at {@code key} announces, or null if the key holds anything else. */
    private static String reopenedRun(String key, byte[] data) {
        Optional<Layout.AnnotationKey> ak = Layout.parseAnnotation(key);
        if (ak.isEmpty()) return null;
        try {
            Annotation a = Annotation.read(data, key, ak.get());
            return Annotation.REOPEN.equals(a.kind()) ? a.runId() : null;
        } catch (Json.MalformedObjectException e) {
            return null;
        }
    }

    private void landed(String runId) {
        long now = nanos.getAsLong();
        lastLanded.put(runId, now);
        if (lastLanded.size() > TRACKED_RUNS) {
            lastLanded.values().removeIf(t -> now - t > resumeSilenceMs * 1_000_000L);
        }
    }
}
