package io.runlake.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the golden bucket holds, as plain data: experiments, runs, their JSON objects (as ordered maps, in the field
 * order of FORMAT.md §7) and their metric points, shard by shard. {@link GoldenBucketGenerator} writes it as objects;
 * {@link GoldenExpectations} derives the answers every reader must give from it.
 */
final class GoldenModel {
    /** One metric point of a shard (the shard gives run id and worker). */
    record Point(String key, long step, long timestampMs, double value) {}

    /** A point with the rank of the worker that wrote it (the last tie-breaker of FORMAT.md §13.4). */
    record WorkerPoint(int worker, Point point) {}

    /**
     * One raw shard. {@code covered}: compacted into the experiment's lake file and vacuumed (the raw object is gone);
     * {@code corrupt}: not Parquet at all, quarantined.
     */
    record Shard(int worker, String writerId, int seq, List<Point> points, boolean covered, boolean corrupt) {}

    /** One run with every object that describes it; {@code ends} holds its end manifests, {@code events} its events. */
    static final class Run {
        final String experiment;
        final String runId;
        final String expectedStatus;
        Map<String, Object> start;
        final List<Map<String, Object>> workers = new ArrayList<>();
        final List<Map<String, Object>> events = new ArrayList<>();
        final List<Map<String, Object>> ends = new ArrayList<>();
        final List<Shard> shards = new ArrayList<>();
        /** Annotations (FORMAT.md §8.4), each with its id under {@code _id}. */
        final List<Map<String, Object>> annotations = new ArrayList<>();

        Run(String experiment, String runId, String expectedStatus) {
            this.experiment = experiment;
            this.runId = runId;
            this.expectedStatus = expectedStatus;
        }

        /** Points readers see: every shard but the corrupt (quarantined) ones, compacted or not. */
        List<WorkerPoint> readablePoints() {
            List<WorkerPoint> out = new ArrayList<>();
            for (Shard s : shards) {
                if (!s.corrupt()) s.points().forEach(p -> out.add(new WorkerPoint(s.worker(), p)));
            }
            return out;
        }
    }

    /** An experiment; {@code compacted} experiments have a lake log, a lake file, a checkpoint and a runs index. */
    static final class Experiment {
        final String name;
        final boolean compacted;
        final String leaderboardMetric;
        /** {@code min} or {@code max}: what the reporter infers from the metric's name. */
        final String direction;

        final List<Run> runs = new ArrayList<>();

        Experiment(String name, boolean compacted, String leaderboardMetric, String direction) {
            this.name = name;
            this.compacted = compacted;
            this.leaderboardMetric = leaderboardMetric;
            this.direction = direction;
        }
    }

    final List<Experiment> experiments = new ArrayList<>();

    /** An ordered JSON object from alternating names and values; null values are omitted as FORMAT.md §7 says. */
    static Map<String, Object> obj(Object... nameValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) m.put((String) nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    /** A map whose null values are kept (a tags event's null deletes the tag). */
    static Map<String, Object> mapWithNulls(Object... nameValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) m.put((String) nameValues[i], nameValues[i + 1]);
        return m;
    }
}
