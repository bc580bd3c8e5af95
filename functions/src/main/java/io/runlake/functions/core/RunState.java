package io.runlake.functions.core;

import io.runlake.format.Json;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Everything the raw objects say about one run, folded into one runs-index row. */
final class RunState {
    final String runId;
    RunStart start;
    final List<WorkerStart> workers = new ArrayList<>();
    final List<RunEnd> ends = new ArrayList<>();
    final List<SequencedEvent> events = new ArrayList<>();
    long lastPointMs = Long.MIN_VALUE;

    /** An event with the position its key gives it: events of one writer are ordered by sequence number. */
    record SequencedEvent(RunEvent event, long seq) {}

    RunState(String runId) {
        this.runId = runId;
    }

    /** Params: the start manifest's, then later params events (params are immutable, so order rarely matters). */
    Map<String, String> params() {
        Map<String, String> out = new TreeMap<>();
        if (start != null && start.params() != null) start.params().forEach((k, v) -> out.put(k, text(v)));
        for (SequencedEvent e : orderedEvents()) {
            if (e.event().params() != null) e.event().params().forEach((k, v) -> out.putIfAbsent(k, text(v)));
        }
        return out;
    }

    /** Tags: the start manifest's, then every tags event in time order; a null value deletes the tag. */
    Map<String, String> tags() {
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

    private List<SequencedEvent> orderedEvents() {
        List<SequencedEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong((SequencedEvent e) -> e.event().timeMs())
                .thenComparingInt(e -> e.event().worker())
                .thenComparing(e -> String.valueOf(e.event().writerId()))
                .thenComparingLong(SequencedEvent::seq));
        return sorted;
    }

    long startTimeMs() {
        if (start != null) return start.startTimeMs();
        return workers.stream().mapToLong(WorkerStart::startTimeMs).min().orElse(Long.MIN_VALUE);
    }

    long lastActivityMs() {
        long t = startTimeMs();
        for (WorkerStart w : workers) t = Math.max(t, w.startTimeMs());
        for (SequencedEvent e : events) t = Math.max(t, e.event().timeMs());
        for (RunEnd e : ends) t = Math.max(t, e.endTimeMs());
        return Math.max(t, lastPointMs);
    }

    /**
     * FAILED or KILLED as soon as any writer ended so; FINISHED when every writer that started (the
     * creator and each joined worker) has an end object; otherwise RUNNING, or CRASHED once the run has
     * been quiet for longer than the timeout.
     */
    RunStatus status(long nowMs, long crashTimeoutMs) {
        boolean failed = false, killed = false;
        Set<String> ended = new HashSet<>();
        for (RunEnd e : ends) {
            ended.add(e.writerId());
            if (RunStatus.FAILED.name().equals(e.status())) failed = true;
            if (RunStatus.KILLED.name().equals(e.status())) killed = true;
        }
        if (failed) return RunStatus.FAILED;
        if (killed) return RunStatus.KILLED;
        Set<String> writers = new HashSet<>();
        if (start != null) writers.add(start.writerId());
        for (WorkerStart w : workers) writers.add(w.writerId());
        if (!ends.isEmpty() && ended.containsAll(writers)) return RunStatus.FINISHED;
        return lastActivityMs() < nowMs - crashTimeoutMs ? RunStatus.CRASHED : RunStatus.RUNNING;
    }

    Long endTimeMs(RunStatus status) {
        if (status == RunStatus.RUNNING || status == RunStatus.CRASHED || ends.isEmpty()) return null;
        return ends.stream().mapToLong(RunEnd::endTimeMs).max().getAsLong();
    }

    String error() {
        for (RunEnd e : ends) {
            if (e.error() != null) {
                String type = e.error().type() == null ? "" : e.error().type();
                String message = e.error().message() == null ? "" : e.error().message();
                return message.isEmpty() ? type : type.isEmpty() ? message : type + ": " + message;
            }
        }
        return null;
    }

    String environment(String name) {
        if (start == null || start.environment() == null) return null;
        Object v = start.environment().get(name);
        return v == null ? null : text(v);
    }

    /** The code version from the start manifest's {@code code} section, if a hook recorded one. */
    String codeVersion() {
        if (start == null || start.code() == null) return null;
        for (String k : List.of("git_commit", "commit", "version", "git_sha", "revision")) {
            Object v = start.code().get(k);
            if (v != null) return text(v);
        }
        return null;
    }

    /** Param and tag values as text: strings as they are, numbers and booleans in their usual form, the rest as JSON. */
    static String text(Object v) {
        if (v == null) return null;
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        return new String(Json.write(v), java.nio.charset.StandardCharsets.UTF_8);
    }

    static Map<String, RunState> byRun() {
        return new LinkedHashMap<>();
    }
}
