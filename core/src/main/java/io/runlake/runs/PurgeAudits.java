package io.runlake.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The purge entries of {@code audit/} (FORMAT.md §12.11), read by the purger (to complete an unfinished purge) and by
 * registry readers (to say that a model version's run was purged rather than fail to find it).
 */
public final class PurgeAudits {
    public static final String KIND = "purge";
    public static final String COMPLETED_SUFFIX = ".completed.json";

    private PurgeAudits() {}

    /** A purge intent: its key, the run it purges, and whether its completion entry exists. */
    public record Entry(String key, String experiment, String runId, boolean completed) {}

    /** The completion entry's key of an intent {@code audit/<id>.json}. */
    public static String completionKey(String auditKey) {
        return auditKey.substring(0, auditKey.length() - Layout.JSON_SUFFIX.length()) + COMPLETED_SUFFIX;
    }

    /** The latest purge intent of each run (entries list in time order), completed or not. */
    public static Map<String, Entry> latestByRun(ObjectStore store) {
        return read(store, null);
    }

    /** The latest purge intent of one run, completed or not. */
    public static Optional<Entry> latest(ObjectStore store, String runId) {
        return Optional.ofNullable(read(store, runId).get(runId));
    }

    private static Map<String, Entry> read(ObjectStore store, String onlyRun) {
        var all = store.list(Layout.AUDIT);
        Set<String> keys = new HashSet<>();
        all.forEach(o -> keys.add(o.key()));
        Map<String, Entry> latest = new LinkedHashMap<>();
        for (ObjectInfo o : all) {
            if (o.key().endsWith(COMPLETED_SUFFIX) || !o.key().endsWith(Layout.JSON_SUFFIX)) continue;
            Optional<byte[]> bytes = store.get(o.key());
            if (bytes.isEmpty()) continue;
            JsonNode n = Json.read(bytes.get(), JsonNode.class, o.key());
            String runId = n.path("run_id").asText();
            if (!KIND.equals(n.path("kind").asText()) || (onlyRun != null && !onlyRun.equals(runId))) continue;
            latest.put(
                    runId,
                    new Entry(o.key(), n.path("experiment").asText(), runId, keys.contains(completionKey(o.key()))));
        }
        return latest;
    }
}
