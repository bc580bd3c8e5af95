package io.runlake.query;

import io.runlake.runs.ParamOrder;
import io.runlake.runs.RunIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Questions about experiments and runs asked of the views: which exist, which run a name means, runs matching a
 * filter, one run in full, runs side by side. Errors name what was wrong and what exists instead.
 */
final class RunQueries {
    private final LakeSession session;
    private List<String> experiments;
    private List<String> allRunIds;
    /** The session load {@link #allRunIds} was read from. */
    private int allRunIdsLoad = -1;

    private List<String> allHashes;
    /** The session load {@link #allHashes} was read from. */
    private int allHashesLoad = -1;
    /** The session load {@link #experiments} was read from. */
    private int experimentsLoad = -1;

    RunQueries(LakeSession session) {
        this.session = session;
    }

    List<String> experiments() {
        if (experiments != null && experimentsLoad == session.generation()) return experiments;
        List<String> out = new ArrayList<>();
        for (List<Object> r :
                session.query("SELECT DISTINCT experiment FROM runs ORDER BY 1").rows()) {
            out.add((String) r.get(0));
        }
        experiments = List.copyOf(out);
        experimentsLoad = session.generation();
        return experiments;
    }

    Table experimentsTable() {
        return session.query("SELECT * FROM experiments ORDER BY experiment");
    }

    void requireExperiment(String experiment) {
        List<String> known = experiments();
        if (!known.contains(experiment)) {
            throw new QueryException("unknown experiment '" + experiment + "'"
                    + (known.isEmpty()
                            ? " (the store has no runs)"
                            : " (experiments: " + String.join(", ", known.subList(0, Math.min(10, known.size())))
                                    + (known.size() > 10 ? ", …" : "") + ")"));
        }
    }

    void requireMetric(String experiment, String metric) {
        session.materialiseSummary();
        Table t = session.query(
                "SELECT count(*) FROM metric_summary WHERE experiment = ? AND key = ?", experiment, metric);
        if (((Number) t.rows().get(0).get(0)).longValue() == 0) {
            List<String> keys = firstColumn(session.query(
                    "SELECT DISTINCT key FROM metric_summary WHERE experiment = ? ORDER BY 1 LIMIT 20", experiment));
            throw new QueryException("experiment '" + experiment + "' has no metric '" + metric + "'"
                    + (keys.isEmpty() ? " (it has no metrics)" : " (metrics: " + String.join(", ", keys) + ")"));
        }
    }

    /** How each of {@code ids} is shown (FORMAT.md §13.5): its shortest unique prefix among every run id of the store. */
    Map<String, String> showRunIds(Collection<String> ids) {
        return RunIds.abbreviate(ids, allRunIds());
    }

    /** Every SHA-256 the store's artifacts and inputs record, to show each as its shortest unique prefix. */
    List<String> allHashes() {
        if (allHashes == null || allHashesLoad != session.generation()) {
            allHashes = firstColumn(session.query("SELECT sha256 FROM artifacts WHERE sha256 IS NOT NULL "
                    + "UNION SELECT sha256 FROM inputs WHERE sha256 IS NOT NULL"));
            allHashesLoad = session.generation();
        }
        return allHashes;
    }

    private static final Pattern RUN_ID = Pattern.compile("\\b[0-9a-hjkmnp-tv-z]{26}\\b");
    private static final Pattern SHA256 = Pattern.compile("\\b[0-9a-f]{64}\\b");

    /**
     * {@code t} as shown to a person (FORMAT.md §13.5): every run id of the store and every SHA-256 of its artifacts
     * and inputs, in a cell, a map's values or a column name, replaced by its shortest unique prefix.
     */
    Table showIds(Table t) {
        Set<String> runIds = new HashSet<>(), hashes = new HashSet<>();
        List<String> names = new ArrayList<>(t.columns());
        for (List<Object> r : t.rows()) {
            for (Object v : r) {
                if (v instanceof String s) names.add(s);
                if (v instanceof Map<?, ?> m) m.values().forEach(x -> names.add(String.valueOf(x)));
            }
        }
        for (String s : names) {
            RUN_ID.matcher(s).results().forEach(m -> runIds.add(m.group()));
            SHA256.matcher(s).results().forEach(m -> hashes.add(m.group()));
        }
        Map<String, String> shown = new HashMap<>();
        if (!runIds.isEmpty()) {
            runIds.retainAll(new HashSet<>(allRunIds()));
            shown.putAll(RunIds.abbreviate(runIds, allRunIds()));
        }
        if (!hashes.isEmpty()) {
            List<String> all = allHashes();
            hashes.retainAll(new HashSet<>(all));
            shown.putAll(RunIds.abbreviateHashes(hashes, all));
        }
        if (shown.isEmpty()) return t;
        Function<Object, Object> show = v -> {
            if (v instanceof String s) return replace(s, shown);
            if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, x instanceof String s ? replace(s, shown) : x));
                return out;
            }
            return v;
        };
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> r : t.rows()) rows.add(r.stream().map(show).toList());
        return new Table(t.columns().stream().map(c -> replace(c, shown)).toList(), rows);
    }

    private static String replace(String s, Map<String, String> shown) {
        String out = s;
        for (Pattern p : List.of(RUN_ID, SHA256)) {
            out = p.matcher(out).replaceAll(m -> Matcher.quoteReplacement(shown.getOrDefault(m.group(), m.group())));
        }
        return out;
    }

    private List<String> allRunIds() {
        if (allRunIds == null || allRunIdsLoad != session.generation()) {
            allRunIds = firstColumn(session.query("SELECT DISTINCT run_id FROM runs"));
            allRunIdsLoad = session.generation();
        }
        return allRunIds;
    }

    /** The run with this id or unique id prefix (at least 6 characters) or exact name. */
    String resolveRun(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) throw new QueryException("empty run id");
        Table t = session.query(
                "SELECT run_id FROM runs WHERE run_id = ? OR (length(?) >= 6 AND "
                        + "starts_with(run_id, ?)) OR name = ? ORDER BY run_id LIMIT 5",
                idOrName,
                idOrName,
                idOrName,
                idOrName);
        if (t.size() == 0) throw new QueryException("unknown run '" + idOrName + "'");
        if (t.size() > 1) {
            List<String> ids = firstColumn(t);
            if (ids.contains(idOrName)) return idOrName;
            throw new QueryException("run '" + idOrName + "' is ambiguous: " + String.join(", ", ids));
        }
        return (String) t.rows().get(0).get(0);
    }

    /** The columns {@code runlake runs} shows. */
    static final List<String> LIST_COLUMNS =
            List.of("experiment", "run_id", "name", "status", "start_time", "duration_s", "params", "tags");

    private static final Pattern COLUMN = Pattern.compile("[a-z_]+");

    Table runs(String experiment, String filter, int limit, boolean withArchived) {
        return runs(experiment, filter, limit, withArchived, LIST_COLUMNS);
    }

    /** As {@link #runs(String, String, int, boolean)} with these columns of the runs view (the web UI asks for more). */
    Table runs(String experiment, String filter, int limit, boolean withArchived, List<String> columns) {
        if (experiment != null) requireExperiment(experiment);
        for (String c : columns)
            if (!COLUMN.matcher(c).matches()) throw new QueryException("not a column of runs: '" + c + "'");
        String where = "(" + filterSql(experiment, filter) + ")" + visible(withArchived);
        String sql = "SELECT "
                + String.join(", ", columns.stream().map(c -> "r.\"" + c + "\"").toList())
                + " FROM runs r WHERE " + (experiment == null ? "TRUE" : "r.experiment = ?") + " AND (" + where + ") "
                + "ORDER BY r.start_time DESC NULLS LAST, r.run_id DESC" + (limit > 0 ? " LIMIT " + limit : "");
        try {
            return experiment == null ? session.query(sql) : session.query(sql, experiment);
        } catch (QueryException e) {
            if (filter != null && !filter.isBlank()) throw badFilter(experiment, filter, e);
            throw e;
        }
    }

    /** SQL to append to a condition over {@code runs r}: archived runs (FORMAT.md §8.4) only when asked for. */
    static String visible(boolean withArchived) {
        return withArchived ? "" : " AND NOT r.archived";
    }

    /** How many runs of the experiment (null: all) that pass the filter are archived, so listings can say so. */
    long archived(String experiment, String filter) {
        String sql = "SELECT count(*) FROM runs r WHERE " + (experiment == null ? "TRUE" : "r.experiment = ?")
                + " AND (" + filterSql(experiment, filter) + ") AND r.archived";
        Table t = experiment == null ? session.query(sql) : session.query(sql, experiment);
        return ((Number) t.rows().get(0).get(0)).longValue();
    }

    /** A runs filter as SQL (alias {@code r.}), after checking that each param, tag and metric it names exists. */
    String filterSql(String experiment, String filter) {
        String sql = Filters.translate(filter, "r.");
        for (Filters.Ref ref : Filters.references(filter)) {
            List<String> known = filterNames(ref.kind(), experiment);
            if (!known.contains(ref.name())) {
                String scope = experiment == null ? "in the store" : "of experiment '" + experiment + "'";
                throw new QueryException(Filters.unknownName(ref, scope, known));
            }
        }
        return sql;
    }

    /** The names a filter can look up as {@code kind.NAME} (kind: params, tags or metrics), sorted. */
    private List<String> filterNames(String kind, String experiment) {
        String sql;
        if (kind.equals("metrics")) {
            session.materialiseSummary();
            sql = "SELECT DISTINCT key FROM metric_summary";
        } else {
            sql = "SELECT DISTINCT unnest(map_keys(" + kind + ")) FROM runs";
        }
        sql = "SELECT * FROM (" + sql + (experiment == null ? "" : " WHERE experiment = ?") + ") ORDER BY 1";
        Table t = experiment == null ? session.query(sql) : session.query(sql, experiment);
        return t.rows().stream().map(r -> String.valueOf(r.get(0))).toList();
    }

    /** A filter the database refused; a bare param, tag or metric name ({@code lr < 0.2}) gets a hint. */
    QueryException badFilter(String experiment, String filter, QueryException e) {
        String message = "malformed filter '" + filter + "': ";
        String column = Filters.unknownColumn(e.getMessage());
        if (column != null) {
            for (String kind : List.of("params", "tags", "metrics")) {
                if (filterNames(kind, experiment).contains(column)) {
                    return new QueryException(
                            message + "runs have no column '" + column + "'; did you mean " + kind + "." + column + "?",
                            e);
                }
            }
        }
        return new QueryException(message + e.getMessage().replace("SQL error: ", ""), e);
    }

    /** One run's row of the runs view (every column). */
    Table runRow(String id) {
        return session.query("SELECT * FROM runs WHERE run_id = ?", id);
    }

    /** One run's metric summaries: key, last_value, min_value, max_value, last_step, points; by key. */
    Table runMetrics(String id) {
        session.materialiseSummary();
        return session.query(
                "SELECT key, last_value, min_value, max_value, last_step, points "
                        + "FROM metric_summary WHERE run_id = ? ORDER BY key",
                id);
    }

    /** The last value of every metric of an experiment's runs (null: every experiment): run_id, key, last_value. */
    Table lastValues(String experiment) {
        session.materialiseSummary();
        String sql = "SELECT run_id, key, last_value FROM metric_summary"
                + (experiment == null ? "" : " WHERE experiment = ?") + " ORDER BY key";
        return experiment == null ? session.query(sql) : session.query(sql, experiment);
    }

    /** One run's artifacts: name, sha256, size, uri, reference, time; in the order they were logged. */
    Table runArtifacts(String id) {
        return session.query(
                "SELECT name, sha256, size, uri, reference, time FROM artifacts WHERE run_id = ? ORDER BY time", id);
    }

    /** One run's inputs: name, role, uri, checksum (SHA-256 or listing etag), size, time. */
    Table runInputs(String id) {
        return session.query(
                "SELECT name, role, uri, coalesce(sha256, etag) AS checksum, size, time FROM inputs "
                        + "WHERE run_id = ? ORDER BY time",
                id);
    }

    /** One run: its row of {@code runs} plus metrics summary, artifacts and inputs, as field/value rows. */
    Table show(String run) {
        String id = resolveRun(run);
        Table r = runRow(id);
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            String c = r.columns().get(i);
            Object v = r.rows().get(0).get(i);
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    rows.add(List.of(c + "." + e.getKey(), String.valueOf(e.getValue())));
                }
            } else {
                rows.add(Arrays.asList(c, v));
            }
        }
        for (List<Object> m : runMetrics(id).rows()) {
            rows.add(List.of(
                    "metrics." + m.get(0),
                    "last " + Table.text(m.get(1)) + " (min " + Table.text(m.get(2)) + ", max " + Table.text(m.get(3))
                            + ", step " + m.get(4) + ", " + m.get(5) + " points)"));
        }
        for (List<Object> a : runArtifacts(id).rows()) {
            rows.add(List.of(
                    "artifacts." + a.get(0),
                    Table.text(a.get(1)) + " " + Table.text(a.get(2)) + " bytes " + Table.text(a.get(3))));
        }
        for (List<Object> a : runInputs(id).rows()) {
            rows.add(List.of(
                    "inputs." + a.get(0),
                    Table.text(a.get(1)) + " " + Table.text(a.get(2)) + " " + Table.text(a.get(3))));
        }
        return new Table(List.of("field", "value"), rows);
    }

    /** Runs side by side (see {@link Lake#compare(List, List, boolean)}). */
    Table compare(List<String> runs, List<String> metrics, boolean allParams) {
        if (runs == null || runs.isEmpty()) throw new QueryException("compare needs at least one run");
        List<String> ids = new ArrayList<>(
                new LinkedHashSet<>(runs.stream().map(this::resolveRun).toList()));
        session.materialiseSummary();
        String in = ids.stream().map(Views::lit).reduce((a, b) -> a + ", " + b).orElseThrow();
        Map<String, List<Object>> head = new LinkedHashMap<>();
        for (List<Object> r : session.query(
                        "SELECT run_id, name, status, experiment, archived FROM runs WHERE run_id IN (" + in + ")")
                .rows()) {
            head.put((String) r.get(0), r);
        }
        List<String> columns = new ArrayList<>();
        columns.add("field");
        columns.addAll(ids);
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("experiment", ids, id -> head.get(id).get(3)));
        rows.add(row("name", ids, id -> head.get(id).get(1)));
        // named runs are shown even when archived (naming them asks for them), marked as such
        rows.add(row(
                "status",
                ids,
                id -> head.get(id).get(2) + (Boolean.TRUE.equals(head.get(id).get(4)) ? " (archived)" : "")));
        addParams(rows, ids, in, allParams);
        addMetrics(rows, ids, in, metrics);
        return new Table(columns, rows);
    }

    /**
     * One row per param whose values differ between the runs (every param when {@code all}, the differing ones
     * first: {@link ParamOrder}).
     */
    private void addParams(List<List<Object>> rows, List<String> ids, String in, boolean all) {
        Map<String, Map<String, Object>> byRun = new LinkedHashMap<>();
        for (String id : ids) byRun.put(id, new LinkedHashMap<>());
        for (List<Object> p : session.queryAsIs("SELECT run_id, key, value FROM params WHERE run_id IN (" + in + ")")
                .rows()) {
            byRun.get((String) p.get(0)).put((String) p.get(1), p.get(2));
        }
        Set<String> same = ParamOrder.constants(byRun.values()).keySet();
        for (String name : ParamOrder.of(byRun.values())) {
            if (all || !same.contains(name))
                rows.add(row("params." + name, ids, id -> byRun.get(id).get(name)));
        }
    }

    /** Per metric its last, min and max value; no {@code metrics}: every metric of the runs. */
    private void addMetrics(List<List<Object>> rows, List<String> ids, String in, List<String> metrics) {
        List<String> keys = metrics == null || metrics.isEmpty()
                ? firstColumn(session.query(
                        "SELECT DISTINCT key FROM metric_summary WHERE run_id IN (" + in + ") ORDER BY 1"))
                : metrics;
        Map<String, Map<String, List<Object>>> summary = new LinkedHashMap<>();
        for (List<Object> s : session.query("SELECT key, run_id, last_value, min_value, max_value "
                        + "FROM metric_summary WHERE run_id IN (" + in + ")")
                .rows()) {
            summary.computeIfAbsent((String) s.get(0), k -> new LinkedHashMap<>())
                    .put((String) s.get(1), s);
        }
        for (String key : keys) {
            Map<String, List<Object>> m = summary.get(key);
            if (m == null) throw new QueryException("none of the runs has metric '" + key + "'");
            rows.add(row(
                    key + " (last)", ids, id -> m.containsKey(id) ? m.get(id).get(2) : null));
            rows.add(
                    row(key + " (min)", ids, id -> m.containsKey(id) ? m.get(id).get(3) : null));
            rows.add(
                    row(key + " (max)", ids, id -> m.containsKey(id) ? m.get(id).get(4) : null));
        }
    }

    private static List<Object> row(String field, List<String> ids, Function<String, Object> f) {
        List<Object> r = new ArrayList<>();
        r.add(field);
        for (String id : ids) r.add(f.apply(id));
        return r;
    }

    /** The first column of {@code t} as strings. */
    static List<String> firstColumn(Table t) {
        return t.rows().stream().map(r -> (String) r.get(0)).toList();
    }
}
