package io.runlake.client;

import io.runlake.client.internal.ParamValues;
import io.runlake.format.Names;
import io.runlake.format.RunIds;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a new run starts with; {@link #start()} writes its start manifest. */
public final class RunSpec {
    private final Tracker tracker;
    private final String experiment;
    private String name;
    private String parentRunId;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();

    RunSpec(Tracker tracker, String experiment) {
        this.tracker = tracker;
        this.experiment = experiment;
    }

    public RunSpec name(String runName) {
        this.name = Names.requireRunName(runName);
        return this;
    }

    /** Makes this run a child of another (e.g. one trial of a sweep). */
    public RunSpec parent(String runId) {
        this.parentRunId = RunIds.requireValid(runId);
        return this;
    }

    public RunSpec param(String key, Object value) {
        Names.requireKey("param name", key);
        Object v = ParamValues.normalise(key, value);
        Object old = params.get(key);
        if (old != null && !ParamValues.same(old, v)) {
            throw new IllegalArgumentException(
                    "param '" + key + "' given twice with different values: " + old + " and " + v);
        }
        params.put(key, v);
        return this;
    }

    public RunSpec params(Map<String, ?> values) {
        values.forEach(this::param);
        return this;
    }

    /** Records the random seed as the param {@code seed}; pair it with the recorded hardware to explain run-to-run differences. */
    public RunSpec seed(long seed) {
        return param("seed", seed);
    }

    public RunSpec tag(String key, String value) {
        tags.put(Names.requireKey("tag name", key), Names.requireTagValue(key, value));
        return this;
    }

    public String experiment() {
        return experiment;
    }

    public String name() {
        return name;
    }

    public String parentRunId() {
        return parentRunId;
    }

    public Map<String, Object> params() {
        return new LinkedHashMap<>(params);
    }

    public Map<String, String> tags() {
        return new LinkedHashMap<>(tags);
    }

    public Run start() {
        return tracker.start(this);
    }
}
