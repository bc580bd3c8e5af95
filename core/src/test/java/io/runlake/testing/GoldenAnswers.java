package io.runlake.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BiFunction;

/**
 * The golden bucket's expected answers ({@code EXPECTED.json}) as sorted text rows, so that each reader's test
 * formats what it read with {@link #row} and compares lists: one format for the query views, the runs index, the
 * reporter and the CLI. Numbers are written as Java writes them ({@code NaN}, {@code Infinity}, {@code -0.0}).
 */
public final class GoldenAnswers {
    private final JsonNode experiments;

    private GoldenAnswers(JsonNode expected) {
        this.experiments = expected.get("experiments");
    }

    /** The answers of a copy made by {@link GoldenBucket#copyTo}. */
    public static GoldenAnswers of(Path copy) {
        return new GoldenAnswers(GoldenBucket.expected(copy));
    }

    /** Experiment names, sorted. */
    public List<String> experiments() {
        List<String> out = new ArrayList<>();
        experiments.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    /** experiment | run_id | name | status | start ms | end ms | last activity ms | error. */
    public List<String> runs() {
        return collect(
                "runs",
                (exp, r) -> row(
                        exp,
                        text(r, "run_id"),
                        text(r, "name"),
                        text(r, "status"),
                        text(r, "start_time_ms"),
                        text(r, "end_time_ms"),
                        text(r, "last_activity_ms"),
                        text(r, "error")));
    }

    /** experiment | run_id | points of every key, {@code runlake/} keys included. */
    public List<String> points() {
        return collect("runs", (exp, r) -> row(exp, text(r, "run_id"), text(r, "points")));
    }

    /** experiment | run_id | name | value (text), one row per param. */
    public List<String> params() {
        return entries("params");
    }

    /** experiment | run_id | name | value, one row per tag. */
    public List<String> tags() {
        return entries("tags");
    }

    /** experiment | run_id | key | points | last_step | last_value | min_value | max_value. */
    public List<String> metricSummary() {
        return collect(
                "metric_summary",
                (exp, m) -> row(
                        exp,
                        text(m, "run_id"),
                        text(m, "key"),
                        text(m, "points"),
                        text(m, "last_step"),
                        number(m, "last_value"),
                        number(m, "min_value"),
                        number(m, "max_value")));
    }

    /** experiment | run_id | name | sha256 | size | uri | reference. */
    public List<String> artifacts() {
        return collect(
                "artifacts",
                (exp, a) -> row(
                        exp,
                        text(a, "run_id"),
                        text(a, "name"),
                        text(a, "sha256"),
                        text(a, "size"),
                        text(a, "uri"),
                        text(a, "reference")));
    }

    /** experiment | run_id | name | uri | role | sha256 | etag | version_id | size | files. */
    public List<String> inputs() {
        return collect(
                "inputs",
                (exp, i) -> row(
                        exp,
                        text(i, "run_id"),
                        text(i, "name"),
                        text(i, "uri"),
                        text(i, "role"),
                        text(i, "sha256"),
                        text(i, "etag"),
                        text(i, "version_id"),
                        text(i, "size"),
                        text(i, "files")));
    }

    /** The metric an experiment's leaderboard ranks by. */
    public String leaderboardMetric(String experiment) {
        return experiments.get(experiment).get("leaderboard").get("metric").asText();
    }

    /** {@code min} or {@code max}. */
    public String leaderboardDirection(String experiment) {
        return experiments.get(experiment).get("leaderboard").get("direction").asText();
    }

    /** The FINISHED runs of the leaderboard, best first. */
    public List<String> leaderboardRunIds(String experiment) {
        List<String> out = new ArrayList<>();
        experiments.get(experiment).get("leaderboard").get("run_ids").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The expected status of each run id. */
    /** experiment | run_id | note | archived, for each run with a note or archived (FORMAT.md §8.4). */
    public List<String> annotated() {
        return collect("runs", (exp, r) -> row(exp, text(r, "run_id"), text(r, "note"), text(r, "archived"))).stream()
                .filter(row -> !row.endsWith(" | null | false"))
                .toList();
    }

    /** The archived runs' ids (FORMAT.md §8.4): listings and leaderboards hide them by default. */
    public List<String> archivedRunIds() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : experiments) {
            e.get("runs").forEach(r -> {
                if (r.path("archived").asBoolean(false)) out.add(r.get("run_id").asText());
            });
        }
        return out;
    }

    public Map<String, String> statusOf() {
        Map<String, String> out = new HashMap<>();
        for (JsonNode e : experiments) {
            e.get("runs")
                    .forEach(r ->
                            out.put(r.get("run_id").asText(), r.get("status").asText()));
        }
        return out;
    }

    /** One answer row: cells joined with " | ", null as {@code null}, doubles as Java writes them. */
    public static String row(Object... cells) {
        StringJoiner j = new StringJoiner(" | ");
        for (Object c : cells) j.add(String.valueOf(c));
        return j.toString();
    }

    private List<String> entries(String field) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : experiments.properties()) {
            for (JsonNode r : e.getValue().get("runs")) {
                r.get(field)
                        .properties()
                        .forEach(kv -> out.add(row(
                                e.getKey(),
                                r.get("run_id").asText(),
                                kv.getKey(),
                                kv.getValue().asText())));
            }
        }
        return out.stream().sorted().toList();
    }

    private List<String> collect(String list, BiFunction<String, JsonNode, String> format) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : experiments.properties()) {
            for (JsonNode item : e.getValue().get(list)) out.add(format.apply(e.getKey(), item));
        }
        return out.stream().sorted().toList();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A double as Java writes it: the strings NaN/Infinity/-Infinity stand for themselves. */
    private static String number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        return v.isTextual() ? v.asText() : Double.toString(v.asDouble());
    }
}
