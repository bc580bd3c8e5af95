package io.runlake.client.internal;

import io.runlake.format.Names;
import java.util.LinkedHashMap;
import java.util.Map;

/** The params a run has: params are immutable, so a name may be logged again only with the same value. */
final class RunParams {
    private final String runId;
    private final Map<String, Object> params = new LinkedHashMap<>();

    RunParams(String runId, Map<String, Object> initial) {
        this.runId = runId;
        params.putAll(initial);
    }

    /**
     * Adds {@code newParams}, normalised.
     *
     * @return those not logged before, to be recorded
     * @throws IllegalArgumentException if a name already has a different value (then nothing is added)
     */
    synchronized Map<String, Object> addNew(Map<String, ?> newParams) {
        Map<String, Object> fresh = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : newParams.entrySet()) {
            String name = Names.requireKey("param name", e.getKey());
            Object value = ParamValues.normalise(name, e.getValue());
            Object old = params.get(name);
            if (old != null) {
                if (!ParamValues.same(old, value)) {
                    throw new IllegalArgumentException("param '" + name + "' is already " + old + " in run " + runId
                            + "; params are immutable, cannot change it to " + value);
                }
                continue;
            }
            fresh.put(name, value);
        }
        params.putAll(fresh);
        return fresh;
    }
}
