package io.runlake.client.internal;

import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The claims of one sweep's trial attempts (FORMAT.md §9.5): before a process runs attempt {@code n} of trial
 * {@code i} it creates the claim {@code t<i>-a<n>.json} with put-if-absent; the one process whose put lands runs it,
 * the others move on. Claims are never changed or deleted, so the latest attempt of a trial is its largest {@code n}.
 */
public final class SweepClaims {
    private final ObjectStore store;
    private final String experiment;
    private final String sweep;

    public SweepClaims(ObjectStore store, String experiment, String sweep) {
        this.store = store;
        this.experiment = experiment;
        this.sweep = sweep;
    }

    /** The largest claimed attempt of each trial, by trial index (keys only: one LIST). */
    public Map<Integer, Integer> latestAttempts() {
        Map<Integer, Integer> latest = new TreeMap<>();
        for (ObjectInfo o : store.list(Layout.sweepClaimsPrefix(experiment, sweep))) {
            Optional<Layout.SweepClaimKey> k = Layout.parseSweepClaim(o.key());
            if (k.isEmpty()
                    || !k.get().experiment().equals(experiment)
                    || !k.get().sweep().equals(sweep)) continue;
            latest.merge(k.get().trial(), k.get().attempt(), Math::max);
        }
        return latest;
    }

    /** When attempt {@code attempt} of trial {@code trial} was claimed; empty if the claim is absent or corrupt. */
    public Optional<Long> claimedAtMs(int trial, int attempt) {
        String key = Layout.sweepClaim(experiment, sweep, trial, attempt);
        return store.get(key).flatMap(bytes -> {
            try {
                Object t = Json.read(bytes, Map.class, key).get("time_ms");
                return t instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
            } catch (Json.MalformedObjectException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Claims attempt {@code attempt} of trial {@code trial} for this process; false when another process holds it.
     * A retry of our own put that landed counts as ours (identical bytes, §10.1).
     */
    public boolean claim(int trial, int attempt, String writerId, String parentRunId, long timeMs) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format_version", 1);
        c.put("experiment", experiment);
        c.put("sweep", sweep);
        c.put("trial", trial);
        c.put("attempt", attempt);
        c.put("writer_id", writerId);
        c.put("host", Environment.hostName());
        c.put("pid", ProcessHandle.current().pid());
        c.put("parent_run_id", parentRunId);
        c.put("time_ms", timeMs);
        try {
            store.putIfAbsentIdempotent(
                    Layout.sweepClaim(experiment, sweep, trial, attempt), Json.write(c), "application/json");
            return true;
        } catch (ObjectConflictException e) {
            return false;
        }
    }
}
