package io.runlake.lake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change to an experiment's part of one lake table, before it becomes Delta actions (FORMAT.md, "Commits").
 * Writers build commits with the named factories ({@link #compaction}, {@link #merge}, {@link #quarantine},
 * {@link #index}); the commit loop turns one into the actions of the table's next version
 * ({@link #actions}).
 *
 * @param table the table it changes
 * @param experiment the experiment (partition) it changes
 * @param kind {@link #COMPACTION}, {@link #INDEX}, {@link #QUARANTINE} or {@link #PURGE}
 * @param timeMs when the writer made the commit (its clock): commit time, and time of the files it adds
 * @param writer id of the process that wrote it (diagnostics only)
 * @param add metrics files that become live
 * @param remove keys of live metrics files that stop being live (their points are in an added file)
 * @param index the runs index file that becomes current ({@code kind=index} only)
 * @param quarantined raw objects to skip from now on
 */
public record LakeCommit(
        LakeTable table,
        String experiment,
        String kind,
        long timeMs,
        String writer,
        List<DataFile> add,
        List<String> remove,
        IndexFile index,
        List<Quarantined> quarantined) {

    public static final String COMPACTION = "compaction";
    public static final String INDEX = "index";
    public static final String QUARANTINE = "quarantine";
    /** Moves an experiment from RunLake's older lake log into the tables ({@link LakeUpgrade}). */
    public static final String UPGRADE = "upgrade";
    /** Rewrites files without one run's points (FORMAT.md §12.11): real deletion, so {@code dataChange} stays true. */
    public static final String PURGE = "purge";

    /**
     * A runs index file.
     *
     * @param path its key
     * @param rows runs in it
     * @param bytes its size
     * @param listedMs when its inputs were listed (readers compare raw objects' times with it)
     * @param fingerprint digest of the inputs (lets the indexer skip no-op rebuilds)
     * @param validUntilMs when a RUNNING run of it would turn CRASHED; null when none is running
     */
    public record IndexFile(
            String path, long rows, long bytes, long listedMs, String fingerprint, Long validUntilMs, String settled) {
        /** An index without a settled watermark (readers list the experiment in full). */
        public IndexFile(String path, long rows, long bytes, long listedMs, String fingerprint, Long validUntilMs) {
            this(path, rows, bytes, listedMs, fingerprint, validUntilMs, null);
        }
    }

    public LakeCommit {
        add = add == null ? List.of() : List.copyOf(add);
        remove = remove == null ? List.of() : List.copyOf(remove);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
    }

    /** Tier 0: {@code file} now holds the points of the raw {@code shards}, which readers skip from now on. */
    public static LakeCommit compaction(
            String experiment, long timeMs, String writer, DataFile file, List<String> shards) {
        return new LakeCommit(
                LakeTable.METRICS,
                experiment,
                COMPACTION,
                timeMs,
                writer,
                List.of(file.withCovers(ShardSet.of(shards))),
                List.of(),
                null,
                List.of());
    }

    /** A merge of live metrics files: {@code merged} (holding every shard its inputs held) replaces {@code inputs}. */
    public static LakeCommit merge(
            String experiment, long timeMs, String writer, DataFile merged, List<String> inputs) {
        return new LakeCommit(
                LakeTable.METRICS, experiment, COMPACTION, timeMs, writer, List.of(merged), inputs, null, List.of());
    }

    /**
     * Purge of a run: each of {@code remove} held some of its points; {@code add} are their rewrites without them
     * (none for a file that held nothing else).
     */
    public static LakeCommit purge(
            String experiment, long timeMs, String writer, List<DataFile> add, List<String> remove) {
        return new LakeCommit(LakeTable.METRICS, experiment, PURGE, timeMs, writer, add, remove, null, List.of());
    }

    /** Raw objects every reader and maintenance step skips from now on (metrics shards). */
    public static LakeCommit quarantine(String experiment, long timeMs, String writer, List<Quarantined> objects) {
        return new LakeCommit(
                LakeTable.METRICS, experiment, QUARANTINE, timeMs, writer, List.of(), List.of(), null, objects);
    }

    /**
     * Makes {@code index} the current runs index of the experiment.
     *
     * @param malformed manifests and events the index was built without (quarantined by the same commit)
     */
    public static LakeCommit index(
            String experiment, long timeMs, String writer, IndexFile index, List<Quarantined> malformed) {
        return new LakeCommit(
                LakeTable.RUNS, experiment, INDEX, timeMs, writer, List.of(), List.of(), index, malformed);
    }

    /** The Delta actions of this commit on top of {@code before} (the table's state it is committed on). */
    List<ObjectNode> actions(LakeSnapshot before) {
        TableSnapshot state = before.table(table);
        List<ObjectNode> out = new ArrayList<>();
        out.add(DeltaActions.commitInfo(timeMs, operation(), kind, writer));
        if (!state.hasMetadata()) {
            out.add(DeltaActions.protocol());
            out.add(DeltaActions.metaData(table, timeMs));
        } else {
            // a table made by an older RunLake gets the columns added since (its files read them as null)
            state.metadataWithOlderSchema().ifPresent(m -> out.add(DeltaActions.evolvedMetaData(table, m)));
        }
        if (!quarantined.isEmpty()) {
            Map<String, Quarantined> all = new TreeMap<>();
            state.domain(DeltaActions.quarantineDomain(experiment))
                    .ifPresent(c ->
                            DeltaActions.parseQuarantine(c, table.logPrefix()).forEach(q -> all.put(q.key(), q)));
            quarantined.forEach(q -> all.putIfAbsent(q.key(), q));
            out.add(DeltaActions.domain(
                    DeltaActions.quarantineDomain(experiment), DeltaActions.quarantineText(List.copyOf(all.values()))));
        }
        for (String key : remove) {
            ObjectNode live = state.liveFiles().get(key);
            if (live == null) throw new LakeLogException("cannot remove " + key + ": it is not live");
            out.add(DeltaActions.remove(live, timeMs, false));
        }
        if (index != null) {
            String current = before.indexFile();
            if (current != null) out.add(DeltaActions.remove(state.liveFiles().get(current), timeMs, true));
            Map<String, String> tags = new TreeMap<>();
            if (index.fingerprint() != null) tags.put(DeltaActions.TAG_FINGERPRINT, index.fingerprint());
            if (index.validUntilMs() != null)
                tags.put(DeltaActions.TAG_VALID_UNTIL, index.validUntilMs().toString());
            if (index.settled() != null) tags.put(DeltaActions.TAG_SETTLED, index.settled());
            out.add(DeltaActions.add(
                    table,
                    experiment,
                    index.path(),
                    index.bytes(),
                    index.listedMs(),
                    index.rows() < 0 ? null : DeltaActions.rowCountStats(index.rows()),
                    tags));
        }
        for (DataFile f : add) {
            Map<String, String> tags = new TreeMap<>();
            tags.put(DeltaActions.TAG_TIER, Integer.toString(f.tier()));
            if (!f.covers().isEmpty())
                tags.put(DeltaActions.TAG_COVERS, f.covers().text());
            ObjectNode a =
                    DeltaActions.add(table, experiment, f.path(), f.bytes(), timeMs, DeltaActions.metricStats(f), tags);
            if (!remove.isEmpty() && !PURGE.equals(kind))
                DeltaActions.body(a).put("dataChange", false); // a merge rearranges, like OPTIMIZE
            out.add(a);
        }
        return out;
    }

    private String operation() {
        return switch (kind) {
            case COMPACTION -> remove.isEmpty() ? "WRITE" : "OPTIMIZE";
            case INDEX -> "REPLACE RUNS INDEX";
            case UPGRADE -> "UPGRADE";
            case PURGE -> "DELETE";
            default -> "QUARANTINE";
        };
    }

    /** This commit made at another time (the commit loop re-times compactions at each attempt). */
    public LakeCommit at(long newTimeMs) {
        return new LakeCommit(table, experiment, kind, newTimeMs, writer, add, remove, index, quarantined);
    }
}
