package io.runlake.registry;

import io.runlake.format.ModelVersion;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStart;
import java.util.List;
import java.util.Map;

/**
 * Where a model version came from (FORMAT.md §16.5): its run's start manifest (code version, environment, params)
 * and the data inputs and artifacts the run recorded. {@code run} is null when the start manifest is missing or
 * corrupt (named in {@code problems}), or when the run was purged: then {@code purgedBy} is the purge's audit entry
 * (FORMAT.md §12.11), and the version's artifact bytes are still there.
 */
public record ModelLineage(
        ModelVersion version,
        RunStart run,
        List<RunEvent.Input> inputs,
        List<RunEvent.Artifact> artifacts,
        List<String> problems,
        String purgedBy) {

    /** The run's code version (git commit, dirty flag, diff hash), or an empty map. */
    public Map<String, Object> code() {
        return run == null || run.code() == null ? Map.of() : run.code();
    }

    /** The run's environment as its start manifest records it, or an empty map. */
    public Map<String, Object> environment() {
        return run == null || run.environment() == null ? Map.of() : run.environment();
    }
}
