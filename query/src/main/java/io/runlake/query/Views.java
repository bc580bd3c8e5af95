package io.runlake.query;

import io.runlake.format.Annotation;
import io.runlake.format.DuckSql;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.RunObjects;
import io.runlake.registry.ModelUri;
import io.runlake.registry.RegistryContents;
import io.runlake.runs.AnnotationFold;
import io.runlake.runs.MetricSummaries;
import io.runlake.runs.RunLineage;
import io.runlake.runs.RunRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The view definitions: plain DuckDB SQL over local files (read_json, read_parquet, never inferring Hive
 * partitions: {@link DuckSql}), with explicit file lists chosen by the read protocol (FORMAT.md §13). The same
 * text is what {@link Lake} runs and what {@code runlake sql --print-views} prints, so an analyst's DuckDB
 * gets the same answers.
 */
final class Views {
    /**
     * The files a set of views reads, as decided by {@link Catalog}; {@code experimentOf}: the experiment of each
     * lake file and shard, from its key (the {@code experiment} column of the points).
     */
    record Files(
            List<Path> starts,
            List<Path> workers,
            List<Path> events,
            List<Path> allEvents,
            List<Path> ends,
            List<Path> annotations,
            List<Path> lakeFiles,
            List<Path> shards,
            List<Path> indexFiles,
            long staleTimeoutMs,
            Map<Path, String> experimentOf,
            Registry registry) {}

    /** The valid objects under models/ (FORMAT.md §16.6), by kind. */
    record Registry(List<Path> models, List<Path> versions, List<Path> aliasEvents, Map<String, String> purgedRuns) {
        List<List<Path>> all() {
            return List.of(models, versions, aliasEvents);
        }
    }

    private Views() {}

    static String lit(String s) {
        return DuckSql.lit(s);
    }

    static String list(List<Path> files) {
        return DuckSql.list(files);
    }

    private static String json(List<Path> files, String columns, String empty, boolean filename) {
        if (files.isEmpty()) return "SELECT * FROM (SELECT " + empty + ") WHERE false";
        return "SELECT * FROM "
                + DuckSql.readJson(
                        list(files),
                        "format = 'auto'",
                        "maximum_object_size = 67108864" + (filename ? ", filename = true" : ""),
                        "\n  columns = {" + columns + "}");
    }

    /** A typed all-NULL row for a {@code columns = {...}} list, used where a glob matches no file. */
    static String emptyRow(String columns) {
        StringBuilder b = new StringBuilder();
        Matcher m = Pattern.compile("(\\w+): '([^']+)'").matcher(columns);
        while (m.find()) {
            if (b.length() > 0) b.append(", ");
            b.append("NULL::").append(m.group(2)).append(" AS ").append(m.group(1));
        }
        return b.toString();
    }

    static final String START_COLS =
            "experiment: 'VARCHAR', run_id: 'VARCHAR', name: 'VARCHAR', parent_run_id: 'VARCHAR', "
                    + "start_time_ms: 'BIGINT', writer_id: 'VARCHAR', params: 'JSON', tags: 'JSON', environment: 'JSON', code: 'JSON'";
    static final String START_EMPTY = emptyRow(START_COLS);
    static final String WORKER_COLS =
            "experiment: 'VARCHAR', run_id: 'VARCHAR', worker: 'INTEGER', writer_id: 'VARCHAR', "
                    + "start_time_ms: 'BIGINT', environment: 'JSON'";
    static final String WORKER_EMPTY = emptyRow(WORKER_COLS);
    static final String EVENT_COLS =
            "experiment: 'VARCHAR', run_id: 'VARCHAR', worker: 'INTEGER', writer_id: 'VARCHAR', "
                    + "time_ms: 'BIGINT', kind: 'VARCHAR', params: 'JSON', tags: 'JSON', artifact: 'JSON', input: 'JSON'";
    static final String EVENT_EMPTY = emptyRow(EVENT_COLS) + ", NULL::VARCHAR AS filename";
    static final String END_COLS = "experiment: 'VARCHAR', run_id: 'VARCHAR', worker: 'INTEGER', writer_id: 'VARCHAR', "
            + "status: 'VARCHAR', end_time_ms: 'BIGINT', error: 'JSON', points_logged: 'BIGINT', points_dropped: 'BIGINT', shards_written: 'BIGINT'";
    static final String END_EMPTY = emptyRow(END_COLS);
    static final String ANNOTATION_COLS =
            "experiment: 'VARCHAR', run_id: 'VARCHAR', kind: 'VARCHAR', time_ms: 'BIGINT', "
                    + "author: 'VARCHAR', note: 'VARCHAR', tags: 'JSON', reason: 'VARCHAR'";
    static final String ANNOTATION_EMPTY = emptyRow(ANNOTATION_COLS) + ", NULL::VARCHAR AS filename";
    /** The point columns of the views, in their order: the metric columns with the experiment first. */
    private static final List<String> POINT_COLUMNS = List.of(
            MetricSchema.RUN_ID,
            MetricSchema.KEY,
            MetricSchema.STEP,
            MetricSchema.TIMESTAMP,
            MetricSchema.VALUE,
            MetricSchema.WORKER);

    static final String POINT_EMPTY = "NULL::VARCHAR AS experiment, " + MetricSchema.nullRow(POINT_COLUMNS);
    static final String INDEX_EMPTY = "NULL::VARCHAR AS experiment, NULL::VARCHAR AS run_id, NULL::VARCHAR AS name, "
            + "NULL::VARCHAR AS parent_run_id, NULL::VARCHAR AS status, NULL::TIMESTAMPTZ AS start_time, NULL::TIMESTAMPTZ AS end_time, "
            + "NULL::TIMESTAMPTZ AS last_activity, NULL::VARCHAR AS \"user\", NULL::VARCHAR AS host, NULL::VARCHAR AS code_version, "
            + "NULL::VARCHAR AS error, NULL::BIGINT AS points, NULL::MAP(VARCHAR, VARCHAR) AS params, NULL::MAP(VARCHAR, VARCHAR) AS tags, "
            + "NULL::STRUCT(key VARCHAR, last_value DOUBLE, min_value DOUBLE, max_value DOUBLE, point_count BIGINT, last_step BIGINT)[] AS metrics, "
            + "NULL::" + RunLineage.listType(RunLineage.ARTIFACT_FIELDS) + " AS " + RunLineage.ARTIFACTS + ", "
            + "NULL::" + RunLineage.listType(RunLineage.INPUT_FIELDS) + " AS " + RunLineage.INPUTS
            + ", NULL::VARCHAR AS note, NULL::BOOLEAN AS archived";

    /** Typed points of the files, one scan per experiment, the experiment a literal taken from the keys. */
    private static String points(List<Path> files, Map<Path, String> experimentOf) {
        if (files.isEmpty()) return "SELECT * FROM (SELECT " + POINT_EMPTY + ") WHERE false";
        Map<String, List<Path>> byExperiment = new LinkedHashMap<>();
        for (Path p : files)
            byExperiment
                    .computeIfAbsent(experimentOf.get(p), e -> new ArrayList<>())
                    .add(p);
        List<String> scans = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : byExperiment.entrySet()) {
            scans.add("SELECT " + lit(e.getKey()) + " AS experiment, " + MetricSchema.castProjection(POINT_COLUMNS)
                    + "\nFROM " + MetricSchema.readPoints(list(e.getValue())));
        }
        return String.join("\nUNION ALL\n", scans);
    }

    /** Every statement, in order; each is a CREATE OR REPLACE VIEW. */
    static List<String> statements(Files f) {
        List<String> s = new ArrayList<>();
        sources(f, s);
        rawRuns(f.staleTimeoutMs(), s);
        publicViews(f.staleTimeoutMs(), s);
        registryViews(f.registry(), s);
        return s;
    }

    static final String MODEL_COLS = "name: 'VARCHAR', description: 'VARCHAR', tags: 'MAP(VARCHAR, VARCHAR)', "
            + "created_by: 'VARCHAR', created_time_ms: 'BIGINT'";
    static final String VERSION_COLS = "model: 'VARCHAR', version: 'BIGINT', experiment: 'VARCHAR', run_id: 'VARCHAR', "
            + "artifact: 'JSON', description: 'VARCHAR', tags: 'MAP(VARCHAR, VARCHAR)', metrics: 'MAP(VARCHAR, DOUBLE)', "
            + "created_by: 'VARCHAR', created_time_ms: 'BIGINT'";
    static final String ALIAS_COLS =
            "model: 'VARCHAR', alias: 'VARCHAR', version: 'BIGINT', previous_version: 'BIGINT', "
                    + "reason: 'VARCHAR', condition: 'JSON', set_by: 'VARCHAR', time_ms: 'BIGINT'";
    private static final String NO_TAGS = "MAP {}::MAP(VARCHAR, VARCHAR)";

    /**
     * The model registry (FORMAT.md §16): models, versions (with their run's status and code version where the run
     * is in {@code runs}), the current aliases and every alias event. Only objects the catalog found valid are read.
     */
    private static void registryViews(Registry r, List<String> s) {
        s.add(view("_registered_models", json(r.models(), MODEL_COLS, emptyRow(MODEL_COLS), false)));
        s.add(view("_model_versions", json(r.versions(), VERSION_COLS, emptyRow(VERSION_COLS), false)));
        s.add(view(
                "_alias_events",
                json(r.aliasEvents(), ALIAS_COLS, emptyRow(ALIAS_COLS) + ", NULL::VARCHAR AS filename", true)));
        // run id -> audit entry of its purge (FORMAT.md §12.11), chosen by PurgeAudits
        s.add(view(
                "_purged_runs",
                r.purgedRuns().isEmpty()
                        ? "SELECT NULL::VARCHAR AS run_id, NULL::VARCHAR AS audit WHERE false"
                        : "SELECT * FROM (VALUES "
                                + String.join(
                                        ", ",
                                        r.purgedRuns().entrySet().stream()
                                                .map(e -> "(" + lit(e.getKey()) + ", " + lit(e.getValue()) + ")")
                                                .toList())
                                + ") AS t(run_id, audit)"));
        s.add(view("models", """
                SELECT name, description, coalesce(tags, %s) AS tags, created_by,
                       make_timestamptz(created_time_ms * 1000) AS created_time
                FROM _registered_models""".formatted(NO_TAGS)));
        s.add(view("model_versions", """
                SELECT v.model, v.version, %s || v.model || '/' || v.version AS uri, v.experiment, v.run_id,
                       v.artifact->>'name' AS artifact_name, v.artifact->>'uri' AS artifact_uri,
                       v.artifact->>'sha256' AS artifact_sha256, (v.artifact->>'size')::BIGINT AS artifact_size,
                       coalesce((v.artifact->>'reference')::BOOLEAN, false) AS artifact_reference,
                       v.description, coalesce(v.tags, %s) AS tags, v.metrics, v.created_by,
                       make_timestamptz(v.created_time_ms * 1000) AS created_time,
                       r.status AS run_status, r.code_version AS run_code_version,
                       CASE WHEN r.run_id IS NULL THEN p.audit END AS run_purged_by
                FROM _model_versions v LEFT JOIN runs r ON r.run_id = v.run_id
                LEFT JOIN _purged_runs p ON p.run_id = v.run_id""".formatted(lit(ModelUri.SCHEME), NO_TAGS)));
        s.add(view("model_alias_history", """
                SELECT model, alias, regexp_extract(filename, %s, 1) AS event_id, make_timestamptz(time_ms * 1000) AS time,
                       set_by, previous_version, version, reason, condition->>'metric' AS condition_metric,
                       condition->>'result' AS condition_result, condition
                FROM _alias_events""".formatted(lit(Layout.aliasEventIdSqlRegex()))));
        s.add(view(
                "model_aliases",
                "SELECT model, alias, version, time, set_by, reason, event_id FROM (\n"
                        + RegistryContents.currentAliasesSql("model_alias_history") + ")"));
    }

    /** The files as tables: JSON objects, the runs index, points, and the shards' activity from their footers. */
    private static void sources(Files f, List<String> s) {
        s.add(view("_starts", json(f.starts(), START_COLS, START_EMPTY, false)));
        s.add(view("_workers", json(f.workers(), WORKER_COLS, WORKER_EMPTY, false)));
        s.add(view("_events", json(f.events(), EVENT_COLS, EVENT_EMPTY, true)));
        s.add(view("_all_events", json(f.allEvents(), EVENT_COLS, EVENT_EMPTY, true)));
        s.add(view("_ends", json(f.ends(), END_COLS, END_EMPTY, false)));
        s.add(view("_annotations", json(f.annotations(), ANNOTATION_COLS, ANNOTATION_EMPTY, true)));
        s.add(view(
                "_index",
                f.indexFiles().isEmpty()
                        ? "SELECT * FROM (SELECT " + INDEX_EMPTY + ") WHERE false"
                        // by name with the typed empty row: an index file written before a column existed reads as
                        // NULL there even when no other file has it (the artifacts and inputs views use them)
                        : "SELECT * FROM " + DuckSql.readParquet(list(f.indexFiles()), "union_by_name = true")
                                + "\nUNION ALL BY NAME SELECT * FROM (SELECT " + INDEX_EMPTY + ") WHERE false"));
        s.add(view("_lake_points", points(f.lakeFiles(), f.experimentOf())));
        s.add(view("_raw_points", points(f.shards(), f.experimentOf())));
        s.add(view(
                "_shard_activity",
                f.shards().isEmpty()
                        ? "SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS t WHERE false"
                        : "SELECT regexp_extract(file_name, " + lit(Layout.shardRunIdSqlRegex()) + ", 1) AS run_id, "
                                + "max(TRY_CAST(decode(value) AS BIGINT)) AS t\n"
                                + "FROM parquet_kv_metadata(" + list(f.shards()) + ") WHERE decode(key) = "
                                + lit(MetricSchema.META_LAST_ACTIVITY) + "\n"
                                + "  AND TRY_CAST(decode(value) AS BIGINT) BETWEEN 0 AND " + RunObjects.MAX_TIME_MS
                                + " GROUP BY 1"));
        s.add(view("points", "SELECT * FROM _lake_points UNION ALL SELECT * FROM _raw_points"));
        s.add(view("metrics", "SELECT * FROM points WHERE " + MetricSummaries.isUserMetric("key")));
    }

    /** Runs read from raw JSON (runs not settled in a runs index), by the rules of FORMAT.md §8 and §9. */
    private static void rawRuns(long staleTimeoutMs, List<String> s) {
        s.add(view(
                "_raw_procs",
                "SELECT experiment, run_id, writer_id, start_time_ms FROM _starts\n"
                        + "UNION ALL SELECT experiment, run_id, writer_id, start_time_ms FROM _workers"));
        s.add(view(
                "_raw_ids",
                "SELECT run_id, any_value(experiment) AS experiment FROM (\n"
                        + "  SELECT experiment, run_id FROM _raw_procs UNION ALL SELECT experiment, run_id FROM _events\n"
                        + "  UNION ALL SELECT experiment, run_id FROM _ends) GROUP BY run_id"));
        s.add(view("_raw_param_kv", keyValues("params")));
        s.add(view(
                "_raw_params",
                "SELECT run_id, key, arg_min(value, (src, t, object)) AS value FROM _raw_param_kv "
                        + "GROUP BY run_id, key"));
        s.add(view("_raw_tag_kv", keyValues("tags")));
        s.add(view(
                "_raw_tags",
                "SELECT run_id, key, value FROM (SELECT run_id, key, arg_max(value, (src, t, object)) AS value\n"
                        + "  FROM _raw_tag_kv GROUP BY run_id, key) WHERE json_type(value) <> 'NULL'"));
        s.add(view(
                "_raw_runs",
                RAW_RUNS.formatted(
                        RunRules.runErrorSql("error", "end_time_ms", "worker", "writer_id"),
                        RunRules.paramTextSql("value"),
                        RunRules.codeVersionSql("code"),
                        RunRules.statusSql("ends.failed", "ends.killed", EVERY_WRITER_ENDED, "act.t", staleTimeoutMs),
                        RunRules.endTimeSql("ends.failed OR ends.killed OR " + EVERY_WRITER_ENDED, "ends.end_ms"))));
    }

    /**
     * Every entry of the start manifests' and the {@code kind} events' JSON map {@code kind} (params or tags), with
     * its precedence: start manifest first (src 0), then events by (time_ms, key).
     */
    private static String keyValues(String kind) {
        return ("SELECT s.run_id, p.key, p.value, 0 AS src, 0::BIGINT AS t, '' AS object\n"
                        + "  FROM _starts s, json_each(s.%1$s) p\n"
                        + "UNION ALL SELECT e.run_id, p.key, p.value, 1, e.time_ms, e.filename\n"
                        + "  FROM _events e, json_each(e.%1$s) p WHERE e.kind = '%1$s'")
                .formatted(kind);
    }

    private static final String EVERY_WRITER_ENDED = "(ends.run_id IS NOT NULL AND coalesce(procs.open, 0) = 0)";

    /** One row per raw run: status, times and error by {@link RunRules}, params, tags, the start manifest. */
    private static final String RAW_RUNS = """
            WITH ends AS (
              SELECT run_id, bool_or(status = 'FAILED') AS failed, bool_or(status = 'KILLED') AS killed,
                     max(end_time_ms) AS end_ms, %s AS error
              FROM _ends GROUP BY run_id),
            procs AS (
              SELECT p.run_id, count(DISTINCT p.writer_id) FILTER (WHERE e.writer_id IS NULL) AS open
              FROM _raw_procs p LEFT JOIN (SELECT DISTINCT run_id, writer_id FROM _ends) e
                ON e.run_id = p.run_id AND e.writer_id = p.writer_id GROUP BY p.run_id),
            lake_activity AS (
              SELECT run_id, epoch_ms(max(timestamp)) AS t FROM _lake_points
              WHERE run_id IN (SELECT run_id FROM _raw_ids) GROUP BY run_id),
            act AS (
              SELECT run_id, max(t) AS t FROM (
                SELECT run_id, start_time_ms AS t FROM _raw_procs UNION ALL SELECT run_id, time_ms FROM _events
                UNION ALL SELECT run_id, end_time_ms FROM _ends UNION ALL SELECT run_id, t FROM _shard_activity
                UNION ALL SELECT run_id, t FROM lake_activity) GROUP BY run_id),
            params AS (SELECT run_id, map(list(key ORDER BY key),
                                          list(%s ORDER BY key)) AS params
                       FROM _raw_params GROUP BY run_id),
            tags AS (SELECT run_id, map(list(key ORDER BY key), list(value->>'$' ORDER BY key)) AS tags
                     FROM _raw_tags GROUP BY run_id),
            st AS (SELECT run_id, any_value(name) AS name, any_value(parent_run_id) AS parent_run_id,
                          min(start_time_ms) AS start_ms,
                          any_value(environment->>'user') AS "user", any_value(environment->>'host') AS host,
                          any_value(%s) AS code_version
                   FROM _starts GROUP BY run_id),
            wst AS (SELECT run_id, min(start_time_ms) AS start_ms FROM _workers GROUP BY run_id)
            SELECT i.experiment, i.run_id, st.name, st.parent_run_id,
              %s AS status,
              make_timestamptz(coalesce(st.start_ms, wst.start_ms) * 1000) AS start_time,
              make_timestamptz((%s) * 1000) AS end_time,
              make_timestamptz(act.t * 1000) AS last_activity, st."user", st.host, st.code_version, ends.error,
              coalesce(params.params, MAP {}::MAP(VARCHAR, VARCHAR)) AS params,
              coalesce(tags.tags, MAP {}::MAP(VARCHAR, VARCHAR)) AS tags
            FROM _raw_ids i LEFT JOIN ends USING (run_id) LEFT JOIN procs USING (run_id) LEFT JOIN act USING (run_id)
            LEFT JOIN params USING (run_id) LEFT JOIN tags USING (run_id) LEFT JOIN st USING (run_id)
            LEFT JOIN wst USING (run_id)""";

    /** The documented views (FORMAT.md §14): runs from the index or raw JSON, params, tags, events, summaries. */
    private static void publicViews(long staleTimeoutMs, List<String> s) {
        // settled runs only: every run whose JSON is read above is taken from there
        s.add(view("_index_runs", "SELECT * FROM _index WHERE run_id NOT IN (SELECT run_id FROM _raw_ids)"));
        String duration = RunRules.durationSecondsSql("start_time", "end_time", "last_activity");
        s.add(view("_base_runs", """
                SELECT experiment, run_id, name, parent_run_id, status, start_time, end_time, last_activity,
                       %s AS duration_s,
                       "user", host, code_version, error, params, tags, 'raw' AS source FROM _raw_runs
                UNION ALL
                SELECT experiment, run_id, name, parent_run_id,
                       CASE WHEN status = 'RUNNING' AND %s THEN 'CRASHED' ELSE status END,
                       start_time, end_time, last_activity, %s,
                       "user", host, code_version, error, params, tags, 'index' FROM _index_runs""".formatted(
                        duration, RunRules.staleSql("epoch_ms(last_activity)", staleTimeoutMs), duration)));
        s.add(view("runs", annotatedRuns()));
        s.add(view("params", """
                SELECT i.experiment, p.run_id, p.key,
                       %s AS value,
                       CASE WHEN json_type(p.value) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN p.value::DOUBLE END AS value_num,
                       lower(json_type(p.value)) AS type
                FROM _raw_params p JOIN _raw_ids i USING (run_id)
                UNION ALL
                SELECT experiment, run_id, key, value,
                       CASE WHEN json_type(j) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') OR j IS NULL
                            THEN TRY_CAST(value AS DOUBLE) END,
                       CASE WHEN j IS NOT NULL THEN lower(json_type(j))
                            WHEN TRY_CAST(value AS DOUBLE) IS NOT NULL THEN 'double' ELSE 'varchar' END
                FROM (SELECT r.experiment, r.run_id, e.key, e.value, TRY_CAST(e.value AS JSON) AS j
                      FROM _index_runs r, unnest(map_entries(r.params)) AS t(e))""".formatted(RunRules.paramTextSql("p.value"))));
        s.add(view("tags", """
                SELECT r.experiment, r.run_id, e.key, e.value FROM runs r, unnest(map_entries(r.tags)) AS t(e)"""));
        // Events of every listed run; a run taken from the index without listing (below its watermark, §13.3) has
        // none listed, and its artifacts and inputs come from the index's columns, which hold the same events.
        s.add(view("artifacts", """
                SELECT experiment, run_id, artifact->>'name' AS name, artifact->>'sha256' AS sha256, (artifact->>'size')::BIGINT AS size,
                       artifact->>'uri' AS uri, (artifact->>'reference')::BOOLEAN AS reference, make_timestamptz(time_ms * 1000) AS time, worker
                FROM _all_events WHERE kind = 'artifact'
                UNION ALL
                SELECT r.experiment, r.run_id, a.name, a.sha256, a.size, a.uri, a.reference, a.time, a.worker
                FROM _index_runs r, unnest(r.artifacts) AS t(a) WHERE r.run_id NOT IN (SELECT run_id FROM _all_events)"""));
        s.add(view("inputs", """
                SELECT experiment, run_id, input->>'name' AS name, input->>'uri' AS uri, input->>'role' AS role, input->>'sha256' AS sha256,
                       input->>'etag' AS etag, input->>'version_id' AS version_id, (input->>'size')::BIGINT AS size,
                       (input->>'files')::BIGINT AS files, make_timestamptz(time_ms * 1000) AS time, worker
                FROM _all_events WHERE kind = 'input'
                UNION ALL
                SELECT r.experiment, r.run_id, i.name, i.uri, i.role, i.sha256, i.etag, i.version_id, i.size, i.files, i.time, i.worker
                FROM _index_runs r, unnest(r.inputs) AS t(i) WHERE r.run_id NOT IN (SELECT run_id FROM _all_events)"""));
        s.add(view("metric_summary", """
                SELECT r.experiment, r.run_id, m.key, m.point_count AS points, m.last_step, m.last_value, m.min_value, m.max_value
                FROM _index_runs r, unnest(r.metrics) AS t(m) WHERE %s
                UNION ALL
                SELECT any_value(experiment), run_id, key, %s AS points, %s AS last_step, %s AS last_value,
                       %s AS min_value, %s AS max_value
                FROM (
                  -- = metrics WHERE run_id NOT IN _index_runs; the runs are looked up first (run_id column only), so the
                  -- compacted files' other columns are read only for those runs, not for every point of the lake
                  SELECT * FROM _lake_points WHERE run_id IN (
                    SELECT DISTINCT run_id FROM _lake_points WHERE run_id NOT IN (SELECT run_id FROM _index_runs))
                  UNION ALL
                  SELECT * FROM _raw_points WHERE run_id NOT IN (SELECT run_id FROM _index_runs))
                WHERE %s GROUP BY run_id, key""".formatted(
                        MetricSummaries.isUserMetric("m.key"),
                        MetricSummaries.POINT_COUNT,
                        MetricSummaries.LAST_STEP,
                        MetricSummaries.LAST_VALUE,
                        MetricSummaries.MIN_VALUE,
                        MetricSummaries.MAX_VALUE,
                        MetricSummaries.isUserMetric("key"))));
        s.add(view("experiments", """
                SELECT experiment, count(*) AS runs, count(*) FILTER (WHERE status = 'RUNNING') AS running,
                       count(*) FILTER (WHERE status = 'FINISHED') AS finished, count(*) FILTER (WHERE status = 'FAILED') AS failed,
                       min(start_time) AS first_start, max(start_time) AS last_start
                FROM runs GROUP BY experiment"""));
    }

    /**
     * The runs with their annotations folded in (FORMAT.md §8.4, {@link AnnotationFold}): note, archived, and the tags
     * with post-hoc changes applied. For every run, settled or not, so an annotation shows as soon as it is written.
     */
    private static String annotatedRuns() {
        return """
                WITH a AS (SELECT *, filename AS id FROM _annotations),
                notes AS (SELECT run_id, %s AS note, %s AS archived FROM a GROUP BY run_id),
                changes AS (SELECT run_id, map(list(key), list(value->>'$')) AS changes FROM (
                  %s) GROUP BY run_id)
                SELECT b.* EXCLUDE (tags, source), %s AS tags, b.source, notes.note, coalesce(notes.archived, false) AS archived
                FROM _base_runs b LEFT JOIN notes USING (run_id) LEFT JOIN changes USING (run_id)""".formatted(
                        AnnotationFold.noteSql(),
                        AnnotationFold.archivedSql(),
                        AnnotationFold.tagChangesSql("(SELECT a.run_id, j.key, j.value, a.time_ms, a.id FROM a, "
                                + "json_each(a.tags) j WHERE a.kind = '" + Annotation.TAGS + "')"),
                        AnnotationFold.applyTagsSql("b.tags", "changes.changes"));
    }

    private static String view(String name, String body) {
        return viewPrefix(name) + body;
    }

    static String viewPrefix(String name) {
        return "CREATE OR REPLACE VIEW " + name + " AS\n";
    }

    /** The name of the view a statement of {@link #statements} creates. */
    static String viewName(String statement) {
        int from = "CREATE OR REPLACE VIEW ".length();
        return statement.substring(from, statement.indexOf(' ', from));
    }

    /** The user-facing views, in the order they are documented. */
    static final List<String> PUBLIC = List.of(
            "experiments",
            "runs",
            "metrics",
            "metric_summary",
            "params",
            "tags",
            "artifacts",
            "inputs",
            "points",
            "models",
            "model_versions",
            "model_aliases",
            "model_alias_history");
}
