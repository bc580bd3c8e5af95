package io.runlake.client;

import io.runlake.client.internal.MetricPage;
import io.runlake.runs.SettledWatermark;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Tuning of the write path. Defaults: buffered points become a shard at most 30 s after the previous one (the
 * first five sooner, after 0.94, 1.9, 3.8, 7.5 and 15 s, and any shard sooner when half the buffer is full): 125
 * shard PUTs per worker-hour of steady logging (FORMAT.md §10.2, §15); a 32 MiB buffer of 64Ki-point pages, a heartbeat
 * every 60 s, spill folder {@code ~/.runlake/spill}, system metrics every 10 s, code version captured.
 *
 * @param flushInterval the age limit of buffered points: the longest wait between shards while points are buffered
 *     (the first five shards of a run come sooner, after 1/32, 1/16, … 1/2 of it); shorter means fresher readers and
 *     more PUTs
 * @param bufferBytes memory for buffered points; when it is full, further points are dropped and counted
 * @param pageCapacity points per buffer page
 * @param heartbeatInterval a quiet run logs {@code runlake/heartbeat} this often so readers can tell it is alive
 * @param spillRoot where objects wait while the store is unreachable
 * @param closeTimeout how long close/finish (and the shutdown hook) wait for the store to take the last writes;
 *     what it has not taken by then is written to the local spill and pushed by the next tracker on this store
 * @param shutdownHook record runs still open at JVM exit as KILLED
 * @param systemMetricsInterval how often CPU/memory/GPU use is logged as {@code system/...} metrics; zero turns it off
 * @param captureCode record the git commit, branch, remote and dirty diff of the working directory at run start
 * @param resumeSilence R of FORMAT.md §10.1: a run this process has not added to for this long (or has not added to
 *     yet and that is older than this) gets a {@code reopen} annotation before the next object [5 min]; tests shorten
 *     it together with the indexer's settle age, which must stay at least R + 2·M + twice the longest store request
 */
public record TrackerOptions(
        Duration flushInterval,
        long bufferBytes,
        int pageCapacity,
        Duration heartbeatInterval,
        Path spillRoot,
        Duration closeTimeout,
        boolean shutdownHook,
        Duration systemMetricsInterval,
        boolean captureCode,
        Duration resumeSilence) {

    public static final long DEFAULT_BUFFER_BYTES = 32L * 1024 * 1024;

    public TrackerOptions {
        if (flushInterval.isNegative() || flushInterval.isZero())
            throw new IllegalArgumentException("flushInterval must be positive");
        if (pageCapacity < 16) throw new IllegalArgumentException("pageCapacity must be at least 16");
        if (bufferBytes < 2 * MetricPage.bytesFor(pageCapacity)) {
            throw new IllegalArgumentException(
                    "bufferBytes " + bufferBytes + " holds fewer than 2 pages of " + pageCapacity + " points");
        }
    }

    public static TrackerOptions defaults() {
        return new TrackerOptions(
                Duration.ofSeconds(30),
                DEFAULT_BUFFER_BYTES,
                65_536,
                Duration.ofSeconds(60),
                Path.of(System.getProperty("user.home"), ".runlake", "spill"),
                Duration.ofSeconds(30),
                true,
                Duration.ofSeconds(10),
                true,
                SettledWatermark.DEFAULT_RESUME_SILENCE);
    }

    public TrackerOptions withFlushInterval(Duration d) {
        return new TrackerOptions(
                d,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withBuffer(long bytes, int pagePoints) {
        return new TrackerOptions(
                flushInterval,
                bytes,
                pagePoints,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withHeartbeatInterval(Duration d) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                d,
                spillRoot,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withSpillRoot(Path p) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                p,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withCloseTimeout(Duration d) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                d,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withShutdownHook(boolean on) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                on,
                systemMetricsInterval,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withSystemMetricsInterval(Duration d) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                shutdownHook,
                d,
                captureCode,
                resumeSilence);
    }

    public TrackerOptions withCaptureCode(boolean on) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                on,
                resumeSilence);
    }

    public TrackerOptions withResumeSilence(Duration d) {
        return new TrackerOptions(
                flushInterval,
                bufferBytes,
                pageCapacity,
                heartbeatInterval,
                spillRoot,
                closeTimeout,
                shutdownHook,
                systemMetricsInterval,
                captureCode,
                d);
    }

    /**
     * How long one write waits for the store before the object goes to the local spill instead: half the
     * close timeout, at most 10 s. A hung or crawling store costs the writer this once per outage.
     */
    Duration storeWait() {
        Duration half = closeTimeout.dividedBy(2);
        Duration max = Duration.ofSeconds(10);
        return half.compareTo(max) > 0 ? max : half.isZero() ? Duration.ofMillis(1) : half;
    }
}
