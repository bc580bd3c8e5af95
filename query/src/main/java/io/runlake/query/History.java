package io.runlake.query;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** One metric of one run, possibly downsampled: {@code totalPoints} in the lake, {@code points} returned. */
public record History(String runId, String key, long totalPoints, List<Point> points) {
    public record Point(long step, long timeMs, double value) {}

    public Table toTable() {
        List<List<Object>> rows = new ArrayList<>();
        for (Point p : points)
            rows.add(List.of(p.step(), Instant.ofEpochMilli(p.timeMs()).atOffset(ZoneOffset.UTC), p.value()));
        return new Table(List.of("step", "timestamp", "value"), rows);
    }

    /** The points as [step, value] pairs, as charts take them. */
    public List<double[]> stepValues() {
        return points.stream().map(p -> new double[] {p.step(), p.value()}).toList();
    }
}
