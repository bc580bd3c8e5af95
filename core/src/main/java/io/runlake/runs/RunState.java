package io.runlake.runs;

import io.runlake.format.Json;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Everything one run's valid raw objects say about it (FORMAT.md §8, §9), folded into the values a reader shows:
 * status, times, error, environment, code version, params, tags, artifacts and inputs. Add the objects (in any order), then ask.
 * Not thread-safe.
 */
public final class RunState {
    private final String runId;
    private RunStart start;
    private final List<WorkerStart> workers = new ArrayList<>();
    private final List<RunEnd> ends = new ArrayList<>();
    private final List<SequencedEvent> events = new ArrayList<>();
    private long lastPointMs = Long.MIN_VALUE;

    /** An event with the position its key gives it: events of one writer are ordered by sequence number. */
    private record SequencedEvent(RunEvent event, long seq) {}

    public RunState(String runId) {
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    public Optional<RunStart> start() {
        return Optional.ofNullable(start);
    }

    public void addStart(RunStart s) {
        start = s;
    }

    public void addWorker(WorkerStart w) {
        workers.add(w);
    }

    public void addEnd(RunEnd e) {
        ends.add(e);
    }

    /** @param seq the event's sequence number, from its key */
    public void addEvent(RunEvent e, long seq) {
        events.add(new SequencedEvent(e, seq));
    }

    /** The latest timestamp of the run's metric points (a reader finds it in shard footers or the points). */
    public void notePointTime(long ms) {
        lastPointMs = Math.max(lastPointMs, ms);
    }

    /**
     * Params as their JSON values (the start manifest's, then params events in order; the first value of a key wins),
     * for {@link RunRules#paramTextSql}.
     */
    public Map<String, String> paramsJson() {
        return params(RunState::json);
    }

    /**
     * Params as Java text (numbers by {@code toString}), for a writer comparing with values it holds (a sweep checking
     * a resumed trial's point); what readers print is {@link RunRules#paramTextSql} of {@link #paramsJson}.
     */
    public Map<String, String> params() {
        return params(RunState::text);
    }

    private Map<String, String> params(java.util.function.Function<Object, String> as) {
        Map<String, String> out = new TreeMap<>();
        if (start != null && start.params() != null) start.params().forEach((k, v) -> out.put(k, as.apply(v)));
        for (SequencedEvent e : orderedEvents()) {
            if (e.event().params() != null) e.event().params().forEach((k, v) -> out.putIfAbsent(k, as.apply(v)));
        }
        return out;
    }

    private static String json(Object v) {
        return new String(Json.write(v), StandardCharsets.UTF_8);
    }

    /** Tags: the start manifest's, then every tags event in time order; a null value deletes the tag. */
    public Map<String, String> tags() {
        Map<String, String> out = new TreeMap<>();
        if (start != null && start.tags() != null) out.putAll(start.tags());
        for (SequencedEvent e : orderedEvents()) {
            if (e.event().tags() == null) continue;
            for (Map.Entry<String, String> t : e.event().tags().entrySet()) {
                if (t.getValue() == null) out.remove(t.getKey());
                else out.put(t.getKey(), t.getValue());
            }
        }
        return out;
    }

    /** The run's artifacts, in event order. */
    public List<RunLineage.Recorded<RunEvent.Artifact>> artifacts() {
        return recorded(RunEvent::artifact);
    }

    /** The data inputs the run read, in event order. */
    public List<RunLineage.Recorded<RunEvent.Input>> inputs() {
        return recorded(RunEvent::input);
    }

    private <T> List<RunLineage.Recorded<T>> recorded(Function<RunEvent, T> payload) {
        List<RunLineage.Recorded<T>> out = new ArrayList<>();
        for (SequencedEvent e : orderedEvents()) {
            T value = payload.apply(e.event());
            if (value != null)
                out.add(new RunLineage.Recorded<>(
                        value, e.event().timeMs(), e.event().worker()));
        }
        return out;
    }

    /** Events in (time_ms, key) order; within one run, key order is (worker, writer_id, seq). */
    private List<SequencedEvent> orderedEvents() {
        List<SequencedEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong((SequencedEvent e) -> e.event().timeMs())
                .thenComparingInt(e -> e.event().worker())
                .thenComparing(e -> String.valueOf(e.event().writerId()))
                .thenComparingLong(SequencedEvent::seq));
        return sorted;
    }

    /** The start manifest's start time, else the earliest worker's; null when the run has neither. */
    public Long startTimeMs() {
        if (start != null) return start.startTimeMs();
        return workers.stream()
                .mapToLong(WorkerStart::startTimeMs)
                .boxed()
                .min(Long::compare)
                .orElse(null);
    }

    /** §8.3: the latest time any of the run's objects or points carries; null when it has none. */
    public Long lastActivityMs() {
        long t = startTimeMs() == null ? Long.MIN_VALUE : startTimeMs();
        for (WorkerStart w : workers) t = Math.max(t, w.startTimeMs());
        for (SequencedEvent e : events) t = Math.max(t, e.event().timeMs());
        for (RunEnd e : ends) t = Math.max(t, e.endTimeMs());
        t = Math.max(t, lastPointMs);
        return t == Long.MIN_VALUE ? null : t;
    }

    /**
     * Whether every writer that started (start and worker manifests) has an end manifest. A FAILED or KILLED run may
     * still have writers going; only a run whose every writer ended gets no more objects (FORMAT.md §10.1).
     */
    public boolean everyWriterEnded() {
        Set<String> ended = new HashSet<>();
        for (RunEnd e : ends) ended.add(e.writerId());
        Set<String> writers = new HashSet<>();
        if (start != null) writers.add(start.writerId());
        for (WorkerStart w : workers) writers.add(w.writerId());
        return !ends.isEmpty() && ended.containsAll(writers);
    }

    /** The status by {@link RunRules#status} over the writers that started and the end manifests. */
    public RunStatus status(long nowMs, long staleTimeoutMs) {
        boolean failed = false, killed = false;
        for (RunEnd e : ends) {
            failed |= RunStatus.FAILED.name().equals(e.status());
            killed |= RunStatus.KILLED.name().equals(e.status());
        }
        boolean everyWriterEnded = everyWriterEnded();
        long activity = lastActivityMs() == null ? Long.MIN_VALUE : lastActivityMs();
        return RunRules.status(failed, killed, everyWriterEnded, activity, nowMs, staleTimeoutMs);
    }

    public Long endTimeMs(RunStatus status) {
        Long latest = ends.stream().map(RunEnd::endTimeMs).max(Long::compare).orElse(null);
        return RunRules.endTimeMs(status, latest);
    }

    /** {@link RunRules#errorText} of the first end manifest with an error, by (end_time_ms, worker, writer_id). */
    public String error() {
        return ends.stream()
                .filter(e -> e.error() != null
                        && RunRules.errorText(e.error().type(), e.error().message()) != null)
                .min(Comparator.comparingLong(RunEnd::endTimeMs)
                        .thenComparingInt(RunEnd::worker)
                        .thenComparing(e -> String.valueOf(e.writerId())))
                .map(e -> RunRules.errorText(e.error().type(), e.error().message()))
                .orElse(null);
    }

    public String environment(String name) {
        if (start == null || start.environment() == null) return null;
        Object v = start.environment().get(name);
        return v == null ? null : text(v);
    }

    /** The code version from the start manifest's {@code code} section, if a hook recorded one. */
    public String codeVersion() {
        if (start == null || start.code() == null) return null;
        for (String k : RunRules.CODE_VERSION_KEYS) {
            Object v = start.code().get(k);
            if (v != null) return text(v);
        }
        return null;
    }

    /** Param, environment and code values as text: strings as they are, numbers and booleans as usual, the rest as JSON. */
    static String text(Object v) {
        if (v == null) return null;
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        return new String(Json.write(v), StandardCharsets.UTF_8);
    }
}
