package io.runlake.functions.core;

import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.RunObjects;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeOperations;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.Quarantined;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.store.StoreUnavailableException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poisoned raw objects: found by probing each input alone, copied to {@code lake/quarantine/} (so the
 * evidence outlives the raw lifecycle rule) and recorded in a {@code quarantine} commit. Readers and
 * maintenance skip them from then on, so one bad object never blocks its experiment.
 */
final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private Quarantine() {}

    /**
     * Reads every point column of each file on its own, and checks that its rows belong to its key's run.
     *
     * @return key to error message for each file DuckDB cannot read as metric points of its own run
     */
    static Map<String, String> unreadableShards(Duck duck, Map<String, Path> files) {
        Map<String, String> bad = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            try {
                duck.query("SELECT count(*), sum(hash(run_id, worker, key, step, timestamp, value)) FROM ("
                        + Duck.points(List.of(e.getValue())) + ")");
                bad.putAll(foreignRows(duck, Map.of(e.getKey(), e.getValue())));
            } catch (SQLException ex) {
                String m = firstLine(ex.getMessage()).replace(e.getValue().toString(), e.getKey());
                bad.put(
                        e.getKey(),
                        (m.contains(e.getKey()) ? "" : e.getKey() + ": ") + "not a readable RunLake metric shard: "
                                + m);
            }
        }
        return bad;
    }

    /**
     * Raw shards whose rows are not all of the run their key names (FORMAT.md §11: a shard holds points of its
     * own run only, so one shard can never add points to another run). Reads only the {@code run_id} column.
     *
     * @return key to error message for each such shard
     * @throws SQLException when a file cannot be read at all (probe with {@link #unreadableShards})
     */
    static Map<String, String> foreignRows(Duck duck, Map<String, Path> shards) throws SQLException {
        Map<String, String> bad = new LinkedHashMap<>();
        if (shards.isEmpty()) return bad;
        Map<String, String> keyOf = new HashMap<>();
        shards.forEach((k, p) -> keyOf.put(p.toString(), k));
        String sql = "SELECT filename, " + RunObjects.RUN_ID_RANGE_SQL + " FROM (SELECT filename, "
                + MetricSchema.column(MetricSchema.RUN_ID).cast() + " FROM "
                + MetricSchema.readPoints(Duck.files(List.copyOf(shards.values())), "filename = true")
                + ") GROUP BY filename";
        for (Object[] r : duck.query(sql)) {
            String key = keyOf.get((String) r[0]);
            if (key == null) continue;
            String run = Layout.parseRunObject(key).map(Layout.RunObject::runId).orElse("");
            String problem = RunObjects.foreignRows(run, (String) r[1], (String) r[2], ((Number) r[3]).longValue());
            if (!problem.isEmpty()) bad.put(key, key + ": " + problem);
        }
        return bad;
    }

    static String firstLine(String message) {
        if (message == null) return "unknown error";
        String m = message.strip();
        // DuckDB prefixes "Invalid Input Error: Attempting to execute an unsuccessful..." before the real error.
        int real = m.indexOf("\nError: ");
        if (real >= 0) m = m.substring(real + 8);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Copies and commits the bad objects (those not already quarantined by someone else).
     *
     * @param local local copies to preserve, by key (may lack some keys)
     * @return the snapshot after the commit, or the latest snapshot if nothing was left to commit
     */
    static LakeSnapshot commit(
            LakeCommitter committer,
            LakeSnapshot snapshot,
            Map<String, String> errors,
            Map<String, Path> local,
            String writerId,
            long nowMs) {
        String experiment = snapshot.experiment();
        ObjectStore store = committer.store();
        List<Quarantined> items = new ArrayList<>();
        for (Map.Entry<String, String> e : errors.entrySet()) {
            String copy = null;
            Path file = local.get(e.getKey());
            if (file != null) {
                try {
                    String copyKey = LakeLayout.quarantineCopy(experiment, e.getKey());
                    store.putFileIfAbsent(copyKey, file);
                    copy = copyKey;
                } catch (StoreUnavailableException ex) {
                    throw ex;
                } catch (StoreException ex) {
                    LOG.warn("cannot copy poisoned object {} aside: {}", e.getKey(), ex.getMessage());
                }
            }
            items.add(new Quarantined(e.getKey(), e.getValue(), copy, nowMs));
            LOG.warn("quarantining {} of experiment '{}': {}", e.getKey(), experiment, e.getValue());
        }
        return committer
                .commit(snapshot, LakeOperations.quarantine(items, writerId, nowMs))
                .snapshot();
    }
}
