package io.runlake.functions.core;

import io.runlake.store.LocalPaths;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Tuning of compaction (defaults in brackets).
 *
 * @param workDir local folder for downloads, outputs and DuckDB's spill [java.io.tmpdir/runlake-&lt;user&gt;, private to the user]
 * @param memoryLimit DuckDB memory limit; sorts beyond it spill to workDir ["512MB"]
 * @param threads DuckDB threads [available processors]
 * @param rowGroupSize rows per Parquet row group of compacted files [500,000]
 * @param targetFileBytes size a merge aims for; files under half of it are "small" [128 MiB]
 * @param maxSmallFiles small files allowed per experiment before they are merged [8]
 * @param maxBatchBytes raw shard bytes compacted into one tier-0 file [128 MiB]
 * @param maxBatchShards raw shards compacted into one tier-0 file [10,000]
 * @param minBatchBytes compact only once this many uncovered bytes wait, unless {@code maxDelay} passed or
 *     a run with waiting shards has ended; 0 compacts whatever is there [0]
 * @param maxDelay the longest a shard waits for {@code minBatchBytes} [10 min]
 * @param deleteGrace covered raw shards and removed lake files are deleted this long after the commit
 *     (readers that listed before the commit can finish) [5 min]
 * @param orphanGrace unreferenced lake files (uploads whose commit lost or crashed) older than this are
 *     deleted; must exceed the longest compaction [1 h]
 * @param maxAttempts attempts per commit (lost races of the log), and batches redone because another compactor
 *     took their inputs, before giving up [50]
 * @param ioThreads parallel downloads [8]
 * @param clock time source (tests)
 * @param hook crash injection between steps (tests)
 */
public record CompactorOptions(
        Path workDir,
        String memoryLimit,
        int threads,
        long rowGroupSize,
        long targetFileBytes,
        int maxSmallFiles,
        long maxBatchBytes,
        int maxBatchShards,
        long minBatchBytes,
        Duration maxDelay,
        Duration deleteGrace,
        Duration orphanGrace,
        int maxAttempts,
        int ioThreads,
        Clock clock,
        StepHook hook) {

    public static final long MiB = 1024L * 1024;

    public static CompactorOptions defaults() {
        return new CompactorOptions(
                LocalPaths.userTempRoot(),
                "512MB",
                Runtime.getRuntime().availableProcessors(),
                500_000,
                128 * MiB,
                8,
                128 * MiB,
                10_000,
                0,
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                50,
                8,
                Clock.systemUTC(),
                StepHook.NONE);
    }

    /** For event-driven invocations: wait for 8 MiB of shards, 10 minutes, or the end of a run. */
    public CompactorOptions withWorkDir(Path p) {
        return new CompactorOptions(
                p,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withMemory(String limit, int duckThreads) {
        return new CompactorOptions(
                workDir,
                limit,
                duckThreads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withFiles(long targetBytes, int smallFiles, long rowGroup) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroup,
                targetBytes,
                smallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withBatch(long bytes, int shards) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                bytes,
                shards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withMinBatch(long bytes, Duration delay) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                bytes,
                delay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withGrace(Duration delete, Duration orphan) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                delete,
                orphan,
                maxAttempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withAttempts(int attempts) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                attempts,
                ioThreads,
                clock,
                hook);
    }

    public CompactorOptions withClock(Clock c) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                c,
                hook);
    }

    public CompactorOptions withHook(StepHook h) {
        return new CompactorOptions(
                workDir,
                memoryLimit,
                threads,
                rowGroupSize,
                targetFileBytes,
                maxSmallFiles,
                maxBatchBytes,
                maxBatchShards,
                minBatchBytes,
                maxDelay,
                deleteGrace,
                orphanGrace,
                maxAttempts,
                ioThreads,
                clock,
                h);
    }
}
