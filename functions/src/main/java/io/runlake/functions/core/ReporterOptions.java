package io.runlake.functions.core;

import io.runlake.store.LocalPaths;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What a leaderboard ranks.
 *
 * @param metric metric key to rank by; null picks one (see {@link Reporter})
 * @param direction {@code max} or {@code min}; null infers it from the metric name
 * @param topK runs on the leaderboard [10]
 * @param curvePoints points per leader curve in the chart (evenly thinned) [400]
 * @param workDir local folder for downloads
 * @param memoryLimit DuckDB memory limit
 * @param threads DuckDB threads
 * @param ioThreads parallel downloads
 * @param clock time source
 * @param force write a report even if the latest one was built from the same index with the same settings
 */
public record ReporterOptions(
        String metric,
        String direction,
        int topK,
        int curvePoints,
        Path workDir,
        String memoryLimit,
        int threads,
        int ioThreads,
        Clock clock,
        boolean force) {

    public static ReporterOptions defaults() {
        return new ReporterOptions(
                null,
                null,
                10,
                400,
                LocalPaths.userTempRoot(),
                "512MB",
                Runtime.getRuntime().availableProcessors(),
                8,
                Clock.systemUTC(),
                false);
    }

    public ReporterOptions withMetric(String m, String dir) {
        if (dir != null && !dir.equals("max") && !dir.equals("min")) {
            throw new IllegalArgumentException("leaderboard direction must be 'max' or 'min', not '" + dir + "'");
        }
        return new ReporterOptions(m, dir, topK, curvePoints, workDir, memoryLimit, threads, ioThreads, clock, force);
    }

    public ReporterOptions withTopK(int k) {
        if (k < 1) throw new IllegalArgumentException("leaderboard size must be at least 1, not " + k);
        return new ReporterOptions(
                metric, direction, k, curvePoints, workDir, memoryLimit, threads, ioThreads, clock, force);
    }

    public ReporterOptions withWorkDir(Path p) {
        return new ReporterOptions(
                metric, direction, topK, curvePoints, p, memoryLimit, threads, ioThreads, clock, force);
    }

    public ReporterOptions withClock(Clock c) {
        return new ReporterOptions(
                metric, direction, topK, curvePoints, workDir, memoryLimit, threads, ioThreads, c, force);
    }

    public ReporterOptions withForce(boolean f) {
        return new ReporterOptions(
                metric, direction, topK, curvePoints, workDir, memoryLimit, threads, ioThreads, clock, f);
    }
}
