package io.runlake.lake.delta;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Delta table built by hand the way RunLake's lake log writes one: data files in RunLake's escaped
 * {@code experiment=<esc>/} folders, JSON commits, and classic checkpoints from {@link DeltaCheckpointCodec}
 * (no {@code _last_checkpoint}). It keeps the table state (live files and the points they hold) so tests know
 * exactly which rows a reader must return.
 */
final class HandBuiltDeltaTable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PARTITION_COLUMN = "experiment";
    static final String QUARANTINE_DOMAIN = "runlake.quarantine";

    private static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
            + field("run_id", "string") + "," + field("worker", "integer") + "," + field("key", "string") + ","
            + field("step", "long") + "," + field("timestamp", "timestamp") + "," + field("value", "double") + ","
            + field(PARTITION_COLUMN, "string") + "]}";

    private final Path root;
    private final Path log;
    private final Map<String, ObjectNode> liveAdds = new LinkedHashMap<>();
    private final Map<String, List<MetricPoint>> pointsByPath = new LinkedHashMap<>();
    private final Map<String, ObjectNode> removes = new LinkedHashMap<>();
    private final Map<String, ObjectNode> domains = new LinkedHashMap<>();
    private final List<ObjectNode> protocolAndMetadata = new ArrayList<>();
    private long nextVersion;

    HandBuiltDeltaTable(Path root) throws IOException {
        this.root = root;
        this.log = Files.createDirectories(root.resolve("_delta_log"));
    }

    Path root() {
        return root;
    }

    /** Version 0: commitInfo, protocol 1/7 with domainMetadata, metaData partitioned by experiment, the adds. */
    long create(ObjectNode... adds) {
        ObjectNode protocol = JSON.createObjectNode();
        protocol.putObject("protocol")
                .put("minReaderVersion", 1)
                .put("minWriterVersion", 7)
                .putArray("writerFeatures")
                .add("domainMetadata");
        ObjectNode metaData = JSON.createObjectNode();
        ObjectNode m = metaData.putObject("metaData");
        m.put("id", "c0ffee00-0000-4000-8000-000000000001");
        m.putObject("format").put("provider", "parquet").putObject("options");
        m.put("schemaString", SCHEMA_STRING);
        m.putArray("partitionColumns").add(PARTITION_COLUMN);
        m.putObject("configuration");
        m.put("createdTime", 1_764_201_600_000L);
        List<ObjectNode> actions = new ArrayList<>(List.of(protocol, metaData));
        actions.addAll(List.of(adds));
        return commit(actions);
    }

    /** The add action of a new data file, written (not yet committed) from the points, all of one experiment. */
    ObjectNode addFile(String id, List<MetricPoint> points, DataFileWriter writer) {
        String experiment = points.get(0).experiment();
        String relativeKey = Layout.experimentSegment(experiment) + "/" + id + ".parquet";
        Path file = root.resolve(relativeKey);
        try {
            Files.createDirectories(file.getParent());
            writer.write(file, points);
            String deltaPath = DeltaPaths.encode(relativeKey);
            pointsByPath.put(deltaPath, List.copyOf(points));
            ObjectNode add = JSON.createObjectNode();
            ObjectNode a = add.putObject("add");
            a.put("path", deltaPath);
            a.putObject("partitionValues").put(PARTITION_COLUMN, experiment);
            a.put("size", Files.size(file));
            a.put("modificationTime", Files.getLastModifiedTime(file).toMillis());
            a.put("dataChange", true);
            a.put("stats", MetricPoint.stats(points));
            a.putObject("tags").put("runlake.covers", id).put("runlake.tier", "0");
            return add;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The points a data file of an add action holds. */
    List<MetricPoint> pointsOf(ObjectNode add) {
        return pointsByPath.get(add.get("add").get("path").textValue());
    }

    /** The remove action of a live file, as OPTIMIZE writes it. */
    ObjectNode remove(ObjectNode add) {
        ObjectNode live = (ObjectNode) add.get("add");
        ObjectNode remove = JSON.createObjectNode();
        ObjectNode r = remove.putObject("remove");
        r.put("path", live.get("path").textValue());
        r.put("deletionTimestamp", 1_764_201_700_000L);
        r.put("dataChange", false);
        r.put("extendedFileMetadata", true);
        r.set("partitionValues", live.get("partitionValues"));
        r.put("size", live.get("size").longValue());
        r.set("tags", live.get("tags"));
        return remove;
    }

    static ObjectNode domainMetadata(String domain, String configuration) {
        ObjectNode action = JSON.createObjectNode();
        action.putObject("domainMetadata")
                .put("domain", domain)
                .put("configuration", configuration)
                .put("removed", false);
        return action;
    }

    /** Writes the next commit (commitInfo first) and applies it to the tracked state; returns its version. */
    long commit(List<ObjectNode> actions) {
        long version = nextVersion++;
        ObjectNode commitInfo = JSON.createObjectNode();
        commitInfo
                .putObject("commitInfo")
                .put("timestamp", 1_764_201_600_000L + version)
                .put("operation", "WRITE")
                .put("engineInfo", "RunLake-test");
        StringBuilder lines = new StringBuilder(commitInfo + "\n");
        for (ObjectNode action : actions) {
            lines.append(action).append('\n');
            apply(action);
        }
        write(
                log.resolve(String.format("%020d.json", version)),
                lines.toString().getBytes(StandardCharsets.UTF_8));
        return version;
    }

    /** A classic checkpoint of the state after the last commit, named after its version. */
    void checkpoint() {
        List<ObjectNode> actions = new ArrayList<>(protocolAndMetadata);
        for (ObjectNode add : liveAdds.values()) {
            ObjectNode copy = add.deepCopy();
            ((ObjectNode) copy.get("add")).put("dataChange", false);
            actions.add(copy);
        }
        actions.addAll(removes.values());
        actions.addAll(domains.values());
        long version = nextVersion - 1;
        write(log.resolve(String.format("%020d.checkpoint.parquet", version)), DeltaCheckpointCodec.write(actions));
    }

    /** Log retention: the JSON commits older than a version are gone. */
    void deleteCommitsBefore(long version) throws IOException {
        for (long v = 0; v < version; v++) Files.delete(log.resolve(String.format("%020d.json", v)));
    }

    /** The points of the live files: what every reader must return, each exactly once. */
    List<MetricPoint> expectedPoints() {
        List<MetricPoint> points = new ArrayList<>();
        for (String path : liveAdds.keySet()) points.addAll(pointsByPath.get(path));
        return points;
    }

    private void apply(ObjectNode action) {
        String type = action.fieldNames().next();
        ObjectNode body = (ObjectNode) action.get(type);
        switch (type) {
            case "protocol", "metaData" -> protocolAndMetadata.add(action);
            case "add" -> {
                liveAdds.put(body.get("path").textValue(), action);
                removes.remove(body.get("path").textValue());
            }
            case "remove" -> {
                liveAdds.remove(body.get("path").textValue());
                removes.put(body.get("path").textValue(), action);
            }
            case "domainMetadata" -> domains.put(body.get("domain").textValue(), action);
            default -> throw new IllegalArgumentException("no such action in these tests: " + type);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String field(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"nullable\":true,\"metadata\":{}}";
    }

    /** Writes one data file of points (DuckDB or parquet-java). */
    interface DataFileWriter {
        void write(Path file, List<MetricPoint> points) throws IOException;
    }
}
