package io.runlake.lake;

import io.runlake.format.LakeLayout;
import io.runlake.format.MetricSchema;
import io.runlake.lake.delta.DeltaPaths;
import io.runlake.runs.RunLineage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two Delta Lake tables of a store (FORMAT.md, "The lake tables"): {@code lake/metrics/} holds every metric
 * point, {@code lake/runs/} the runs index. Each is partitioned by {@code experiment} (the name, unescaped) and
 * has its own log {@code <root>_delta_log/}. Data files keep RunLake's layout
 * ({@code <root>experiment=<esc>/<id>.parquet}) and the log names them relative to the root, so any copy of
 * the bucket is still a valid table.
 */
public enum LakeTable {
    METRICS(LakeLayout.METRICS, metricsSchema()),
    RUNS(LakeLayout.RUNS_INDEX, RunsSchema.JSON);

    /** The partition column of both tables. */
    public static final String PARTITION_COLUMN = "experiment";

    private static final Pattern LOG_FILE = Pattern.compile("(\\d{20})\\.(json|checkpoint\\.parquet)");

    private final String root;
    private final String schemaString;

    LakeTable(String root, String schemaString) {
        this.root = root;
        this.schemaString = schemaString;
    }

    /** The table root, a key prefix ending in {@code /}. */
    public String root() {
        return root;
    }

    /** The Delta schema (JSON), data columns then the partition column. */
    public String schemaString() {
        return schemaString;
    }

    public String logPrefix() {
        return root + "_delta_log/";
    }

    /** Commit {@code version}, created only with put-if-absent. */
    public String commitKey(long version) {
        return logPrefix() + version20(version) + ".json";
    }

    /** The classic Parquet checkpoint of {@code version}; derived data. */
    public String checkpointKey(long version) {
        return logPrefix() + version20(version) + ".checkpoint.parquet";
    }

    /** A parsed file name of the log folder. */
    public record LogFile(long version, boolean checkpoint) {}

    /** A key of this table's log folder that RunLake reads (commits and single-file checkpoints). */
    public Optional<LogFile> parseLogKey(String key) {
        if (!key.startsWith(logPrefix())) return Optional.empty();
        Matcher m = LOG_FILE.matcher(key.substring(logPrefix().length()));
        if (!m.matches()) return Optional.empty();
        return Optional.of(new LogFile(Long.parseLong(m.group(1)), m.group(2).startsWith("checkpoint")));
    }

    /** The table a log key belongs to. */
    public static Optional<LakeTable> ofLogKey(String key) {
        for (LakeTable t : values()) if (t.parseLogKey(key).isPresent()) return Optional.of(t);
        return Optional.empty();
    }

    /** The Delta {@code path} of a data file key: relative to the root, percent-encoded as a URI path. */
    public String deltaPath(String key) {
        if (!key.startsWith(root)) {
            throw new IllegalArgumentException("'" + key + "' is not a file of the table " + root);
        }
        return DeltaPaths.encode(key.substring(root.length()));
    }

    /** The object key of a Delta {@code path} (relative paths only: RunLake never writes absolute ones). */
    public String keyOf(String deltaPath) {
        String relative;
        try {
            relative = DeltaPaths.decode(deltaPath);
        } catch (IllegalArgumentException e) {
            throw new LakeLogException(
                    "lake table " + root + " names a file by a bad path '" + deltaPath + "': " + e.getMessage());
        }
        // ".." only as a whole segment: "v1..v2" is a legal experiment name, kept bare by key escaping
        if (relative.contains("://")
                || relative.startsWith("/")
                || Arrays.asList(relative.split("/")).contains("..")) {
            throw new LakeLogException("lake table " + root + " names a file outside the table: '" + deltaPath + "'");
        }
        return root + relative;
    }

    /** The partition values of a file of {@code experiment}. */
    public static Map<String, String> partition(String experiment) {
        return Map.of(PARTITION_COLUMN, experiment);
    }

    static String version20(long version) {
        if (version < 0) throw new IllegalArgumentException("log version " + version + " is negative");
        return String.format("%020d", version);
    }

    private static String metricsSchema() {
        List<String> fields = new ArrayList<>();
        for (MetricSchema.Column c : MetricSchema.COLUMNS) {
            fields.add(field(c.name(), "\"" + deltaType(c.sqlType(), c.name()) + "\""));
        }
        fields.add(field(PARTITION_COLUMN, "\"string\""));
        return "{\"type\":\"struct\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    static String field(String name, String typeJson) {
        return "{\"name\":\"" + name + "\",\"type\":" + typeJson + ",\"nullable\":true,\"metadata\":{}}";
    }

    private static String deltaType(String sqlType, String column) {
        return switch (sqlType) {
            case "VARCHAR" -> "string";
            case "INTEGER" -> "integer";
            case "BIGINT" -> "long";
            case "DOUBLE" -> "double";
            case "TIMESTAMPTZ" -> "timestamp";
            case "BOOLEAN" -> "boolean";
            default -> throw new IllegalStateException("no Delta type for " + sqlType + " (" + column + ")");
        };
    }

    /** The runs index columns (FORMAT.md, "Runs index"), in file order. */
    private static final class RunsSchema {
        static final String JSON;

        static {
            String metric = "{\"type\":\"struct\",\"fields\":["
                    + String.join(
                            ",",
                            field("key", "\"string\""),
                            field("last_value", "\"double\""),
                            field("min_value", "\"double\""),
                            field("max_value", "\"double\""),
                            field("point_count", "\"long\""),
                            field("last_step", "\"long\""))
                    + "]}";
            String map = "{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"string\","
                    + "\"valueContainsNull\":true}";
            List<String> fields = new ArrayList<>();
            for (String s : List.of("run_id", "name", "parent_run_id", "status")) fields.add(field(s, "\"string\""));
            for (String t : List.of("start_time", "end_time", "last_activity")) fields.add(field(t, "\"timestamp\""));
            for (String s : List.of("user", "host", "code_version", "error")) fields.add(field(s, "\"string\""));
            fields.add(field("points", "\"long\""));
            fields.add(field("params", map));
            fields.add(field("tags", map));
            fields.add(field("metrics", array(metric)));
            fields.add(field(RunLineage.ARTIFACTS, array(struct(RunLineage.ARTIFACT_FIELDS))));
            fields.add(field(RunLineage.INPUTS, array(struct(RunLineage.INPUT_FIELDS))));
            fields.add(field(PARTITION_COLUMN, "\"string\""));
            JSON = "{\"type\":\"struct\",\"fields\":[" + String.join(",", fields) + "]}";
        }

        private static String array(String elementType) {
            return "{\"type\":\"array\",\"elementType\":" + elementType + ",\"containsNull\":true}";
        }

        private static String struct(List<RunLineage.Field> fields) {
            List<String> out = new ArrayList<>();
            for (RunLineage.Field f : fields) out.add(field(f.name(), "\"" + deltaType(f.sqlType(), f.name()) + "\""));
            return "{\"type\":\"struct\",\"fields\":[" + String.join(",", out) + "]}";
        }
    }
}
