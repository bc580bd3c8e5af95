package io.runlake.client.internal;

import io.runlake.format.MetricSchema;
import io.runlake.format.Names;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metric keys of one writer and their dense ids (the ids that {@link MetricPage}s hold). Looking up a
 * known key is lock-free, as it is on the training thread's hot path; a new key is validated once.
 */
final class MetricKeys {
    /** Metric keys starting with this are written by RunLake itself. */
    static final String RESERVED_PREFIX = MetricSchema.RESERVED_KEY_PREFIX;

    private static final int MAX_KEYS = 100_000;

    private final String runId;
    private final MetricBuffer buffer;
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new CopyOnWriteArrayList<>();

    MetricKeys(String runId, MetricBuffer buffer) {
        this.runId = runId;
        this.buffer = buffer;
    }

    /** The id of a key logged by the user; registers it on first use. */
    int idOf(String key) {
        Integer id = ids.get(key);
        return id != null ? id : register(key, false);
    }

    /** The id of a key RunLake writes itself, which may use the reserved prefix. */
    int internalIdOf(String key) {
        return register(key, true);
    }

    String name(int id) {
        return names.get(id);
    }

    /** The names of all ids so far, for a shard about to be encoded. */
    List<String> snapshot() {
        return List.copyOf(names);
    }

    private synchronized int register(String key, boolean internal) {
        Integer id = ids.get(key);
        if (id != null) return id;
        Names.requireKey("metric key", key);
        if (!internal && key.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException(
                    "metric key '" + key + "' uses the reserved prefix '" + RESERVED_PREFIX + "'");
        }
        if (names.size() >= MAX_KEYS) {
            throw new IllegalArgumentException(
                    "run " + runId + " already has " + MAX_KEYS + " metric keys; cannot add '" + key + "'");
        }
        int next = names.size();
        names.add(key);
        buffer.ensureKeys(next + 1);
        ids.put(key, next);
        return next;
    }
}
