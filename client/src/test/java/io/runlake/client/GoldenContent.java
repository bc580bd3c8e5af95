package io.runlake.client;

import static io.runlake.client.GoldenModel.mapWithNulls;
import static io.runlake.client.GoldenModel.obj;

import io.runlake.client.GoldenModel.Experiment;
import io.runlake.client.GoldenModel.Point;
import io.runlake.client.GoldenModel.Run;
import io.runlake.client.GoldenModel.Shard;
import io.runlake.client.internal.Hashes;
import io.runlake.format.Json;
import io.runlake.format.SharedEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The golden bucket's content, fixed ids and times included: FORMAT.md's own examples (the run {@code
 * 01m8bn15h9hrhmr3bgeh23h52y} of experiment {@code my exp/v2} is §6–§7's example run, object for object) plus runs
 * that cover every status, escaped names, edge values and a compacted experiment (see ARCHITECTURE.md, "Golden
 * bucket").
 */
final class GoldenContent {
    static final String EXP_SPEC = "my exp/v2";
    static final String EXP_EDGE = "../../etc/passwd x/\u00fc";
    static final String EXP_LAKE = "mnist";

    static final String R1 = "01m8bn15h9hrhmr3bgeh23h52y";
    static final String R1_W0 = "01m8bn15h982ry08j5ryb01bwj";
    static final String R1_W1 = "01m8bn15qmc92zrrvv2jkfdxk0";
    /** The blob of the model.bin artifact: 11 bytes whose SHA-256 FORMAT.md §7.4 quotes. */
    static final byte[] MODEL_BIN = "model bytes".getBytes(StandardCharsets.US_ASCII);

    static final String MODEL_SHA = "9cb7487000bc86ac36ce83c4acfabe8878552be99572a6770f65ab1d048a5c48";

    /** The maintenance process that wrote the mnist lake log, and its files. */
    static final String MAINTENANCE_WRITER = "01m8bn3000m0000000000000m1";

    static final String LAKE_FILE_ID = "01m8bn3000f0000000000000f1";
    static final String INDEX_FILE_ID = "01m8bn3000f0000000000000x1";
    /** The Delta tables' metaData ids (fixed, so the golden bucket is the same byte for byte on every run). */
    static final String METRICS_TABLE_ID = "00000000-0000-4000-8000-00000000000a";

    static final String RUNS_TABLE_ID = "00000000-0000-4000-8000-00000000000b";
    static final long COMPACTED_MS = 1795687600000L;
    static final long QUARANTINED_MS = 1795687630000L;
    static final long INDEXED_MS = 1795687700000L;

    /**
     * The shared environment (FORMAT.md §7.9) that run {@code lr-0.1} names, written as a writer of this revision
     * writes it; the example run keeps its environment inline, as written before.
     */
    static final byte[] SHARED_ENVIRONMENT = Json.write(obj(
            "format_version",
            1,
            "kind",
            "environment",
            "environment",
            obj(
                    "java_version",
                    "17.0.15",
                    "java_vendor",
                    "Debian",
                    "java_vm",
                    "OpenJDK 64-Bit Server VM 17.0.15+6",
                    "jvm_args",
                    List.of("-Xmx6g"),
                    "os",
                    "Linux 6.8.0",
                    "arch",
                    "amd64",
                    "cpus",
                    16,
                    "gpus",
                    List.of(),
                    "libraries",
                    List.of("com.github.luben:zstd-jni:1.5.7-28", "org.apache.parquet:parquet-hadoop:1.18.1"))));

    static final String SHARED_ENVIRONMENT_SHA = Hashes.sha256(SHARED_ENVIRONMENT);

    private static final long T = 1795687500000L; // 2026-11-26T10:05:00Z: the runs after the example run

    private GoldenContent() {}

    static GoldenModel build() {
        GoldenModel m = new GoldenModel();
        Experiment spec = new Experiment(EXP_SPEC, false, "val_loss", "min");
        Run example = exampleRun();
        annotate(example);
        spec.runs.add(example);
        Run shared = simpleRun(
                EXP_SPEC,
                2,
                "FINISHED",
                "lr-0.1",
                Map.of("lr", 0.1),
                pts("val_loss", 0, 0.9, 9, 0.30),
                List.of(
                        new Point("val_loss", 9, T + 23_000, 0.25),
                        new Point("runlake/heartbeat", 0, T + 23_000, 60.0)));
        shared.start.put(
                "environment",
                obj(
                        "host",
                        "gpu-2",
                        "user",
                        "bob",
                        "pid",
                        4242,
                        "working_dir",
                        "/home/bob/sweep",
                        SharedEnvironment.REF_KEY,
                        SHARED_ENVIRONMENT_SHA));
        spec.runs.add(shared);
        spec.runs.add(simpleRun(
                EXP_SPEC, 3, "FINISHED", "lr-0.03", Map.of("lr", 0.03), pts("val_loss", 0, 0.8, 9, 0.20), List.of()));
        spec.runs.add(
                simpleRun(EXP_SPEC, 4, "CRASHED", "crashed", Map.of("lr", 0.3), pts("val_loss", 0, 0.95), List.of()));
        spec.runs.add(simpleRun(
                EXP_SPEC, 5, "KILLED", "killed", Map.of("lr", 0.01), pts("val_loss", 0, 0.5, 9, 0.10), List.of()));
        m.experiments.add(spec);

        Experiment edge = new Experiment(EXP_EDGE, false, "edge", "min");
        edge.runs.add(edgeRun());
        m.experiments.add(edge);

        Experiment lake = new Experiment(EXP_LAKE, true, "accuracy", "max");
        lake.runs.add(compactedRun(7, "FINISHED", "a", pts("accuracy", 0, 0.5, 1, 0.7, 2, 0.9), null));
        Run b = compactedRun(8, "FINISHED", "b", pts("accuracy", 0, 0.6, 1, 0.8, 2, 0.85), null);
        b.shards.add(new Shard(0, writer(8), 1, List.of(new Point("accuracy", 3, T + 120_000, 0.93)), false, true));
        b.shards.add(new Shard(0, writer(8), 2, List.of(new Point("accuracy", 3, T + 150_000, 0.95)), false, false));
        b.events.add(event(b, 0, writer(8), 0, T + 151_000, "tags", mapWithNulls("stage", "prod")));
        // lineage of a run the runs index settles (FORMAT.md §12.7): the input logged last is the earlier event
        b.events.add(event(
                b,
                0,
                writer(8),
                1,
                T + 151_000,
                "artifact",
                obj("name", "checkpoint", "size", 4096L, "uri", "s3://models/b/checkpoint/", "reference", true)));
        b.events.add(event(
                b,
                0,
                writer(8),
                2,
                T + 150_500,
                "input",
                obj(
                        "name",
                        "digits",
                        "uri",
                        "s3://datasets/digits/",
                        "role",
                        "train",
                        "sha256",
                        "0123456789abcdef".repeat(4),
                        "size",
                        1024L,
                        "files",
                        3L)));
        b.ends.set(0, end(b, 0, writer(8), "FINISHED", T + 152_000, null, 5, 3));
        lake.runs.add(b);
        lake.runs.add(
                compactedRun(9, "FAILED", "c", pts("accuracy", 0, 0.99), obj("type", "java.lang.OutOfMemoryError")));
        m.experiments.add(lake);
        return m;
    }

    /** FORMAT.md §8.4's examples: a note, a post-hoc tag change, and archiving (the run is FAILED: off the board). */
    private static void annotate(Run r) {
        r.annotations.add(annotation(
                r,
                "01m8bna0000000000000000001",
                1795687600000L,
                "note",
                obj("note", "Baseline for the **lr sweep**; data v3.")));
        r.annotations.add(annotation(
                r,
                "01m8bna0000000000000000002",
                1795687600100L,
                "tags",
                obj("tags", mapWithNulls("stage", "production", "team", null))));
        r.annotations.add(
                annotation(r, "01m8bna0000000000000000003", 1795687600200L, "archive", obj("reason", "demo run")));
    }

    private static Map<String, Object> annotation(
            Run r, String id, long timeMs, String kind, Map<String, Object> payload) {
        Map<String, Object> a = obj(
                "_id",
                id,
                "format_version",
                1,
                "kind",
                kind,
                "experiment",
                r.experiment,
                "run_id",
                r.runId,
                "time_ms",
                timeMs,
                "author",
                "ada");
        a.putAll(payload);
        return a;
    }

    /** FORMAT.md §6–§7's example: two workers, late params, tag set and deleted, artifacts, an input; FAILED. */
    private static Run exampleRun() {
        Run r = new Run(EXP_SPEC, R1, "FAILED");
        r.start = obj(
                "format_version",
                1,
                "kind",
                "run_start",
                "experiment",
                EXP_SPEC,
                "run_id",
                R1,
                "name",
                "baseline",
                "parent_run_id",
                "01m8bn0ggnst4c111xp8ehwr70",
                "start_time_ms",
                1795687487044L,
                "worker",
                0,
                "writer_id",
                R1_W0,
                "params",
                obj("lr", 0.01, "layers", 3, "optimizer", "adam", "augment", true),
                "tags",
                obj("team", "vision"),
                "environment",
                obj(
                        "host",
                        "gpu-7",
                        "user",
                        "alice",
                        "pid",
                        6015,
                        "working_dir",
                        "/home/alice/mnist",
                        "java_version",
                        "17.0.15",
                        "java_vendor",
                        "Debian",
                        "java_vm",
                        "OpenJDK 64-Bit Server VM 17.0.15+6",
                        "jvm_args",
                        List.of("-Xmx6g"),
                        "os",
                        "Linux 6.8.0",
                        "arch",
                        "amd64",
                        "cpus",
                        16,
                        "max_heap_bytes",
                        6320816128L,
                        "cpu_model",
                        "AMD EPYC 7R13 Processor",
                        "cpu_physical_cores",
                        8,
                        "cpu_logical_cores",
                        16,
                        "memory_total_bytes",
                        66571993088L,
                        "gpus",
                        List.of(obj(
                                "index",
                                "0",
                                "name",
                                "NVIDIA A10G",
                                "driver_version",
                                "550.54.15",
                                "memory_total_mib",
                                "23028",
                                "uuid",
                                "GPU-5b1f0c3e-0000-0000-0000-000000000000")),
                        "platform",
                        obj("aws_region", "us-east-1"),
                        "libraries",
                        List.of("com.github.luben:zstd-jni:1.5.7-28", "org.apache.parquet:parquet-hadoop:1.18.1")),
                "code",
                obj(
                        "git_root",
                        "/home/alice/mnist",
                        "git_commit",
                        "3f2c1ab9d0e4b5a6c7d8e9f00112233445566778",
                        "git_branch",
                        "main",
                        "git_remote",
                        "https://git.example.com/team/mnist.git",
                        "git_dirty",
                        false));
        r.workers.add(obj(
                "format_version",
                1,
                "kind",
                "worker_start",
                "experiment",
                EXP_SPEC,
                "run_id",
                R1,
                "worker",
                1,
                "writer_id",
                R1_W1,
                "start_time_ms",
                1795687487221L,
                "environment",
                obj(
                        "host",
                        "gpu-8",
                        "user",
                        "alice",
                        "pid",
                        7120,
                        "java_version",
                        "17.0.15",
                        "java_vendor",
                        "Debian",
                        "os",
                        "Linux 6.8.0 amd64",
                        "cpus",
                        16,
                        "max_heap_bytes",
                        6320816128L,
                        "jvm_args",
                        List.of("-Xmx6g"),
                        "working_dir",
                        "/home/alice/mnist")));
        r.events.add(event(r, 0, R1_W0, 0, 1795687487382L, "params", obj("epochs", 10)));
        r.events.add(event(r, 0, R1_W0, 1, 1795687487395L, "tags", mapWithNulls("stage", "candidate")));
        r.events.add(event(r, 0, R1_W0, 2, 1795687487396L, "tags", mapWithNulls("stage", null)));
        r.events.add(event(
                r,
                0,
                R1_W0,
                3,
                1795687487401L,
                "artifact",
                obj(
                        "name",
                        "model.bin",
                        "sha256",
                        MODEL_SHA,
                        "size",
                        11,
                        "uri",
                        "artifacts/sha256/9c/" + MODEL_SHA,
                        "reference",
                        false)));
        r.events.add(event(
                r,
                0,
                R1_W0,
                4,
                1795687487401L,
                "artifact",
                obj("name", "imagenet", "size", 150000000000L, "uri", "s3://datasets/imagenet/", "reference", true)));
        r.events.add(event(
                r,
                0,
                R1_W0,
                5,
                1795687487410L,
                "input",
                obj(
                        "name",
                        "spirals",
                        "uri",
                        "s3://datasets/spirals/v3/",
                        "role",
                        "train",
                        "etag",
                        "\"9b2cf5e7d2a1c4f0e8b6a3d5c7f9e1b2\"",
                        "version_id",
                        "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
                        "size",
                        48213,
                        "files",
                        2)));
        // loss at step 2: worker 0 diverged (NaN), worker 1 logged 1.4 at the same step and millisecond, so the
        // last value is worker 1's (ties: highest step, then latest timestamp, then highest worker)
        r.shards.add(new Shard(0, R1_W0, 0, pts2("loss", 0, 2.0, 1, 1.5), false, false));
        r.shards.add(new Shard(0, R1_W0, 5, List.of(new Point("loss", 2, 1795687489300L, Double.NaN)), false, false));
        r.shards.add(new Shard(1, R1_W1, 0, pts2("loss", 0, 2.1, 1, 1.6), false, false));
        r.shards.add(new Shard(1, R1_W1, 1, List.of(new Point("loss", 2, 1795687489300L, 1.4)), false, false));
        r.ends.add(end(
                r,
                0,
                R1_W0,
                "FAILED",
                1795687489410L,
                obj(
                        "type",
                        "java.lang.IllegalStateException",
                        "message",
                        "diverged: loss is NaN",
                        "stack_trace",
                        "java.lang.IllegalStateException: diverged: loss is NaN\n"
                                + "\tat Train.main(Train.java:26)\n"),
                3,
                2));
        r.ends.add(end(r, 1, R1_W1, "KILLED", 1795687489403L, null, 3, 2));
        return r;
    }

    /** Edge values: ±Infinity, NaN, −0.0, step 0, a step above 2^53; a nameless run with empty params and tags. */
    private static Run edgeRun() {
        String id = runId(6);
        Run r = new Run(EXP_EDGE, id, "FINISHED");
        long t = T + 60_000;
        r.start = startManifest(r, null, t, Map.of(), obj());
        r.shards.add(new Shard(
                0,
                writer(6),
                0,
                List.of(
                        new Point("edge", 0, t + 1, Double.NaN),
                        new Point("edge", 1, t + 2, Double.POSITIVE_INFINITY),
                        new Point("edge", 2, t + 3, -0.0),
                        new Point("edge", 9007199254740993L, t + 4, Double.NEGATIVE_INFINITY),
                        new Point("nan_last", 0, t + 5, 1.0),
                        new Point("nan_last", 1, t + 6, Double.NaN),
                        new Point("all_nan", 0, t + 7, Double.NaN)),
                false,
                false));
        r.ends.add(end(r, 0, writer(6), "FINISHED", t + 10, null, 7, 1));
        return r;
    }

    private static Run simpleRun(
            String exp,
            int n,
            String status,
            String name,
            Map<String, Object> params,
            List<Point> points,
            List<Point> secondBatch) {
        Run r = new Run(exp, runId(n), status);
        long t = T + n * 10_000L;
        r.start = startManifest(r, name, t, params, obj("host", "gpu-" + n, "user", "bob"));
        List<Point> all = new ArrayList<>(shift(points, t));
        all.addAll(secondBatch);
        r.shards.add(new Shard(0, writer(n), 0, all, false, false));
        if (!status.equals("CRASHED")) r.ends.add(end(r, 0, writer(n), status, t + 9_000, null, all.size(), 1));
        return r;
    }

    private static Run compactedRun(int n, String status, String name, List<Point> points, Map<String, Object> error) {
        Run r = new Run(EXP_LAKE, runId(n), status);
        long t = T + n * 10_000L;
        r.start = startManifest(r, name, t, obj("batch", 64, "lr", 0.1), obj("host", "gpu-" + n, "user", "carol"));
        r.start.put("code", obj("git_commit", "0123456789abcdef0123456789abcdef0123456" + n));
        r.shards.add(new Shard(0, writer(n), 0, shift(points, t), true, false));
        r.ends.add(end(r, 0, writer(n), status, t + 9_000, error, points.size(), 1));
        return r;
    }

    private static Map<String, Object> startManifest(
            Run r, String name, long t, Map<String, Object> params, Map<String, Object> environment) {
        return obj(
                "format_version",
                1,
                "kind",
                "run_start",
                "experiment",
                r.experiment,
                "run_id",
                r.runId,
                "name",
                name,
                "start_time_ms",
                t,
                "worker",
                0,
                "writer_id",
                writerOf(r.runId),
                "params",
                params,
                "tags",
                obj(),
                "environment",
                environment);
    }

    private static Map<String, Object> event(
            Run r, int worker, String writer, int seq, long t, String kind, Map<String, Object> payload) {
        Map<String, Object> e = obj(
                "format_version",
                1,
                "kind",
                kind,
                "experiment",
                r.experiment,
                "run_id",
                r.runId,
                "worker",
                worker,
                "writer_id",
                writer,
                "time_ms",
                t,
                kind,
                payload);
        e.put("_seq", seq); // the event's sequence number, for its key; removed before writing
        return e;
    }

    private static Map<String, Object> end(
            Run r,
            int worker,
            String writer,
            String status,
            long t,
            Map<String, Object> error,
            long points,
            long shards) {
        return obj(
                "format_version",
                1,
                "kind",
                "run_end",
                "experiment",
                r.experiment,
                "run_id",
                r.runId,
                "worker",
                worker,
                "writer_id",
                writer,
                "status",
                status,
                "end_time_ms",
                t,
                "error",
                error,
                "points_logged",
                points,
                "points_dropped",
                0,
                "shards_written",
                shards);
    }

    /** Points of one key at (step, value) pairs, one second apart from offset 1 s. */
    private static List<Point> pts(String key, Object... stepValues) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < stepValues.length; i += 2) {
            out.add(new Point(
                    key,
                    ((Number) stepValues[i]).longValue(),
                    1_000L * (i / 2 + 1),
                    ((Number) stepValues[i + 1]).doubleValue()));
        }
        return out;
    }

    /** {@link #pts} logged by the example run, from 2026-11-26T10:04:48Z. */
    private static List<Point> pts2(String key, Object... stepValues) {
        return shift(pts(key, stepValues), 1795687487000L);
    }

    private static List<Point> shift(List<Point> points, long t) {
        return points.stream()
                .map(p -> new Point(p.key(), p.step(), t + p.timestampMs(), p.value()))
                .toList();
    }

    static String runId(int n) {
        return "01m8bn2a0" + n + "g0000000000000r" + n;
    }

    static String writer(int n) {
        return "01m8bn2a0" + n + "w0000000000000r" + n;
    }

    private static String writerOf(String runId) {
        return runId.equals(R1) ? R1_W0 : runId.substring(0, 10) + "w" + runId.substring(11);
    }
}
