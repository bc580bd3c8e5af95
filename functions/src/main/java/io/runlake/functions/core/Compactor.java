package io.runlake.functions.core;

import io.runlake.format.DuckSql;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.lake.CommitRetryPolicy;
import io.runlake.lake.DataFile;
import io.runlake.lake.HistorySummary;
import io.runlake.lake.LakeCommitter;
import io.runlake.lake.LakeOperations;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeView;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an experiment's raw metric shards into few large Parquet files sorted by (run_id, key, step), and
 * merges small compacted files as they accumulate (FORMAT.md, "Compaction and the commit protocol").
 *
 * <p>Every change is one optimistic commit: build the new file locally with DuckDB (bounded memory,
 * spilling to disk), upload it under a fresh unique name (invisible until committed), then create the
 * next log entry with put-if-absent. Losing the race for a version means re-reading the log: if the
 * inputs are still uncovered (shards) or live (files) the same file is committed at the next version,
 * otherwise it is dropped and the work is redone from the new snapshot. Any crash leaves at worst an
 * unreferenced upload, which readers ignore and vacuum deletes.
 */
public final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final ObjectStore store;
    private final CompactorOptions options;
    private final String writerId = RunIds.newId();
    private final LakeCommitter committer;

    public Compactor(ObjectStore store, CompactorOptions options) {
        this.store = store;
        this.options = options;
        this.committer = new LakeCommitter(store, CommitRetryPolicy.defaults().withMaxAttempts(options.maxAttempts()));
    }

    /** What one call did. */
    public record Result(
            String experiment,
            int commits,
            int shardsCompacted,
            long pointsCompacted,
            int filesMerged,
            int quarantined,
            int conflicts,
            int shardsDeleted,
            int lakeFilesDeleted,
            int liveFiles,
            long version) {
        public boolean changed() {
            return commits > 0;
        }
    }

    private enum Outcome {
        COMMITTED,
        RETRY,
        QUARANTINED
    }

    private final class Stats {
        int commits, shards, merged, quarantined, conflicts, shardsDeleted, lakeDeleted;
        long points;
    }

    public Result compact(String experiment) {
        return compact(experiment, Instant.MAX);
    }

    /**
     * Compacts until no uncovered shard is left (or compaction is not due yet), merges small files, then
     * deletes what commits made obsolete. Stops starting new batches after {@code deadline}.
     */
    public Result compact(String experiment, Instant deadline) {
        Maintenance.checkStore(store);
        Stats stats = new Stats();
        int retries = 0;
        LakeView view;
        while (true) {
            view = LakeView.load(store, experiment);
            options.hook().reached("listed");
            if (view.uncoveredShards().isEmpty() || !due(view) || pastDeadline(deadline)) break;
            Outcome o = compactShards(view, pickBatch(view.uncoveredShards()), stats);
            if (o == Outcome.RETRY && ++retries > options.maxAttempts()) {
                throw new MaintenanceException("gave up compacting experiment '" + experiment + "' after "
                        + options.maxAttempts() + " lost commit races; another compactor keeps winning");
            }
        }
        LakeSnapshot snapshot = view.snapshot();
        while (!pastDeadline(deadline)) {
            List<DataFile> picks = mergePlan(snapshot);
            if (picks.isEmpty()) break;
            Outcome o = mergeFiles(snapshot, picks, stats);
            if (o == Outcome.RETRY && ++retries > options.maxAttempts()) {
                throw new MaintenanceException("gave up merging files of experiment '" + experiment + "' after "
                        + options.maxAttempts() + " lost commit races");
            }
            snapshot = LakeSnapshot.load(store, experiment);
        }
        cleanup(experiment, stats);
        LakeSnapshot last = LakeSnapshot.load(store, experiment);
        return new Result(
                experiment,
                stats.commits,
                stats.shards,
                stats.points,
                stats.merged,
                stats.quarantined,
                stats.conflicts,
                stats.shardsDeleted,
                stats.lakeDeleted,
                last.liveFiles().size(),
                last.version());
    }

    private boolean pastDeadline(Instant deadline) {
        return options.clock().instant().isAfter(deadline);
    }

    /** Whether waiting shards are worth a commit now (see {@link CompactorOptions#minBatchBytes()}). */
    private boolean due(LakeView view) {
        if (options.minBatchBytes() <= 0) return true;
        long bytes = 0;
        Instant oldest = Instant.MAX;
        Set<String> runs = new HashSet<>();
        for (ObjectInfo o : view.uncoveredShards()) {
            bytes += o.size();
            if (o.lastModified() != null && o.lastModified().isBefore(oldest)) oldest = o.lastModified();
            Layout.parseRunObject(o.key()).ifPresent(r -> runs.add(r.runId()));
        }
        if (bytes >= options.minBatchBytes()) return true;
        if (oldest.isBefore(options.clock().instant().minus(options.maxDelay()))) return true;
        for (LakeView.RawObject r : view.runObjects()) {
            if (r.parsed().kind() == Layout.RunObjectKind.END
                    && runs.contains(r.parsed().runId())) return true;
        }
        return false;
    }

    private List<ObjectInfo> pickBatch(List<ObjectInfo> uncovered) {
        List<ObjectInfo> batch = new ArrayList<>();
        long bytes = 0;
        for (ObjectInfo o : uncovered) {
            if (!batch.isEmpty()
                    && (bytes + o.size() > options.maxBatchBytes() || batch.size() >= options.maxBatchShards())) break;
            batch.add(o);
            bytes += o.size();
        }
        return batch;
    }

    // ---- tier 0: raw shards -> one sorted file ------------------------------------------------------

    private Outcome compactShards(LakeView view, List<ObjectInfo> batch, Stats stats) {
        String experiment = view.experiment();
        List<String> keys = batch.stream().map(ObjectInfo::key).toList();
        try (LocalFiles local = new LocalFiles(store, options.workDir(), options.ioThreads())) {
            long t0 = System.nanoTime();
            Map<String, Optional<Path>> got = local.fetchAll(keys);
            long t1 = System.nanoTime();
            Map<String, Path> files = new LinkedHashMap<>();
            for (Map.Entry<String, Optional<Path>> e : got.entrySet()) {
                if (e.getValue().isEmpty()) {
                    // Listed but gone: a newer commit covered it and its shard was deleted. Start over.
                    stats.conflicts++;
                    return Outcome.RETRY;
                }
                files.put(e.getKey(), e.getValue().get());
            }
            options.hook().reached("downloaded");
            Path out = local.newDir("out").resolve("tier0.parquet");
            FileStats fs = sortShards(view, keys, files, out, local, stats);
            if (fs == null) return Outcome.QUARANTINED;
            options.hook().reached("written");
            long t2 = System.nanoTime();
            DataFile file = upload(experiment, out, fs, 0);
            long t3 = System.nanoTime();
            options.hook().reached("uploaded");
            LakeCommitter.Outcome commit =
                    committer.commit(view.snapshot(), LakeOperations.compactShards(file, keys, writerId, this::now));
            stats.conflicts += commit.lostRaces();
            if (!commit.committed()) {
                // Someone else compacted some of these shards: committing ours would duplicate points.
                deleteQuietly(List.of(file.path()));
                return Outcome.RETRY;
            }
            options.hook().reached("committed");
            stats.commits++;
            stats.shards += keys.size();
            stats.points += fs.rows;
            LOG.info(
                    "experiment '{}': v{} compacted {} shards ({} points) into {} "
                            + "(download {} ms, sort+write {} ms, upload {} ms)",
                    experiment,
                    commit.snapshot().version(),
                    keys.size(),
                    fs.rows,
                    file.path(),
                    (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000,
                    (t3 - t2) / 1_000_000);
            if (options.deleteGrace().isZero()) stats.shardsDeleted += deleteQuietly(keys);
            return Outcome.COMMITTED;
        }
    }

    /**
     * Sorts the shards' points into {@code out}; null when shards holding another run's rows or that cannot be read
     * were quarantined instead. Run by run when it can ({@link RunSortedWriter}), else with one DuckDB sort.
     */
    private FileStats sortShards(
            LakeView view, List<String> keys, Map<String, Path> files, Path out, LocalFiles local, Stats stats) {
        String experiment = view.experiment();
        try {
            Optional<RunSortedWriter.Written> written =
                    RunSortedWriter.write(files, out, experiment, Math.toIntExact(options.rowGroupSize()));
            if (written.isPresent()) {
                return new FileStats(
                        written.get().rows(),
                        written.get().minRunId(),
                        written.get().maxRunId());
            }
        } catch (IOException e) {
            throw new MaintenanceException("cannot write compacted file " + out + ": " + e, e);
        }
        try (Duck duck = Duck.open(local.newDir("spill"), options.memoryLimit(), options.threads())) {
            // A shard of a newer format stops compaction here, before it can be read, quarantined or deleted.
            duck.requireSupportedFormat(files);
            Map<String, String> quarantine;
            try {
                // rows of another run under this run's key: never compacted into the lake (§11, §12.6)
                quarantine = Quarantine.foreignRows(duck, files);
                if (quarantine.isEmpty()) writeSorted(duck, List.copyOf(files.values()), out, experiment);
            } catch (SQLException e) {
                quarantine = Quarantine.unreadableShards(duck, files);
                if (quarantine.isEmpty()) {
                    throw new MaintenanceException(
                            "compacting " + keys.size() + " shards of experiment '"
                                    + experiment + "' (first " + keys.get(0) + ") failed: "
                                    + Quarantine.firstLine(e.getMessage()),
                            e);
                }
            }
            if (!quarantine.isEmpty()) {
                Quarantine.commit(committer, view.snapshot(), quarantine, files, writerId, now());
                stats.quarantined += quarantine.size();
                stats.commits++;
                return null;
            }
            return fileStats(duck, out);
        } catch (SQLException e) {
            throw new MaintenanceException("cannot read back compacted file " + out + ": " + e.getMessage(), e);
        }
    }

    // ---- tiers: small lake files -> one bigger file ------------------------------------------------

    /** The smallest files, up to the target size together, once more than maxSmallFiles are small. */
    List<DataFile> mergePlan(LakeSnapshot snapshot) {
        long small = options.targetFileBytes() / 2;
        List<DataFile> candidates = new ArrayList<>(
                snapshot.liveFiles().stream().filter(f -> f.bytes() < small).toList());
        if (candidates.size() <= options.maxSmallFiles()) return List.of();
        candidates.sort(Comparator.comparingLong(DataFile::bytes).thenComparing(DataFile::path));
        List<DataFile> picks = new ArrayList<>();
        long sum = 0;
        for (DataFile f : candidates) {
            if (picks.size() >= 2 && sum + f.bytes() > options.targetFileBytes()) break;
            picks.add(f);
            sum += f.bytes();
        }
        return picks;
    }

    private Outcome mergeFiles(LakeSnapshot snapshot, List<DataFile> picks, Stats stats) {
        String experiment = snapshot.experiment();
        List<String> paths = picks.stream().map(DataFile::path).toList();
        try (LocalFiles local = new LocalFiles(store, options.workDir(), options.ioThreads())) {
            List<Path> files = new ArrayList<>();
            Map<String, Path> byKey = new LinkedHashMap<>();
            for (Map.Entry<String, Optional<Path>> e : local.fetchAll(paths).entrySet()) {
                if (e.getValue().isEmpty()) {
                    stats.conflicts++;
                    return Outcome.RETRY; // removed by a newer commit and vacuumed
                }
                files.add(e.getValue().get());
                byKey.put(e.getKey(), e.getValue().get());
            }
            options.hook().reached("downloaded");
            Path out = local.newDir("out").resolve("merged.parquet");
            FileStats fs;
            try (Duck duck = Duck.open(local.newDir("spill"), options.memoryLimit(), options.threads())) {
                duck.requireSupportedFormat(byKey); // a newer lake file is never merged (nor removed)
                writeSorted(duck, files, out, experiment);
                fs = fileStats(duck, out);
            } catch (SQLException e) {
                throw new MaintenanceException(
                        "merging lake files " + paths + " failed: " + Quarantine.firstLine(e.getMessage()), e);
            }
            long inputRows = picks.stream().mapToLong(DataFile::rows).sum();
            if (fs.rows != inputRows) {
                throw new MaintenanceException(
                        "merging " + paths + " produced " + fs.rows + " rows, expected " + inputRows);
            }
            options.hook().reached("written");
            int tier = 1 + picks.stream().mapToInt(DataFile::tier).max().orElse(0);
            DataFile file = upload(experiment, out, fs, tier);
            options.hook().reached("uploaded");
            LakeCommitter.Outcome commit =
                    committer.commit(snapshot, LakeOperations.mergeFiles(file, paths, writerId, this::now));
            stats.conflicts += commit.lostRaces();
            if (!commit.committed()) {
                deleteQuietly(List.of(file.path()));
                return Outcome.RETRY;
            }
            options.hook().reached("committed");
            stats.commits++;
            stats.merged += picks.size();
            LOG.info(
                    "experiment '{}': v{} merged {} files ({} rows) into tier-{} {}",
                    experiment,
                    commit.snapshot().version(),
                    picks.size(),
                    fs.rows,
                    tier,
                    file.path());
            if (options.deleteGrace().isZero()) stats.lakeDeleted += deleteQuietly(paths);
            return Outcome.COMMITTED;
        }
    }

    // ---- shared steps ------------------------------------------------------------------------------

    record FileStats(long rows, String minRunId, String maxRunId) {}

    private void writeSorted(Duck duck, List<Path> inputs, Path out, String experiment) throws SQLException {
        writeSorted(duck, inputs, "", out, experiment);
    }

    /** Writes the inputs' points that pass {@code where} (a SQL condition, or "" for all) as one sorted lake file. */
    void writeSorted(Duck duck, List<Path> inputs, String where, Path out, String experiment) throws SQLException {
        String points =
                where.isEmpty() ? Duck.points(inputs) : "SELECT * FROM (" + Duck.points(inputs) + ") WHERE " + where;
        duck.exec("COPY (" + points + " ORDER BY run_id, key, step, worker, timestamp) TO "
                + Duck.lit(out.toString()) + " (" + DuckSql.PORTABLE_PARQUET + ", ROW_GROUP_SIZE "
                + options.rowGroupSize() + ", " + Duck.footer(experiment, historySummaries(duck, points)) + ")");
    }

    /**
     * The history summaries (FORMAT.md §12.4.1) of the series of {@code points} with at least
     * {@link HistorySummary#MIN_POINTS} points, by footer key: each series read in step order into
     * {@link HistorySummary}, the one home of the bucket rules (the run-by-run writer uses it too).
     */
    static Map<String, String> historySummaries(Duck duck, String points) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Object[]> series = duck.query("SELECT run_id, key, min(step), max(step), count(*) FROM (" + points
                + ") GROUP BY ALL HAVING count(*) >= " + HistorySummary.MIN_POINTS + " ORDER BY ALL");
        for (Object[] s : series) {
            String runId = (String) s[0];
            String key = (String) s[1];
            HistorySummary.Builder b = new HistorySummary.Builder(
                    ((Number) s[2]).longValue(), ((Number) s[3]).longValue(), ((Number) s[4]).longValue());
            try (PreparedStatement ps = duck.prepare("SELECT step, epoch_ms(timestamp), value FROM (" + points
                    + ") WHERE run_id = ? AND key = ? ORDER BY step, timestamp")) {
                ps.setString(1, runId);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) b.add(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
                }
            }
            out.put(HistorySummary.footerKey(runId, key), b.build().encode());
        }
        return out;
    }

    static FileStats fileStats(Duck duck, Path file) throws SQLException {
        Object[] r = duck.query("SELECT count(*), min(run_id), max(run_id) FROM " + Duck.readParquet(List.of(file)))
                .get(0);
        return new FileStats(((Number) r[0]).longValue(), (String) r[1], (String) r[2]);
    }

    DataFile upload(String experiment, Path out, FileStats fs, int tier) {
        String key = LakeLayout.metricsFile(experiment, RunIds.newId());
        long bytes;
        try {
            bytes = Files.size(out);
        } catch (IOException e) {
            throw new MaintenanceException("cannot read compacted file " + out + ": " + e, e);
        }
        // a 412 with our size is the SDK's retry of our own upload (file ids are fresh ULIDs)
        if (!store.putFileIfAbsent(key, out)
                && store.head(key).map(i -> i.size() != LocalFiles.sizeOf(out)).orElse(true)) {
            throw new MaintenanceException("lake file " + key + " already exists; file ids must be unique");
        }
        return new DataFile(key, fs.rows, bytes, fs.minRunId, fs.maxRunId, tier);
    }

    /**
     * Deletes raw shards covered by commits older than the grace period, lake files removed by such
     * commits, replaced runs-index files, and unreferenced lake files older than the orphan grace. Every
     * deletion is optional for correctness; failures are logged and retried next time.
     */
    private void cleanup(String experiment, Stats stats) {
        try {
            LakeView view = LakeView.load(store, experiment);
            LakeSnapshot snap = view.snapshot();
            long now = now();
            long deleteBefore = now - options.deleteGrace().toMillis();
            List<String> shards = new ArrayList<>();
            for (ObjectInfo o : view.rawObjects()) {
                Long covered = snap.coveredAt(o.key());
                if (covered != null && covered <= deleteBefore) shards.add(o.key());
            }
            stats.shardsDeleted += deleteQuietly(shards);
            options.hook().reached("deleted");
            List<String> lake = new ArrayList<>();
            long orphanBefore = now - options.orphanGrace().toMillis();
            for (String prefix :
                    List.of(LakeLayout.metricsPrefix(experiment), LakeLayout.runsIndexPrefix(experiment))) {
                for (ObjectInfo o : store.list(prefix)) {
                    String k = o.key();
                    if (snap.isLive(k) || k.equals(snap.indexFile())) continue;
                    Long removed = snap.removedFiles().get(k);
                    if (removed == null) removed = snap.replacedIndexes().get(k);
                    boolean obsolete = removed != null && removed <= deleteBefore;
                    boolean orphan = removed == null
                            && !snap.isReferenced(k)
                            && o.lastModified() != null
                            && o.lastModified().toEpochMilli() <= orphanBefore;
                    if (obsolete || orphan) lake.add(k);
                }
            }
            stats.lakeDeleted += deleteQuietly(lake);
        } catch (StoreException e) {
            LOG.warn("cleanup of experiment '{}' stopped: {}", experiment, e.getMessage());
        }
    }

    private int deleteQuietly(List<String> keys) {
        int n = 0;
        for (String k : keys) {
            try {
                store.delete(k);
                n++;
            } catch (StoreException e) {
                LOG.warn("cannot delete {} (will retry on a later run): {}", k, e.getMessage());
                return n;
            }
        }
        return n;
    }

    private long now() {
        return options.clock().millis();
    }
}
