package io.runlake.lake.delta;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** One row of the metrics table, with the experiment it is partitioned by. */
record MetricPoint(String experiment, String runId, int worker, String key, long step, long timestampMs, double value) {
    static final Comparator<MetricPoint> ORDER = Comparator.comparing(MetricPoint::experiment)
            .thenComparing(MetricPoint::runId)
            .thenComparing(MetricPoint::key)
            .thenComparingLong(MetricPoint::step);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code n} points of one run and key, steps {@code 0..n-1}, one second apart. */
    static List<MetricPoint> series(String experiment, String runId, String key, int n, double firstValue) {
        List<MetricPoint> points = new ArrayList<>();
        for (int step = 0; step < n; step++) {
            points.add(new MetricPoint(
                    experiment, runId, 0, key, step, 1_764_201_600_123L + step * 1000L, firstValue + step * 0.5));
        }
        return points;
    }

    /** A row Delta Kernel returned. */
    static MetricPoint fromKernelRow(Map<String, Object> row) {
        return new MetricPoint(
                (String) row.get("experiment"),
                (String) row.get("run_id"),
                (Integer) row.get("worker"),
                (String) row.get("key"),
                (Long) row.get("step"),
                ((Instant) row.get("timestamp")).toEpochMilli(),
                (Double) row.get("value"));
    }

    static List<MetricPoint> sorted(List<MetricPoint> points) {
        return points.stream().sorted(ORDER).toList();
    }

    /** Delta file statistics with only numRecords, minValues and maxValues (no nullCount). */
    static String stats(List<MetricPoint> points) {
        ObjectNode stats = JSON.createObjectNode();
        stats.put("numRecords", points.size());
        ObjectNode min = stats.putObject("minValues");
        ObjectNode max = stats.putObject("maxValues");
        min.put("step", points.stream().mapToLong(MetricPoint::step).min().orElseThrow());
        max.put("step", points.stream().mapToLong(MetricPoint::step).max().orElseThrow());
        min.put("value", points.stream().mapToDouble(MetricPoint::value).min().orElseThrow());
        max.put("value", points.stream().mapToDouble(MetricPoint::value).max().orElseThrow());
        return stats.toString();
    }
}
