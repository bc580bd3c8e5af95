package io.runlake.query;

import io.runlake.format.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an artifact or run came from: the runs that produced it (code version, data inputs, params,
 * environment, parent sweep) and, for a data set checksum, the runs that used it.
 */
public record Lineage(String target, String sha256, List<RunInfo> producedBy, List<Map<String, Object>> usedBy) {

    public record RunInfo(
            String experiment,
            String runId,
            String name,
            String status,
            String startTime,
            List<Map<String, Object>> artifacts,
            Map<String, Object> code,
            List<Map<String, Object>> inputs,
            Map<String, Object> params,
            Map<String, Object> environment,
            Map<String, Object> parent) {}

    /** Flattened as (run_id, section, key, value) rows, for table and CSV output. */
    public Table toTable() {
        List<List<Object>> rows = new ArrayList<>();
        for (RunInfo r : producedBy) {
            add(rows, r.runId(), "run", "experiment", r.experiment());
            add(rows, r.runId(), "run", "name", r.name());
            add(rows, r.runId(), "run", "status", r.status());
            add(rows, r.runId(), "run", "start_time", r.startTime());
            for (Map<String, Object> a : r.artifacts())
                add(
                        rows,
                        r.runId(),
                        "artifact",
                        String.valueOf(a.get("name")),
                        a.get("uri") + " (" + a.get("size") + " bytes)");
            r.code().forEach((k, v) -> add(rows, r.runId(), "code", k, v));
            for (Map<String, Object> i : r.inputs()) {
                Object id = i.getOrDefault("sha256", i.getOrDefault("etag", ""));
                add(
                        rows,
                        r.runId(),
                        "input",
                        String.valueOf(i.get("name")),
                        i.get("role") + " " + i.get("uri") + " " + id);
            }
            r.params().forEach((k, v) -> add(rows, r.runId(), "param", k, v));
            r.environment().forEach((k, v) -> add(rows, r.runId(), "environment", k, v));
            if (r.parent() != null)
                add(
                        rows,
                        r.runId(),
                        "parent",
                        String.valueOf(r.parent().get("run_id")),
                        r.parent().get("name"));
        }
        for (Map<String, Object> u : usedBy) {
            add(
                    rows,
                    String.valueOf(u.get("run_id")),
                    "used_by",
                    String.valueOf(u.get("input")),
                    u.get("experiment") + " " + u.get("name") + " " + u.get("status") + " (" + u.get("role") + ")");
        }
        return new Table(List.of("run_id", "section", "key", "value"), rows);
    }

    private static void add(List<List<Object>> rows, String run, String section, String key, Object value) {
        String v = value == null
                ? ""
                : value instanceof String s
                        ? s
                        : value instanceof Number || value instanceof Boolean
                                ? value.toString()
                                : new String(Json.write(value), StandardCharsets.UTF_8);
        rows.add(List.of(run, section, key, v));
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("sha256", sha256);
        m.put("produced_by", producedBy);
        m.put("used_by", usedBy);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (Exception e) {
            throw new QueryException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
