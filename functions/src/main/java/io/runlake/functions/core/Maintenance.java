package io.runlake.functions.core;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeUpgrade;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole maintenance of a store: for each experiment, compact, then index, then report. Each step is
 * idempotent and reads its inputs from the store, so running it twice, concurrently, after a crash, or
 * for a duplicated or late event converges to the same state.
 */
public final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private Maintenance() {}

    /** What happened to one experiment. */
    public record ExperimentResult(
            String experiment, Compactor.Result compaction, Indexer.Result index, Reporter.Result report) {}

    /** What a sweep did; {@code failures} maps experiment to error message. */
    public record SweepResult(
            List<ExperimentResult> experiments, Map<String, String> failures, List<String> notReached) {
        public boolean ok() {
            return failures.isEmpty() && notReached.isEmpty();
        }
    }

    /**
     * Refuses a store whose marker {@code _runlake/format.json} is from a newer format (FORMAT.md §3): maintenance
     * then reads, compacts, quarantines and deletes nothing. A store without a marker is maintained as version 1.
     */
    public static void checkStore(ObjectStore store) {
        FormatVersion.checkMarker(
                store.get(Layout.FORMAT_MARKER).orElse(null), store.uri().toString());
        upgradeIfNeeded(store);
    }

    /** Moves an older RunLake's lake log into the lake tables (FORMAT.md §12.2.1); one LIST when there is none. */
    public static LakeUpgrade.Result upgradeIfNeeded(ObjectStore store) {
        if (!LakeUpgrade.needed(store)) return new LakeUpgrade.Result(List.of(), List.of());
        LakeUpgrade.Result r = LakeUpgrade.run(new LakeCommitter(store), RunIds.newId(), System.currentTimeMillis());
        if (r.changedAnything()) LOG.info("upgraded the lake of experiments {} to the Delta tables", r.upgraded());
        return r;
    }

    /** Experiments with anything under {@code runs/}, in name order. */
    public static List<String> experiments(ObjectStore store) {
        TreeSet<String> names = new TreeSet<>();
        for (ObjectInfo o : store.list(Layout.RUNS)) {
            Layout.parseRunObject(o.key()).ifPresent(r -> names.add(r.experiment()));
        }
        return new ArrayList<>(names);
    }

    public static ExperimentResult runExperiment(ObjectStore store, String experiment) {
        return runExperiment(store, experiment, MaintenanceOptions.defaults(), Instant.MAX, true);
    }

    /** Compacts, indexes and (if {@code report}) writes the leaderboard of one experiment. */
    public static ExperimentResult runExperiment(
            ObjectStore store, String experiment, MaintenanceOptions options, Instant deadline, boolean report) {
        Compactor.Result c = new Compactor(store, options.compactor()).compact(experiment, deadline);
        Indexer.Result i = new Indexer(store, options.indexer()).index(experiment);
        Reporter.Result r = report ? new Reporter(store, options.reporter()).report(experiment) : null;
        return new ExperimentResult(experiment, c, i, r);
    }

    /**
     * Every experiment: compact, index (which marks quiet runs CRASHED) and report. One experiment's
     * failure does not stop the others; experiments not started before {@code deadline} are listed in
     * {@code notReached} for the next sweep.
     */
    public static SweepResult sweep(ObjectStore store, MaintenanceOptions options, Instant deadline) {
        checkStore(store); // once for the whole store, not one failure per experiment
        List<ExperimentResult> done = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        List<String> notReached = new ArrayList<>();
        for (String experiment : experiments(store)) {
            if (Instant.now(options.compactor().clock()).isAfter(deadline)) {
                notReached.add(experiment);
                continue;
            }
            try {
                done.add(runExperiment(store, experiment, options, deadline, true));
            } catch (RuntimeException e) {
                LOG.error("maintenance of experiment '{}' failed", experiment, e);
                failures.put(experiment, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return new SweepResult(done, failures, notReached);
    }
}
