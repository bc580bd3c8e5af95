package io.runlake.functions.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Options of the three steps together; {@link #fromEnv} reads the Lambda/CLI environment. */
public record MaintenanceOptions(CompactorOptions compactor, IndexerOptions indexer, ReporterOptions reporter) {

    public static MaintenanceOptions defaults() {
        return new MaintenanceOptions(
                CompactorOptions.defaults(), IndexerOptions.defaults(), ReporterOptions.defaults());
    }

    /**
     * Environment variables (all optional): {@code RUNLAKE_WORK_DIR} (local scratch, default the temp
     * folder), {@code RUNLAKE_DUCKDB_MEMORY} (e.g. 512MB), {@code RUNLAKE_CRASH_TIMEOUT_MINUTES} (15),
     * {@code RUNLAKE_REPORT_METRIC}, {@code RUNLAKE_REPORT_DIRECTION} (max|min), {@code RUNLAKE_REPORT_TOP_K} (10),
     * {@code RUNLAKE_DELETE_GRACE_MINUTES} (5).
     */
    public static MaintenanceOptions fromEnv(Map<String, String> env) {
        MaintenanceOptions o = defaults();
        String work = env.get("RUNLAKE_WORK_DIR");
        if (work != null && !work.isBlank()) o = o.withWorkDir(Path.of(work));
        String memory = env.get("RUNLAKE_DUCKDB_MEMORY");
        CompactorOptions c = o.compactor();
        IndexerOptions i = o.indexer();
        ReporterOptions r = o.reporter();
        if (memory != null && !memory.isBlank()) {
            c = c.withMemory(memory, c.threads());
            i = i.withMemory(memory, i.threads());
            r = new ReporterOptions(
                    r.metric(),
                    r.direction(),
                    r.topK(),
                    r.curvePoints(),
                    r.workDir(),
                    memory,
                    r.threads(),
                    r.ioThreads(),
                    r.clock(),
                    r.force());
        }
        String grace = env.get("RUNLAKE_DELETE_GRACE_MINUTES");
        if (grace != null && !grace.isBlank())
            c = c.withGrace(Duration.ofMinutes(Long.parseLong(grace.trim())), c.orphanGrace());
        String timeout = env.get("RUNLAKE_CRASH_TIMEOUT_MINUTES");
        if (timeout != null && !timeout.isBlank())
            i = i.withCrashTimeout(Duration.ofMinutes(Long.parseLong(timeout.trim())));
        String metric = env.get("RUNLAKE_REPORT_METRIC");
        String direction = env.get("RUNLAKE_REPORT_DIRECTION");
        r = r.withMetric(blankToNull(metric), blankToNull(direction));
        String k = env.get("RUNLAKE_REPORT_TOP_K");
        if (k != null && !k.isBlank()) r = r.withTopK(Integer.parseInt(k.trim()));
        return new MaintenanceOptions(c, i, r);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public MaintenanceOptions withWorkDir(Path p) {
        return new MaintenanceOptions(compactor.withWorkDir(p), indexer.withWorkDir(p), reporter.withWorkDir(p));
    }

    public MaintenanceOptions withClock(Clock clock) {
        return new MaintenanceOptions(compactor.withClock(clock), indexer.withClock(clock), reporter.withClock(clock));
    }

    public MaintenanceOptions withCompactor(CompactorOptions c) {
        return new MaintenanceOptions(c, indexer, reporter);
    }

    public MaintenanceOptions withIndexer(IndexerOptions i) {
        return new MaintenanceOptions(compactor, i, reporter);
    }

    public MaintenanceOptions withReporter(ReporterOptions r) {
        return new MaintenanceOptions(compactor, indexer, r);
    }
}
