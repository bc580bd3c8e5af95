package io.runlake.client;

import static io.runlake.client.GoldenContent.COMPACTED_MS;
import static io.runlake.client.GoldenContent.INDEXED_MS;
import static io.runlake.client.GoldenContent.MAINTENANCE_WRITER;
import static io.runlake.client.GoldenContent.QUARANTINED_MS;
import static io.runlake.client.GoldenModel.obj;

import io.runlake.client.GoldenModel.Experiment;
import io.runlake.client.GoldenModel.Run;
import io.runlake.client.GoldenModel.Shard;
import io.runlake.client.internal.MetricPage;
import io.runlake.client.internal.ShardEncoder;
import io.runlake.format.DuckSql;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.format.Names;
import io.runlake.lake.LakeTable;
import io.runlake.lake.ShardSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the golden bucket (core's {@code src/test/resources/golden/}): a {@code file:} store laid out as FORMAT.md
 * says, from {@link GoldenContent}, with fixed ids and times so that every run writes the same objects. JSON objects
 * are written as FORMAT.md §7 specifies them (compact, fields in spec order); raw shards by the client's own shard
 * encoder; the compacted experiment's lake file and runs index by DuckDB, the way maintenance writes them; the lake
 * log and its checkpoint as JSON. Then {@link GoldenExpectations} writes {@code EXPECTED.json} next to it.
 *
 * <p>It lives in the client's tests because raw shards are encoded by the real (package-private) shard encoder.
 * Regenerate with {@code GoldenBucketTest} (see ARCHITECTURE.md).
 */
final class GoldenBucketGenerator {
    private final Path root;
    private final Path work;

    private GoldenBucketGenerator(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    /** {@code GoldenBucketGenerator <bucket folder>}: regenerates the bucket there (the test classpath is needed). */
    public static void main(String[] args) throws IOException, SQLException {
        Path work = Files.createTempDirectory("golden-work");
        generate(Path.of(args[0]), work);
        deleteTree(work);
    }

    /** Replaces everything in {@code root} with the golden bucket; {@code work} is an empty scratch folder. */
    static void generate(Path root, Path work) throws IOException, SQLException {
        deleteTree(root);
        Files.createDirectories(root);
        GoldenModel model = GoldenContent.build();
        GoldenBucketGenerator g = new GoldenBucketGenerator(root, work);
        g.put(
                Layout.FORMAT_MARKER,
                Json.write(obj("format_version", 1, "created_by", "runlake-client", "created_at_ms", 1795687464769L)));
        g.put(Layout.artifactBlob(GoldenContent.MODEL_SHA), GoldenContent.MODEL_BIN);
        g.put(Layout.environment(GoldenContent.SHARED_ENVIRONMENT_SHA), GoldenContent.SHARED_ENVIRONMENT);
        for (Experiment e : model.experiments) {
            for (Run r : e.runs) g.writeRun(r);
            if (e.compacted) g.writeLake(e);
        }
        g.put("EXPECTED.json", GoldenExpectations.json(model));
    }

    private void writeRun(Run r) throws IOException {
        String exp = r.experiment;
        put(Layout.startManifest(exp, r.runId), Json.write(r.start));
        put(Layout.runIdPointer(r.runId), Json.write(obj("format_version", 1, "experiment", exp, "run_id", r.runId)));
        for (Map<String, Object> w : r.workers) {
            put(Layout.workerManifest(exp, r.runId, (int) w.get("worker"), (String) w.get("writer_id")), Json.write(w));
        }
        for (Map<String, Object> e : r.events) {
            Map<String, Object> event = new LinkedHashMap<>(e);
            int seq = (int) event.remove("_seq");
            put(Layout.event(exp, r.runId, (int) e.get("worker"), (String) e.get("writer_id"), seq), Json.write(event));
        }
        for (Shard s : r.shards) {
            if (s.covered()) continue; // compacted and vacuumed: its points live in the lake file
            put(shardKey(r, s), s.corrupt() ? corruptShard() : encode(r, s));
        }
        for (Map<String, Object> e : r.ends) {
            put(Layout.endManifest(exp, r.runId, (int) e.get("worker"), (String) e.get("writer_id")), Json.write(e));
        }
        for (Map<String, Object> a : r.annotations) {
            Map<String, Object> annotation = new LinkedHashMap<>(a);
            String id = (String) annotation.remove("_id");
            put(Layout.annotation(exp, r.runId, id), Json.write(annotation));
        }
    }

    /** The compacted experiment: lake file (v0), quarantined shard (v1), runs index (v2), checkpoint of v0. */
    private void writeLake(Experiment e) throws IOException, SQLException {
        String exp = e.name;
        List<String> covered = new ArrayList<>();
        List<Path> coveredCopies = new ArrayList<>();
        for (Run r : e.runs) {
            for (Shard s : r.shards) {
                if (!s.covered()) continue;
                covered.add(shardKey(r, s));
                Path copy = work.resolve("shard-" + coveredCopies.size() + ".parquet");
                Files.write(copy, encode(r, s));
                coveredCopies.add(copy);
            }
        }
        String lakeFile = LakeLayout.metricsFile(exp, GoldenContent.LAKE_FILE_ID);
        Path lakeCopy = work.resolve("lake.parquet");
        Map<String, Object> dataFile;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            exec(duck, "SET TimeZone = 'UTC'");
            exec(
                    duck,
                    "COPY (" + points(coveredCopies) + " ORDER BY run_id, key, step, worker, timestamp) TO "
                            + DuckSql.lit(lakeCopy.toString())
                            + " (" + DuckSql.PORTABLE_PARQUET + ", "
                            + "ROW_GROUP_SIZE 500000, " + footer(exp) + ")");
            put(lakeFile, Files.readAllBytes(lakeCopy));
            dataFile = dataFile(duck, lakeFile, lakeCopy);
            List<Path> allPoints = new ArrayList<>(List.of(lakeCopy));
            for (Run r : e.runs) {
                for (Shard s : r.shards) {
                    if (!s.covered() && !s.corrupt()) allPoints.add(root.resolve(shardKey(r, s)));
                }
            }
            Path indexCopy = work.resolve("runs.parquet");
            GoldenIndex.write(duck, e, points(allPoints), indexCopy, footer(exp));
            put(LakeLayout.runsIndexFile(exp, GoldenContent.INDEX_FILE_ID), Files.readAllBytes(indexCopy));
        }
        String indexFile = LakeLayout.runsIndexFile(exp, GoldenContent.INDEX_FILE_ID);
        // The metrics table: v0 adds the lake file (holding the covered shards), v1 quarantines the corrupt shard.
        put(
                LakeTable.METRICS.commitKey(0),
                lines(
                        commitInfo(COMPACTED_MS, "WRITE", "compaction"),
                        protocol(),
                        metaData(LakeTable.METRICS, GoldenContent.METRICS_TABLE_ID, COMPACTED_MS),
                        obj("add", add(LakeTable.METRICS, exp, dataFile, COMPACTED_MS, covered))));
        put(
                LakeTable.METRICS.commitKey(1),
                lines(
                        commitInfo(QUARANTINED_MS, "QUARANTINE", "quarantine"),
                        obj(
                                "domainMetadata",
                                obj(
                                        "domain",
                                        "runlake.quarantine/" + Names.escapeSegment(exp),
                                        "configuration",
                                        new String(Json.write(List.of(quarantine(e))), StandardCharsets.UTF_8),
                                        "removed",
                                        false))));
        // The runs table: v0 makes the runs index current.
        put(
                LakeTable.RUNS.commitKey(0),
                lines(
                        commitInfo(INDEXED_MS, "REPLACE RUNS INDEX", "index"),
                        protocol(),
                        metaData(LakeTable.RUNS, GoldenContent.RUNS_TABLE_ID, INDEXED_MS),
                        obj(
                                "add",
                                obj(
                                        "path",
                                        LakeTable.RUNS.deltaPath(indexFile),
                                        "partitionValues",
                                        obj("experiment", exp),
                                        "size",
                                        sizeOf(root.resolve(indexFile)),
                                        "modificationTime",
                                        INDEXED_MS,
                                        "dataChange",
                                        true,
                                        "stats",
                                        "{\"numRecords\":" + e.runs.size() + "}",
                                        "tags",
                                        obj("runlake.fingerprint", "golden")))));
    }

    /** A Delta commit file: one action per line (FORMAT.md, "Commits"). */
    private static byte[] lines(Map<String, Object>... actions) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> a : actions)
            out.append(new String(Json.write(a), StandardCharsets.UTF_8)).append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> commitInfo(long timeMs, String operation, String kind) {
        return obj(
                "commitInfo",
                obj(
                        "timestamp",
                        timeMs,
                        "operation",
                        operation,
                        "operationParameters",
                        obj(),
                        "isBlindAppend",
                        false,
                        "engineInfo",
                        "RunLake",
                        "txnId",
                        "00000000-0000-0000-0000-" + String.format("%012d", timeMs % 1_000_000_000_000L),
                        "runlake",
                        obj("kind", kind, "writer", MAINTENANCE_WRITER)));
    }

    private static Map<String, Object> protocol() {
        return obj(
                "protocol",
                obj("minReaderVersion", 1, "minWriterVersion", 7, "writerFeatures", List.of("domainMetadata")));
    }

    private static Map<String, Object> metaData(LakeTable table, String id, long timeMs) {
        return obj(
                "metaData",
                obj(
                        "id",
                        id,
                        "name",
                        table == LakeTable.METRICS ? "metrics" : "runs",
                        "format",
                        obj("provider", "parquet", "options", obj()),
                        "schemaString",
                        table.schemaString(),
                        "partitionColumns",
                        List.of("experiment"),
                        "configuration",
                        obj(
                                "delta.checkpointInterval",
                                "10",
                                "delta.logRetentionDuration",
                                "interval 30 days",
                                "delta.deletedFileRetentionDuration",
                                "interval 5 minutes"),
                        "createdTime",
                        timeMs));
    }

    private static Map<String, Object> add(
            LakeTable table, String exp, Map<String, Object> file, long timeMs, List<String> covered) {
        return obj(
                "path",
                table.deltaPath((String) file.get("path")),
                "partitionValues",
                obj("experiment", exp),
                "size",
                file.get("bytes"),
                "modificationTime",
                timeMs,
                "dataChange",
                true,
                "stats",
                "{\"numRecords\":" + file.get("rows") + ",\"minValues\":{\"run_id\":\"" + file.get("min_run_id")
                        + "\"},\"maxValues\":{\"run_id\":\"" + file.get("max_run_id") + "\"}}",
                "tags",
                obj("runlake.covers", ShardSet.of(covered).text(), "runlake.tier", "0"));
    }

    private Map<String, Object> quarantine(Experiment e) throws IOException {
        for (Run r : e.runs) {
            for (Shard s : r.shards) {
                if (!s.corrupt()) continue;
                String key = shardKey(r, s);
                String copy = LakeLayout.quarantineCopy(e.name, key);
                put(copy, corruptShard());
                return obj(
                        "key",
                        key,
                        "error",
                        key + ": not a readable RunLake metric shard: No magic bytes found at " + "end of file '" + key
                                + "'",
                        "copy",
                        copy,
                        "time_ms",
                        QUARANTINED_MS);
            }
        }
        throw new IllegalStateException("the compacted experiment has no corrupt shard");
    }

    private static Map<String, Object> dataFile(Connection duck, String key, Path file) throws SQLException {
        try (Statement st = duck.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), min(run_id), max(run_id) FROM "
                        + DuckSql.readParquet(DuckSql.lit(file.toString())))) {
            rs.next();
            return obj(
                    "path",
                    key,
                    "rows",
                    rs.getLong(1),
                    "bytes",
                    sizeOf(file),
                    "min_run_id",
                    rs.getString(2),
                    "max_run_id",
                    rs.getString(3),
                    "tier",
                    0);
        }
    }

    /** The typed projection maintenance reads points with (FORMAT.md §12.4). */
    static String points(List<Path> files) {
        return "SELECT CAST(run_id AS VARCHAR) AS run_id, CAST(worker AS INTEGER) AS worker, "
                + "CAST(key AS VARCHAR) AS key, CAST(step AS BIGINT) AS step, "
                + "CAST(timestamp AS TIMESTAMPTZ) AS timestamp, CAST(value AS DOUBLE) AS value FROM "
                + DuckSql.readParquet(DuckSql.list(files));
    }

    private static String footer(String experiment) {
        return "KV_METADATA {'runlake.format_version': '1', 'runlake.experiment': " + DuckSql.lit(experiment) + "}";
    }

    private static byte[] encode(Run r, Shard s) {
        List<String> keys =
                s.points().stream().map(GoldenModel.Point::key).distinct().toList();
        MetricPage page = new MetricPage(s.points().size());
        for (GoldenModel.Point p : s.points()) {
            page.keys[page.size] = keys.indexOf(p.key());
            page.steps[page.size] = p.step();
            page.timestamps[page.size] = p.timestampMs();
            page.values[page.size++] = p.value();
        }
        return ShardEncoder.encode(new ShardEncoder.Batch(r.experiment, r.runId, s.worker(), List.of(page), keys));
    }

    /** A half-written shard: not Parquet (no magic bytes), so maintenance quarantines it. */
    private static byte[] corruptShard() {
        return "PAR1 truncated: the writer died here".getBytes(StandardCharsets.US_ASCII);
    }

    private static String shardKey(Run r, Shard s) {
        return Layout.metricShard(r.experiment, r.runId, s.worker(), s.writerId(), s.seq());
    }

    private void put(String key, byte[] bytes) throws IOException {
        Path target = root.resolve(key);
        Files.createDirectories(target.getParent());
        Files.write(target, bytes);
    }

    private static void exec(Connection duck, String sql) throws SQLException {
        try (Statement st = duck.createStatement()) {
            st.execute(sql);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
