package io.runlake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.FormatVersion;
import io.runlake.lake.delta.DeltaCheckpointCodec;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Delta table replayed at a version (Delta PROTOCOL.md, "Action Reconciliation"): protocol, metadata, live
 * files ({@code add} not removed since), tombstones and domain metadata, for all experiments. Files are keyed by
 * their object key. Immutable once loaded; {@link LakeLog} derives the next state from it after a commit.
 */
public final class TableSnapshot {
    private final LakeTable table;
    private long version = -1;
    private long lastCommitTimeMs;
    private ObjectNode protocol;
    private ObjectNode metadata;
    private final Map<String, ObjectNode> live = new LinkedHashMap<>();
    private final Map<String, ObjectNode> tombstones = new LinkedHashMap<>();
    private final Map<String, ObjectNode> domains = new TreeMap<>();

    private TableSnapshot(LakeTable table) {
        this.table = table;
    }

    public static TableSnapshot empty(LakeTable table) {
        return new TableSnapshot(table);
    }

    /**
     * Lists the table's {@code _delta_log/}, starts from the newest readable checkpoint not above the newest
     * commit and applies the later commits in order.
     *
     * @throws LakeLogException if a commit is missing in the middle or unreadable
     * @throws FormatVersion.UnsupportedFormatException if the table needs a newer Delta reader than RunLake's
     */
    public static TableSnapshot load(ObjectStore store, LakeTable table) {
        TreeMap<Long, String> commits = new TreeMap<>();
        TreeMap<Long, String> checkpoints = new TreeMap<>();
        for (ObjectInfo o : store.list(table.logPrefix())) {
            table.parseLogKey(o.key())
                    .ifPresent(f -> (f.checkpoint() ? checkpoints : commits).put(f.version(), o.key()));
        }
        TableSnapshot s = new TableSnapshot(table);
        if (commits.isEmpty() && checkpoints.isEmpty()) return s;
        long last = Math.max(
                commits.isEmpty() ? -1 : commits.lastKey(), checkpoints.isEmpty() ? -1 : checkpoints.lastKey());
        for (Map.Entry<Long, String> cp : checkpoints.descendingMap().entrySet()) {
            Optional<TableSnapshot> fromCheckpoint = readCheckpoint(store, table, cp.getKey(), cp.getValue());
            if (fromCheckpoint.isPresent()) {
                s = fromCheckpoint.get();
                break;
            }
        }
        for (long v = s.version + 1; v <= last; v++) {
            String key = commits.get(v);
            if (key == null) {
                throw new LakeLogException("lake table " + table.root() + " has no commit " + table.commitKey(v)
                        + " although version " + last + " exists (and no checkpoint covers it)");
            }
            byte[] bytes = store.get(key)
                    .orElseThrow(() -> new LakeLogException("lake commit " + key
                            + " was listed but cannot be read; commits must never be deleted before a checkpoint"));
            s.apply(v, DeltaActions.parseCommitFile(bytes, key), key);
        }
        return s;
    }

    /**
     * This table brought up to date: one LIST of the log, then only the commits after this version (no checkpoint
     * or older commit is read again). What the commit loop does after a lost race.
     */
    TableSnapshot refresh(ObjectStore store) {
        TreeMap<Long, String> commits = new TreeMap<>();
        for (ObjectInfo o : store.list(table.logPrefix())) {
            table.parseLogKey(o.key())
                    .filter(f -> !f.checkpoint() && f.version() > version)
                    .ifPresent(f -> commits.put(f.version(), o.key()));
        }
        if (commits.isEmpty()) return this;
        TableSnapshot s = copy();
        for (long v = version + 1; v <= commits.lastKey(); v++) {
            String key = commits.get(v);
            if (key == null) return load(store, table); // not contiguous (log retention ran): read from scratch
            byte[] bytes = store.get(key).orElse(null);
            if (bytes == null) return load(store, table);
            s.apply(v, DeltaActions.parseCommitFile(bytes, key), key);
        }
        return s;
    }

    /** A checkpoint is derived data: an unreadable one is skipped and older ones or the commits are used. */
    private static Optional<TableSnapshot> readCheckpoint(
            ObjectStore store, LakeTable table, long version, String key) {
        List<ObjectNode> actions;
        try {
            Optional<byte[]> bytes = store.get(key);
            if (bytes.isEmpty()) return Optional.empty();
            actions = DeltaCheckpointCodec.read(bytes.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        TableSnapshot s = new TableSnapshot(table);
        s.version = version - 1;
        s.apply(version, actions, key);
        return Optional.of(s);
    }

    /** Applies the actions of commit (or checkpoint) {@code nextVersion}, which must be this version + 1. */
    void apply(long nextVersion, List<ObjectNode> actions, String key) {
        if (nextVersion != version + 1) {
            throw new LakeLogException("cannot apply lake commit " + nextVersion + " on top of version " + version);
        }
        for (ObjectNode action : actions) {
            ObjectNode body = DeltaActions.body(action);
            switch (DeltaActions.type(action)) {
                case "protocol" -> protocol = requireReadable(body, key);
                case "metaData" -> metadata = body;
                case "commitInfo" -> lastCommitTimeMs = body.path("timestamp").asLong(lastCommitTimeMs);
                case "add" -> {
                    String file = table.keyOf(body.path("path").asText());
                    tombstones.remove(file);
                    live.put(file, body);
                }
                case "remove" -> {
                    String file = table.keyOf(body.path("path").asText());
                    live.remove(file);
                    tombstones.put(file, body);
                }
                case "domainMetadata" -> {
                    String domain = body.path("domain").asText();
                    if (body.path("removed").asBoolean(false)) domains.remove(domain);
                    else domains.put(domain, body);
                }
                default -> {} // txn, cdc, …: nothing RunLake's reader needs
            }
        }
        version = nextVersion;
    }

    /** Refuses a table that needs a newer Delta reader than RunLake's (reader version 1, no reader features). */
    private ObjectNode requireReadable(ObjectNode protocol, String key) {
        int reader = protocol.path("minReaderVersion").asInt(1);
        if (reader > DeltaActions.READER_VERSION) {
            throw new FormatVersion.UnsupportedFormatException(
                    key,
                    Integer.toString(reader),
                    "lake table " + table.root() + " needs Delta reader version " + reader + " (" + key
                            + "), but this RunLake reads version " + DeltaActions.READER_VERSION
                            + " only; upgrade RunLake to read it",
                    true);
        }
        return protocol;
    }

    /** Whether RunLake may commit to this table: a writer feature it does not know means another writer's rules. */
    Optional<String> unwritableReason() {
        if (protocol == null) return Optional.empty();
        if (protocol.path("minWriterVersion").asInt() > DeltaActions.WRITER_VERSION) {
            return Optional.of("needs Delta writer version "
                    + protocol.path("minWriterVersion").asInt());
        }
        for (JsonNode f : protocol.path("writerFeatures")) {
            if (!DeltaActions.WRITER_FEATURES.contains(f.asText())) {
                return Optional.of("uses the Delta writer feature '" + f.asText() + "'");
            }
        }
        return Optional.empty();
    }

    /** The actions of a checkpoint at this version: protocol, metadata, domains, live files, tombstones. */
    List<ObjectNode> checkpointActions() {
        List<ObjectNode> out = new ArrayList<>();
        if (protocol != null) out.add(wrap("protocol", protocol));
        if (metadata != null) out.add(wrap("metaData", metadata));
        domains.values().forEach(d -> out.add(wrap("domainMetadata", d)));
        live.values().forEach(a -> out.add(wrap("add", withoutDataChange(a))));
        tombstones.values().forEach(r -> out.add(wrap("remove", withoutDataChange(r))));
        return out;
    }

    TableSnapshot copy() {
        TableSnapshot s = new TableSnapshot(table);
        s.version = version;
        s.lastCommitTimeMs = lastCommitTimeMs;
        s.protocol = protocol;
        s.metadata = metadata;
        s.live.putAll(live);
        s.tombstones.putAll(tombstones);
        s.domains.putAll(domains);
        return s;
    }

    public LakeTable table() {
        return table;
    }

    /** The table version; -1 before the first commit. */
    public long version() {
        return version;
    }

    public long lastCommitTimeMs() {
        return lastCommitTimeMs;
    }

    boolean hasMetadata() {
        return metadata != null;
    }

    /** The table's metadata if its schema is not the one this RunLake writes (columns were added since), else empty. */
    Optional<ObjectNode> metadataWithOlderSchema() {
        if (metadata == null
                || table.schemaString().equals(metadata.path("schemaString").asText())) {
            return Optional.empty();
        }
        return Optional.of(metadata);
    }

    /** Live {@code add} actions by object key, in the order they were added. */
    Map<String, ObjectNode> liveFiles() {
        return Collections.unmodifiableMap(live);
    }

    /** {@code remove} actions still kept (tombstones) by object key. */
    Map<String, ObjectNode> tombstones() {
        return Collections.unmodifiableMap(tombstones);
    }

    Optional<String> domain(String name) {
        return Optional.ofNullable(domains.get(name))
                .map(d -> d.path("configuration").asText());
    }

    private static ObjectNode withoutDataChange(ObjectNode fileAction) {
        ObjectNode copy = fileAction.deepCopy();
        copy.put("dataChange", false);
        return copy;
    }

    private static ObjectNode wrap(String type, ObjectNode body) {
        ObjectNode a = body.objectNode();
        a.set(type, body);
        return a;
    }
}
