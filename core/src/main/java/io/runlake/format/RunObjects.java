package io.runlake.format;

/**
 * Checks every reader applies to a parsed run object (FORMAT.md §7, §11): the fields that repeat the key
 * ({@code experiment}, {@code run_id}, {@code worker}, {@code writer_id}) agree with it, its time is a real
 * time, and an end manifest's status is one that writers write. An object that fails is corrupt: readers skip it
 * and name its key, maintenance quarantines it.
 */
public final class RunObjects {
    /** 9999-12-31T23:59:59.999Z: the last millisecond every reader (Parquet, DuckDB, Athena) can represent. */
    public static final long MAX_TIME_MS = 253_402_300_799_999L;

    private RunObjects() {}

    /**
     * Reads a JSON object under {@code runs/} and applies every check of §11 to it: its version (a newer one is
     * refused), its shape for its kind, its {@code kind} field, and {@link #disagreement} with its key. The one
     * validation of run objects: every reader and maintenance job judges an object by this.
     *
     * @return a {@link RunStart}, {@link WorkerStart}, {@link RunEvent} or {@link RunEnd}, as the key says
     * @throws Json.MalformedObjectException when the object is corrupt ({@link Json.MalformedObjectException#problem})
     * @throws FormatVersion.UnsupportedFormatException when it is from a newer format (refused, not corrupt)
     * @throws IllegalArgumentException for a shard key (not a JSON object)
     */
    public static Object read(byte[] bytes, String key, Layout.RunObject parsedKey) {
        Object value;
        try {
            value = readShape(bytes, key, parsedKey.kind());
        } catch (Json.MalformedObjectException e) {
            String p = e.problem() == null ? "" : e.problem();
            int nl = p.indexOf('\n');
            String firstLine = nl < 0 ? p : p.substring(0, nl);
            throw new Json.MalformedObjectException(key, "not valid JSON for its kind (" + firstLine + ")");
        }
        String kind = value instanceof RunStart r
                ? r.kind()
                : value instanceof WorkerStart w
                        ? w.kind()
                        : value instanceof RunEnd e
                                ? e.kind()
                                : null; // an event's kind says what it carries: any is read
        String expected = value instanceof RunStart
                ? RunStart.KIND
                : value instanceof WorkerStart ? WorkerStart.KIND : value instanceof RunEnd ? RunEnd.KIND : null;
        if (expected != null && !expected.equals(kind)) {
            throw new Json.MalformedObjectException(key, "kind is '" + kind + "', expected '" + expected + "'");
        }
        String problem = disagreement(parsedKey, value);
        if (!problem.isEmpty()) throw new Json.MalformedObjectException(key, problem);
        return value;
    }

    /** The object parsed into its kind's record; its format version is checked before its shape. */
    private static Object readShape(byte[] bytes, String key, Layout.RunObjectKind kind) {
        return switch (kind) {
            case START -> FormatVersion.readJson(bytes, RunStart.class, key);
            case WORKER -> FormatVersion.readJson(bytes, WorkerStart.class, key);
            case END -> FormatVersion.readJson(bytes, RunEnd.class, key);
            case EVENT -> FormatVersion.readJson(bytes, RunEvent.class, key);
            case SHARD -> throw new IllegalArgumentException(key + " is a metric shard, not a JSON object");
        };
    }

    /** SQL aggregates over a shard's rows (run_id cast to VARCHAR) that {@link #foreignRows} judges. */
    public static final String RUN_ID_RANGE_SQL = "min(run_id), max(run_id), count(*) - count(run_id)";

    /**
     * "" when every row of a shard is of its key's run (§11: rows belong to the run of their key), else the problem;
     * from {@link #RUN_ID_RANGE_SQL} over its rows.
     */
    public static String foreignRows(String keyRunId, String minRunId, String maxRunId, long nullRunIds) {
        String foreign = nullRunIds > 0
                ? null
                : !keyRunId.equals(minRunId) ? minRunId : !keyRunId.equals(maxRunId) ? maxRunId : "";
        if ("".equals(foreign)) return "";
        return "has rows of run_id " + (foreign == null ? "NULL" : "'" + foreign + "'") + ", not of its key's run "
                + keyRunId + " (a shard holds points of its own run only)";
    }

    /** "" when {@code value} (a {@link RunStart}, {@link WorkerStart}, {@link RunEvent} or {@link RunEnd}) agrees with its key, else the problem. */
    public static String disagreement(Layout.RunObject key, Object value) {
        String experiment, runId, writerId;
        int worker;
        String timeField;
        long time;
        if (value instanceof RunStart r) {
            experiment = r.experiment();
            runId = r.runId();
            writerId = r.writerId();
            worker = r.worker();
            timeField = "start_time_ms";
            time = r.startTimeMs();
        } else if (value instanceof WorkerStart r) {
            experiment = r.experiment();
            runId = r.runId();
            writerId = r.writerId();
            worker = r.worker();
            timeField = "start_time_ms";
            time = r.startTimeMs();
        } else if (value instanceof RunEvent r) {
            experiment = r.experiment();
            runId = r.runId();
            writerId = r.writerId();
            worker = r.worker();
            timeField = "time_ms";
            time = r.timeMs();
        } else if (value instanceof RunEnd r) {
            experiment = r.experiment();
            runId = r.runId();
            writerId = r.writerId();
            worker = r.worker();
            timeField = "end_time_ms";
            time = r.endTimeMs();
        } else {
            return "";
        }
        if (!key.runId().equals(runId)) return "run_id is '" + runId + "' but the key says " + key.runId();
        if (!key.experiment().equals(experiment)) {
            return "experiment is '" + (experiment == null ? null : Names.printable(experiment))
                    + "' but the key says '" + Names.printable(key.experiment()) + "'";
        }
        if (key.kind() == Layout.RunObjectKind.START) {
            if (worker != 0) return "worker is " + worker + " but a start manifest is always worker 0";
        } else {
            if (worker != key.worker()) return "worker is " + worker + " but the key says " + key.worker();
            if (!key.writerId().equals(writerId))
                return "writer_id is '" + writerId + "' but the key says " + key.writerId();
        }
        if (time < 0 || time > MAX_TIME_MS) return timeField + " " + time + " is not a time between 1970 and 9999";
        if (value instanceof RunEnd r
                && !(RunStatus.FINISHED.name().equals(r.status())
                        || RunStatus.FAILED.name().equals(r.status())
                        || RunStatus.KILLED.name().equals(r.status()))) {
            return "status is '" + r.status() + "', not FINISHED, FAILED or KILLED";
        }
        return "";
    }
}
