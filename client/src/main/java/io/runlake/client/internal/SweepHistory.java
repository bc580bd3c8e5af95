package io.runlake.client.internal;

import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunObjects;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import io.runlake.runs.RunState;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runs an earlier attempt of a sweep left in the store, read from the raw objects with core's validator and
 * fold ({@link RunObjects}, {@link RunState}), so a resumed sweep knows which trials are done. Corrupt objects are
 * skipped as readers skip them (FORMAT.md §11).
 */
public final class SweepHistory {
    /** One run of the sweep as the store has it. {@code lastTouchedMs} also counts its newest shard's upload time. */
    public record PastRun(RunState state, RunStatus status, long lastTouchedMs) {
        public String runId() {
            return state.runId();
        }

        public Map<String, String> tags() {
            return state.tags();
        }
    }

    private SweepHistory() {}

    /** Every run of {@code experiment} whose start manifest carries {@code tag=value}, in run-id (start) order. */
    public static List<PastRun> read(
            ObjectStore store, String experiment, String tag, String value, long nowMs, long staleTimeoutMs) {
        Map<String, List<ObjectInfo>> byRun = new LinkedHashMap<>();
        Map<String, Layout.RunObject> parsed = new LinkedHashMap<>();
        for (ObjectInfo o : store.list(Layout.experimentPrefix(experiment))) {
            Optional<Layout.RunObject> key = Layout.parseRunObject(o.key());
            if (key.isEmpty() || !key.get().experiment().equals(experiment)) continue;
            parsed.put(o.key(), key.get());
            byRun.computeIfAbsent(key.get().runId(), k -> new ArrayList<>()).add(o);
        }
        List<PastRun> out = new ArrayList<>();
        for (Map.Entry<String, List<ObjectInfo>> run : byRun.entrySet()) {
            String startKey = Layout.startManifest(experiment, run.getKey());
            Object start = read(store, startKey, parsed.get(startKey));
            if (!(start instanceof RunStart s)
                    || s.tags() == null
                    || !value.equals(s.tags().get(tag))) continue;
            RunState state = new RunState(run.getKey());
            state.addStart(s);
            long touched = s.startTimeMs();
            for (ObjectInfo o : run.getValue()) {
                Layout.RunObject key = parsed.get(o.key());
                if (key.kind() == Layout.RunObjectKind.START) continue;
                if (key.kind() == Layout.RunObjectKind.SHARD) {
                    // points carry their times inside the shard; its upload time is enough to tell a live trial
                    if (o.lastModified() != null)
                        touched = Math.max(touched, o.lastModified().toEpochMilli());
                    continue;
                }
                Object v = read(store, o.key(), key);
                if (v instanceof WorkerStart w) state.addWorker(w);
                else if (v instanceof RunEnd e) state.addEnd(e);
                else if (v instanceof RunEvent e) state.addEvent(e, key.seq());
            }
            Long activity = state.lastActivityMs();
            if (activity != null) touched = Math.max(touched, activity);
            out.add(new PastRun(state, state.status(nowMs, staleTimeoutMs), touched));
        }
        return out;
    }

    private static Object read(ObjectStore store, String key, Layout.RunObject parsedKey) {
        if (parsedKey == null) return null;
        byte[] bytes = store.get(key).orElse(null);
        if (bytes == null) return null;
        try {
            return RunObjects.read(bytes, key, parsedKey);
        } catch (Json.MalformedObjectException e) {
            return null; // corrupt: skipped, as every reader does (§11)
        }
    }
}
