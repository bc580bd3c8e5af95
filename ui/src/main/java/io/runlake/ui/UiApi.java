package io.runlake.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.AliasEvent;
import io.runlake.format.Json;
import io.runlake.query.History;
import io.runlake.query.Lake;
import io.runlake.query.QueryException;
import io.runlake.query.SweepView;
import io.runlake.query.Table;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.RegistryContents;
import io.runlake.report.Direction;
import io.runlake.report.RankingRule;
import io.runlake.runs.ParamOrder;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web UI's JSON API: each endpoint answers one page's question from a {@link Lake}. The live server
 * ({@link UiServer}) and the static snapshot ({@link Snapshot}) give the same answers for the same request.
 */
public final class UiApi {
    /** The runs view's columns a runs table shows (FORMAT.md §14). */
    static final List<String> RUN_COLUMNS = List.of(
            "experiment",
            "run_id",
            "name",
            "parent_run_id",
            "status",
            "start_time",
            "end_time",
            "duration_s",
            "user",
            "host",
            "code_version",
            "error",
            "params",
            "tags");

    /** Points a curve is downsampled to on the server unless the page asks for fewer. */
    static final int MAX_POINTS = 1000;
    /** Leaders a leaderboard page lists. */
    static final int LEADERS = 1000;

    private UiApi() {}

    /** Answers {@code endpoint} with the request's parameters; a {@link QueryException} is the user's mistake. */
    static ObjectNode answer(Lake lake, String endpoint, Map<String, String> q) {
        return switch (endpoint) {
            case "experiments" -> experiments(lake);
            case "runs" -> runs(lake, q.get("experiment"), q.get("where"), limit(q.get("limit")));
            case "run" -> run(lake, required(q, "id"));
            case "history" -> history(lake, required(q, "run"), required(q, "key"), maxPoints(q.get("max")));
            case "sweep" -> sweep(lake, required(q, "name"), q.get("experiment"));
            case "leaderboard" ->
                leaderboard(lake, required(q, "experiment"), required(q, "metric"), q.get("direction"));
            default -> throw new QueryException("no such API: " + endpoint);
        };
    }

    /**
     * The model registry (FORMAT.md §16): models, versions, each alias's current version and every alias move, newest
     * first, with the objects skipped as corrupt. Read from the store's {@code models/} objects, not from the lake.
     */
    static ObjectNode models(ObjectStore store) {
        RegistryContents r = new ModelRegistry(store, "runlake-ui").read();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("models", Json.MAPPER.valueToTree(r.models()));
        out.set("versions", Json.MAPPER.valueToTree(r.versions()));
        out.set("aliases", Json.MAPPER.valueToTree(r.currentAliases()));
        List<AliasEvent> newestFirst = new ArrayList<>(r.aliasEvents());
        Collections.reverse(newestFirst);
        out.set("history", Json.MAPPER.valueToTree(newestFirst));
        out.set("problems", Json.MAPPER.valueToTree(r.problems()));
        return out;
    }

    static ObjectNode experiments(Lake lake) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("experiments", table(lake.experimentsTable()));
        return o;
    }

    /**
     * The runs of an experiment matching {@code where} (the filter of {@code runlake runs --where}), the params in
     * the shared order (the ones that vary first: FORMAT.md §12.8 rule 6), and each run's last metric values.
     */
    static ObjectNode runs(Lake lake, String experiment, String where) {
        return runs(lake, experiment, where, 0);
    }

    /**
     * As {@link #runs(Lake, String, String)}, the first {@code limit} runs only (0: all), with {@code total} the
     * number of runs that match: a page draws its first rows from this small answer while the whole list loads.
     */
    static ObjectNode runs(Lake lake, String experiment, String where, int limit) {
        String exp = blank(experiment) ? null : experiment;
        String filter = blank(where) ? null : where;
        Table runs = lake.runs(exp, filter, limit, RUN_COLUMNS);
        long total = limit > 0 && runs.size() == limit
                ? lake.runs(exp, filter, 0, List.of("run_id")).size()
                : runs.size();
        List<Map<String, ?>> params = new ArrayList<>();
        int p = runs.columns().indexOf("params");
        for (List<Object> r : runs.rows()) params.add(stringMap(r.get(p)));
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("runs", table(runs));
        o.put("total", total);
        o.set("paramOrder", Json.MAPPER.valueToTree(ParamOrder.of(params)));
        o.set(
                "constantParams",
                Json.MAPPER.valueToTree(List.copyOf(ParamOrder.constants(params).keySet())));
        Map<String, Map<String, Object>> last = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        java.util.Set<Object> listed = new java.util.HashSet<>();
        int id = runs.columns().indexOf("run_id");
        for (List<Object> r : runs.rows()) listed.add(r.get(id));
        for (List<Object> r : lake.lastValues(exp).rows()) {
            if (!listed.contains(r.get(0))) continue; // a page's runs only (archived or filtered out: none)
            String key = (String) r.get(1);
            if (!keys.contains(key)) keys.add(key);
            last.computeIfAbsent((String) r.get(0), k -> new LinkedHashMap<>()).put(key, Table.jsonValue(r.get(2)));
        }
        o.set("metricKeys", Json.MAPPER.valueToTree(keys));
        o.set("metrics", Json.MAPPER.valueToTree(last));
        return o;
    }

    /** One run: its row, metric summaries, artifacts, inputs, lineage (code, environment, parent) and children. */
    static ObjectNode run(Lake lake, String id) {
        String runId = lake.resolveRun(id);
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode fields = o.putObject("run");
        Table t = lake.run(runId);
        for (int i = 0; i < t.columns().size(); i++)
            fields.set(
                    t.columns().get(i),
                    Json.MAPPER.valueToTree(Table.jsonValue(t.rows().get(0).get(i))));
        o.set("metrics", table(lake.runMetrics(runId)));
        o.set("artifacts", table(lake.runArtifacts(runId)));
        o.set("inputs", table(lake.runInputs(runId)));
        var info = lake.lineage(runId).producedBy();
        if (!info.isEmpty()) o.set("lineage", Json.MAPPER.valueToTree(info.get(0)));
        o.set(
                "children",
                table(lake.runs(
                        (String) t.get(0, "experiment"),
                        "parent_run_id = '" + runId + "'", // a resolved id: letters and digits only
                        0,
                        List.of("run_id", "name", "status"))));
        return o;
    }

    /** A metric's curve as columns (step, time in ms, value), downsampled on the server to {@code maxPoints}. */
    static ObjectNode history(Lake lake, String run, String key, int maxPoints) {
        History h = lake.history(run, key, maxPoints);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("runId", h.runId());
        o.put("key", h.key());
        o.put("totalPoints", h.totalPoints());
        ArrayNode step = o.putArray("step"), time = o.putArray("time"), value = o.putArray("value");
        for (History.Point p : h.points()) {
            step.add(p.step());
            time.add(p.timeMs());
            if (Double.isFinite(p.value())) value.add(p.value());
            else value.addNull(); // JSON has no NaN; a chart leaves a gap
        }
        return o;
    }

    /** A sweep (FORMAT.md §9.5): its attempts and trials, as {@code runlake sweep show} reads them. */
    static ObjectNode sweep(Lake lake, String name, String experiment) {
        SweepView view = lake.sweep(name, blank(experiment) ? null : experiment);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", view.name());
        o.put("experiment", view.experiment());
        o.set("attempts", table(view.attempts()));
        o.set("trials", table(view.trials()));
        return o;
    }

    static ObjectNode leaderboard(Lake lake, String experiment, String metric, String direction) {
        RankingRule rule = RankingRule.of(metric, blank(direction) ? null : Direction.parse(direction))
                .withTopK(LEADERS);
        return Json.MAPPER.valueToTree(lake.leaderboard(experiment, rule, null));
    }

    private static int limit(String limit) {
        if (blank(limit)) return 0;
        try {
            int n = Integer.parseInt(limit);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new QueryException("limit must be a whole number ≥ 0, not '" + limit + "'");
    }

    /** A table as {@code {"columns": [...], "rows": [[...], ...]}}: compact for 10,000 runs. */
    static ObjectNode table(Table t) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("columns", Json.MAPPER.valueToTree(t.columns()));
        ArrayNode rows = o.putArray("rows");
        for (List<Object> r : t.rows()) {
            ArrayNode a = rows.addArray();
            for (Object v : r) a.add(Json.MAPPER.valueToTree(Table.jsonValue(v)));
        }
        return o;
    }

    static int maxPoints(String text) {
        if (blank(text)) return MAX_POINTS;
        try {
            int n = Integer.parseInt(text);
            if (n < 8) throw new QueryException("max must be at least 8, not " + n);
            return Math.min(n, 100_000);
        } catch (NumberFormatException e) {
            throw new QueryException("max must be a number, not '" + text + "'");
        }
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (blank(v)) throw new QueryException("missing parameter '" + name + "'");
        return v;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Map<String, ?> stringMap(Object v) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
    }
}
