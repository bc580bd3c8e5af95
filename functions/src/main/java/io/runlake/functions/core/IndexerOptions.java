package io.runlake.functions.core;

import io.runlake.runs.SettledWatermark;
import io.runlake.store.LocalPaths;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Tuning of the runs index.
 *
 * @param workDir local folder for downloads and DuckDB's spill [java.io.tmpdir/runlake-&lt;user&gt;, private to the user]
 * @param crashTimeout a run with a writer that has no end object and no activity for this long is CRASHED [15 min]
 * @param memoryLimit DuckDB memory limit ["512MB"]
 * @param threads DuckDB threads [available processors]
 * @param ioThreads parallel reads of manifests and downloads [8]
 * @param clock time source (tests use a fixed or shifted clock)
 * @param force rebuild even if nothing changed since the current index
 * @param indexMargin M: a run whose objects are all older than this is settled once it ended (FORMAT.md §13.3) [10 min]
 * @param settleAge S: a CRASHED run silent this long is settled, a reopen this old consumed (§12.7) [60 min]; at least
 *     the writers' resume silence R + 2·M + twice the longest store request
 */
public record IndexerOptions(
        Path workDir,
        Duration crashTimeout,
        String memoryLimit,
        int threads,
        int ioThreads,
        Clock clock,
        boolean force,
        Duration indexMargin,
        Duration settleAge) {
    public static final Duration DEFAULT_CRASH_TIMEOUT = Duration.ofMinutes(15);

    public static IndexerOptions defaults() {
        return new IndexerOptions(
                LocalPaths.userTempRoot(),
                DEFAULT_CRASH_TIMEOUT,
                "512MB",
                Runtime.getRuntime().availableProcessors(),
                8,
                Clock.systemUTC(),
                false,
                SettledWatermark.DEFAULT_MARGIN,
                SettledWatermark.DEFAULT_SETTLE_AGE);
    }

    public IndexerOptions withWorkDir(Path p) {
        return new IndexerOptions(
                p, crashTimeout, memoryLimit, threads, ioThreads, clock, force, indexMargin, settleAge);
    }

    public IndexerOptions withCrashTimeout(Duration d) {
        return new IndexerOptions(workDir, d, memoryLimit, threads, ioThreads, clock, force, indexMargin, settleAge);
    }

    public IndexerOptions withMemory(String limit, int duckThreads) {
        return new IndexerOptions(
                workDir, crashTimeout, limit, duckThreads, ioThreads, clock, force, indexMargin, settleAge);
    }

    public IndexerOptions withClock(Clock c) {
        return new IndexerOptions(
                workDir, crashTimeout, memoryLimit, threads, ioThreads, c, force, indexMargin, settleAge);
    }

    /** Shorter times than FORMAT.md's make tests of settling take seconds; keep S ≥ R + 2·M + 2 store requests. */
    public IndexerOptions withSettleTimes(Duration margin, Duration age) {
        return new IndexerOptions(workDir, crashTimeout, memoryLimit, threads, ioThreads, clock, force, margin, age);
    }

    public IndexerOptions withForce(boolean f) {
        return new IndexerOptions(
                workDir, crashTimeout, memoryLimit, threads, ioThreads, clock, f, indexMargin, settleAge);
    }
}
