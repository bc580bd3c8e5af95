package io.runlake.client;

import static io.runlake.client.GoldenModel.obj;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.runlake.client.GoldenModel.Experiment;
import io.runlake.client.GoldenModel.Point;
import io.runlake.client.GoldenModel.Run;
import io.runlake.client.GoldenModel.WorkerPoint;
import io.runlake.format.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answers every reader must give for the golden bucket, derived from {@link GoldenModel} by FORMAT.md's rules
 * written out plainly (§8.2 status, §9 params and tags, §13.4 last value and min/max), and written as
 * {@code EXPECTED.json}. Doubles that JSON cannot hold are the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}.
 */
final class GoldenExpectations {
    private GoldenExpectations() {}

    static byte[] json(GoldenModel model) {
        Map<String, Object> experiments = new TreeMap<>();
        for (Experiment e : model.experiments) experiments.put(e.name, experiment(e));
        try {
            return Json.MAPPER
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(obj(
                            "about",
                            "Answers every RunLake reader must give for this bucket (see ARCHITECTURE.md, Golden "
                                    + "bucket). Statuses assume the clock is past 2026-11-26T10:30Z.",
                            "experiments",
                            experiments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> experiment(Experiment e) {
        List<Object> runs = new ArrayList<>();
        List<Object> summaries = new ArrayList<>();
        List<Object> artifacts = new ArrayList<>();
        List<Object> inputs = new ArrayList<>();
        List<Run> sorted =
                e.runs.stream().sorted(Comparator.comparing(r -> r.runId)).toList();
        for (Run r : sorted) {
            runs.add(obj(
                    "run_id",
                    r.runId,
                    "name",
                    r.start.get("name"),
                    "status",
                    r.expectedStatus,
                    "start_time_ms",
                    r.start.get("start_time_ms"),
                    "end_time_ms",
                    endMs(r),
                    "last_activity_ms",
                    lastActivityMs(r),
                    "error",
                    error(r),
                    "points",
                    r.readablePoints().size(),
                    "params",
                    params(r),
                    "tags",
                    tags(r),
                    "note",
                    note(r),
                    "archived",
                    archived(r)));
            summaries.addAll(summaries(r));
            for (Map<String, Object> ev : r.events) {
                if (ev.get("artifact") instanceof Map<?, ?> a) artifacts.add(withRun(r, a));
                if (ev.get("input") instanceof Map<?, ?> i) inputs.add(withRun(r, i));
            }
        }
        String metric = e.leaderboardMetric;
        String direction = e.direction;
        return obj(
                "runs",
                runs,
                "metric_summary",
                summaries,
                "artifacts",
                artifacts,
                "inputs",
                inputs,
                "leaderboard",
                obj(
                        "metric",
                        metric,
                        "direction",
                        direction,
                        "ranks",
                        "FINISHED runs with a non-NaN last value, by last value, then run id",
                        "run_ids",
                        leaderboard(sorted, metric, direction)));
    }

    private static Map<String, Object> withRun(Run r, Map<?, ?> payload) {
        Map<String, Object> m = obj("run_id", r.runId);
        payload.forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    private static List<String> leaderboard(List<Run> runs, String metric, String direction) {
        record Ranked(String runId, double value) {}
        List<Ranked> ranked = new ArrayList<>();
        for (Run r : runs) {
            if (!r.expectedStatus.equals("FINISHED")) continue;
            WorkerPoint last = lastPoint(r, metric);
            if (last != null && !Double.isNaN(last.point().value())) {
                ranked.add(new Ranked(r.runId, last.point().value()));
            }
        }
        Comparator<Ranked> byValue = Comparator.comparingDouble(Ranked::value);
        if (direction.equals("max")) byValue = byValue.reversed();
        return ranked.stream()
                .sorted(byValue.thenComparing(Ranked::runId))
                .map(Ranked::runId)
                .toList();
    }

    /** One row per user metric (keys under {@code runlake/} are hidden), in key order. */
    private static List<Object> summaries(Run r) {
        List<Object> out = new ArrayList<>();
        TreeMap<String, List<WorkerPoint>> byKey = new TreeMap<>();
        for (WorkerPoint p : r.readablePoints())
            byKey.computeIfAbsent(p.point().key(), k -> new ArrayList<>()).add(p);
        byKey.forEach((key, points) -> {
            if (key.startsWith("runlake/")) return;
            double min = Double.NaN, max = Double.NaN;
            for (WorkerPoint p : points) {
                double v = p.point().value();
                if (Double.isNaN(v)) continue;
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
            Point last = lastPoint(r, key).point();
            out.add(obj(
                    "run_id",
                    r.runId,
                    "key",
                    key,
                    "points",
                    points.size(),
                    "last_step",
                    last.step(),
                    "last_value",
                    num(last.value()),
                    "min_value",
                    Double.isNaN(min) ? null : num(min),
                    "max_value",
                    Double.isNaN(max) ? null : num(max)));
        });
        return out;
    }

    /** The point at the highest step; ties: latest timestamp, then highest worker (FORMAT.md §13.4). */
    static WorkerPoint lastPoint(Run r, String key) {
        return r.readablePoints().stream()
                .filter(p -> p.point().key().equals(key))
                .max(Comparator.comparingLong((WorkerPoint p) -> p.point().step())
                        .thenComparingLong(p -> p.point().timestampMs())
                        .thenComparingInt(WorkerPoint::worker))
                .orElse(null);
    }

    static Object num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v;
    }

    static Long endMs(Run r) {
        if (r.expectedStatus.equals("CRASHED") || r.expectedStatus.equals("RUNNING")) return null;
        return r.ends.stream().mapToLong(e -> (long) e.get("end_time_ms")).max().orElseThrow();
    }

    static long lastActivityMs(Run r) {
        long t = (long) r.start.get("start_time_ms");
        for (Map<String, Object> w : r.workers) t = Math.max(t, (long) w.get("start_time_ms"));
        for (Map<String, Object> e : r.events) t = Math.max(t, (long) e.get("time_ms"));
        for (Map<String, Object> e : r.ends) t = Math.max(t, (long) e.get("end_time_ms"));
        for (WorkerPoint p : r.readablePoints()) t = Math.max(t, p.point().timestampMs());
        return t;
    }

    /** {@code type: message} of the first failed end manifest (type alone when there is no message). */
    static String error(Run r) {
        for (Map<String, Object> e : r.ends) {
            if (e.get("error") instanceof Map<?, ?> err) {
                Object type = err.get("type");
                return err.containsKey("message") ? type + ": " + err.get("message") : (String) type;
            }
        }
        return null;
    }

    /** Params as text: start manifest first, then events by time (FORMAT.md §9.1). */
    static Map<String, String> params(Run r) {
        Map<String, String> out = new TreeMap<>();
        ((Map<?, ?>) r.start.get("params")).forEach((k, v) -> out.put((String) k, String.valueOf(v)));
        for (Map<String, Object> e : r.events) {
            if (e.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> out.putIfAbsent((String) k, String.valueOf(v)));
            }
        }
        return out;
    }

    /** Tags: start manifest, then events in (time, key) order; null deletes (FORMAT.md §9.2). */
    static Map<String, String> tags(Run r) {
        Map<String, String> out = new TreeMap<>();
        ((Map<?, ?>) r.start.get("tags")).forEach((k, v) -> out.put((String) k, (String) v));
        for (Map<String, Object> e : r.events) {
            if (!(e.get("tags") instanceof Map<?, ?> t)) continue;
            t.forEach((k, v) -> {
                if (v == null) out.remove((String) k);
                else out.put((String) k, (String) v);
            });
        }
        // post-hoc tags (FORMAT.md §8.4) after all of the run's own, in (time, id) order: here already in that order
        for (Map<String, Object> a : r.annotations) {
            if (!(a.get("tags") instanceof Map<?, ?> t)) continue;
            t.forEach((k, v) -> {
                if (v == null) out.remove((String) k);
                else out.put((String) k, (String) v);
            });
        }
        return out;
    }

    /** The latest note annotation's text (§8.4), null without one. */
    static String note(Run r) {
        String note = null;
        for (Map<String, Object> a : r.annotations) if ("note".equals(a.get("kind"))) note = (String) a.get("note");
        return note;
    }

    /** Whether the latest archive/restore annotation is an archive (§8.4). */
    static boolean archived(Run r) {
        boolean archived = false;
        for (Map<String, Object> a : r.annotations) {
            if ("archive".equals(a.get("kind"))) archived = true;
            if ("restore".equals(a.get("kind"))) archived = false;
        }
        return archived;
    }
}
