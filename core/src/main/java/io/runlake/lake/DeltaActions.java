package io.runlake.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import io.runlake.format.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds and reads the Delta Lake actions RunLake writes (FORMAT.md, "Commits"): one JSON object per line of a
 * commit file, and one row per action in a checkpoint. Field names are Delta's (camelCase), so actions are
 * plain {@link ObjectNode}s rather than mapped records.
 */
final class DeltaActions {
    /** Tag of a metrics file: the raw shards it holds ({@link ShardSet} text form). */
    static final String TAG_COVERS = "runlake.covers";
    /** Tag of a metrics file: its compaction tier. */
    static final String TAG_TIER = "runlake.tier";
    /** Tag of a runs index file: digest of the indexer's inputs. */
    static final String TAG_FINGERPRINT = "runlake.fingerprint";
    /** Tag of a runs index file: when a RUNNING run in it would turn CRASHED (epoch ms). */
    static final String TAG_VALID_UNTIL = "runlake.valid_until_ms";
    /** Tag of a runs index file: its settled watermark (JSON, {@link io.runlake.runs.SettledWatermark}). */
    static final String TAG_SETTLED = io.runlake.runs.SettledWatermark.TAG;
    /** Domain of an experiment's quarantine records, per table. */
    static final String QUARANTINE_DOMAIN = "runlake.quarantine/";
    /** The protocol: Delta reader 1; writer 7 with domain metadata only (quarantine records). */
    static final int READER_VERSION = 1;

    static final int WRITER_VERSION = 7;
    static final List<String> WRITER_FEATURES = List.of("domainMetadata");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DeltaActions() {}

    static ObjectNode commitInfo(long timeMs, String operation, String kind, String writer) {
        ObjectNode info = NODES.objectNode();
        info.put("timestamp", timeMs);
        info.put("operation", operation);
        info.putObject("operationParameters");
        info.put("isBlindAppend", false);
        info.put("engineInfo", "RunLake");
        info.put("txnId", UUID.randomUUID().toString());
        ObjectNode runlake = info.putObject("runlake");
        runlake.put("kind", kind);
        runlake.put("writer", writer);
        return wrap("commitInfo", info);
    }

    static ObjectNode protocol() {
        ObjectNode p = NODES.objectNode();
        p.put("minReaderVersion", READER_VERSION);
        p.put("minWriterVersion", WRITER_VERSION);
        WRITER_FEATURES.forEach(p.putArray("writerFeatures")::add);
        return wrap("protocol", p);
    }

    static ObjectNode metaData(LakeTable table, long timeMs) {
        ObjectNode m = NODES.objectNode();
        m.put("id", UUID.randomUUID().toString());
        m.put("name", table == LakeTable.METRICS ? "metrics" : "runs");
        ObjectNode format = m.putObject("format");
        format.put("provider", "parquet");
        format.putObject("options");
        m.put("schemaString", table.schemaString());
        m.putArray("partitionColumns").add(LakeTable.PARTITION_COLUMN);
        ObjectNode conf = m.putObject("configuration");
        conf.put("delta.checkpointInterval", Long.toString(LakeLog.CHECKPOINT_INTERVAL));
        conf.put("delta.logRetentionDuration", "interval 30 days");
        conf.put("delta.deletedFileRetentionDuration", "interval 5 minutes");
        m.put("createdTime", timeMs);
        return wrap("metaData", m);
    }

    /** The table's metadata with this RunLake's schema (Delta schema evolution: columns added at the end). */
    static ObjectNode evolvedMetaData(LakeTable table, ObjectNode current) {
        ObjectNode m = current.deepCopy();
        m.put("schemaString", table.schemaString());
        return wrap("metaData", m);
    }

    /** An {@code add} of a data file of {@code experiment}, committed at {@code timeMs}. */
    static ObjectNode add(
            LakeTable table,
            String experiment,
            String key,
            long bytes,
            long timeMs,
            String stats,
            Map<String, String> tags) {
        ObjectNode a = NODES.objectNode();
        a.put("path", table.deltaPath(key));
        a.putObject("partitionValues").put(LakeTable.PARTITION_COLUMN, experiment);
        a.put("size", bytes);
        a.put("modificationTime", timeMs);
        a.put("dataChange", true);
        if (stats != null) a.put("stats", stats);
        if (!tags.isEmpty()) {
            ObjectNode t = a.putObject("tags");
            new TreeMap<>(tags).forEach(t::put);
        }
        return wrap("add", a);
    }

    /** The {@code remove} of a live file, keeping its partition values, size and tags. */
    static ObjectNode remove(ObjectNode liveAdd, long timeMs, boolean dataChange) {
        ObjectNode r = NODES.objectNode();
        for (String f : List.of("path", "partitionValues", "size", "tags")) {
            if (liveAdd.has(f)) r.set(f, liveAdd.get(f).deepCopy());
        }
        r.put("deletionTimestamp", timeMs);
        r.put("dataChange", dataChange);
        r.put("extendedFileMetadata", true);
        return wrap("remove", r);
    }

    static ObjectNode domain(String domain, String configuration) {
        ObjectNode d = NODES.objectNode();
        d.put("domain", domain);
        d.put("configuration", configuration);
        d.put("removed", false);
        return wrap("domainMetadata", d);
    }

    static String quarantineDomain(String experiment) {
        return QUARANTINE_DOMAIN + Names.escapeSegment(experiment);
    }

    /** Statistics of a metrics file: row count and the run id range (files are sorted by run id). */
    static String metricStats(DataFile f) {
        ObjectNode s = NODES.objectNode();
        s.put("numRecords", f.rows());
        if (f.minRunId() != null) s.putObject("minValues").put("run_id", f.minRunId());
        if (f.maxRunId() != null) s.putObject("maxValues").put("run_id", f.maxRunId());
        return s.toString();
    }

    static String rowCountStats(long rows) {
        return NODES.objectNode().put("numRecords", rows).toString();
    }

    /** One commit file: the actions, one JSON object per line. */
    static byte[] commitFile(List<ObjectNode> actions) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode a : actions) out.append(a.toString()).append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<ObjectNode> parseCommitFile(byte[] bytes, String key) {
        List<ObjectNode> actions = new ArrayList<>();
        int n = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            n++;
            if (line.isBlank()) continue;
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                if (!(node instanceof ObjectNode o) || o.size() != 1) {
                    throw new LakeLogException("lake log " + key + " line " + n + " is not one Delta action");
                }
                actions.add(o);
            } catch (JsonProcessingException e) {
                throw new LakeLogException(
                        "lake log " + key + " line " + n + " is not valid JSON: " + e.getOriginalMessage());
            }
        }
        return actions;
    }

    /** The action's type ({@code add}, {@code remove}, …) */
    static String type(ObjectNode action) {
        return action.fieldNames().next();
    }

    static ObjectNode body(ObjectNode action) {
        return (ObjectNode) action.elements().next();
    }

    /** The parsed {@code stats} of an {@code add}; empty when absent or unreadable (stats are optional). */
    static ObjectNode stats(ObjectNode add) {
        JsonNode text = add.get("stats");
        if (text != null && text.isTextual()) {
            try {
                if (Json.MAPPER.readTree(text.asText()) instanceof ObjectNode o) return o;
            } catch (JsonProcessingException e) {
                // optional statistics: read as absent
            }
        }
        return NODES.objectNode();
    }

    static String tag(ObjectNode add, String name) {
        JsonNode t = add.path("tags").get(name);
        return t == null || t.isNull() ? null : t.asText();
    }

    static String partitionExperiment(ObjectNode fileAction) {
        JsonNode v = fileAction.path("partitionValues").get(LakeTable.PARTITION_COLUMN);
        return v == null || v.isNull() ? null : v.asText();
    }

    static List<Quarantined> parseQuarantine(String configuration, String where) {
        try {
            return Json.MAPPER.readValue(configuration, new TypeReference<List<Quarantined>>() {});
        } catch (JsonProcessingException e) {
            throw new LakeLogException(where + ": malformed quarantine records: " + e.getOriginalMessage());
        }
    }

    static String quarantineText(List<Quarantined> records) {
        return new String(Json.write(records), StandardCharsets.UTF_8);
    }

    private static ObjectNode wrap(String type, ObjectNode body) {
        ObjectNode a = NODES.objectNode();
        a.set(type, body);
        return a;
    }
}
