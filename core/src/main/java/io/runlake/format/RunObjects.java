package io.runlake.format;

/**
 * Checks every reader applies to a parsed run object (FORMAT.md §7, §11): the fields that repeat the key
 * ({@code experiment}, {@code run_id}, {@code worker}, {@code writer_id}) agree with it, its time is a real
 * time, and an end manifest's status is one that writers write. An object that fails is corrupt: readers skip it and name its key, maintenance quarantines it.
 */
public final class RunObjects {
    /** 9999-12-31T23:59:59.999Z: the last millisecond every reader (Parquet, DuckDB, Athena) can represent. */
    public static final long MAX_TIME_MS = 253_402_300_799_999L;

    private RunObjects() {}

    /** "" when {@code value} (a {@link RunStart}, {@link WorkerStart}, {@link RunEvent} or {@link RunEnd}) agrees with its key, else the problem. */
    public static String disagreement(Layout.RunObject key, Object value) {
        String experiment, runId, writerId;
        int worker;
        String timeField;
        long time;
        if (value instanceof RunStart r) {
            experiment = r.experiment(); runId = r.runId(); writerId = r.writerId(); worker = r.worker();
            timeField = "start_time_ms"; time = r.startTimeMs();
        } else if (value instanceof WorkerStart r) {
            experiment = r.experiment(); runId = r.runId(); writerId = r.writerId(); worker = r.worker();
            timeField = "start_time_ms"; time = r.startTimeMs();
        } else if (value instanceof RunEvent r) {
            experiment = r.experiment(); runId = r.runId(); writerId = r.writerId(); worker = r.worker();
            timeField = "time_ms"; time = r.timeMs();
        } else if (value instanceof RunEnd r) {
            experiment = r.experiment(); runId = r.runId(); writerId = r.writerId(); worker = r.worker();
            timeField = "end_time_ms"; time = r.endTimeMs();
        } else {
            return "";
        }
        if (!key.runId().equals(runId)) return "run_id is '" + runId + "' but the key says " + key.runId();
        if (!key.experiment().equals(experiment)) {
            return "experiment is '" + (experiment == null ? null : Names.printable(experiment)) + "' but the key says '"
                    + Names.printable(key.experiment()) + "'";
        }
        if (key.kind() == Layout.RunObjectKind.START) {
            if (worker != 0) return "worker is " + worker + " but a start manifest is always worker 0";
        } else {
            if (worker != key.worker()) return "worker is " + worker + " but the key says " + key.worker();
            if (!key.writerId().equals(writerId)) return "writer_id is '" + writerId + "' but the key says " + key.writerId();
        }
        if (time < 0 || time > MAX_TIME_MS) return timeField + " " + time + " is not a time between 1970 and 9999";
        if (value instanceof RunEnd r && !(RunStatus.FINISHED.name().equals(r.status()) || RunStatus.FAILED.name().equals(r.status())
                || RunStatus.KILLED.name().equals(r.status()))) {
            return "status is '" + r.status() + "', not FINISHED, FAILED or KILLED";
        }
        return "";
    }
}
