package io.runlake.client.internal;

import io.runlake.client.ArtifactRef;
import io.runlake.client.Run;
import io.runlake.client.TrackerOptions;
import io.runlake.format.Layout;
import io.runlake.format.Names;
import io.runlake.format.Redaction;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The write path of one process's part of a run. The training thread only validates and buffers (see
 * {@link #log(String, double)}, the hot path); the pieces it wires together do the rest on the run's
 * {@link WriterThread}: {@link EventWriter} for params, tags, artifacts and inputs, {@link ShardWriter} and
 * {@link Heartbeat} for metrics, {@link ArtifactStager} for artifact files and {@link RunCloser} for the end.
 */
public final class DefaultRun implements Run {
    private final RunIdentity id;
    private final Consumer<DefaultRun> onEnded;
    private final DurableWriter out;
    private final RunParams params;
    private final MetricBuffer buffer;
    private final MetricKeys keys;
    private final WriterThread thread;
    private final EventWriter events;
    private final ShardWriter shards;
    private final Heartbeat heartbeat;
    private final FlushSchedule flushSchedule;
    private final ArtifactStager artifacts;
    private final RunCloser closer;
    /** The shared sampler's periodic readings for this run; null when system metrics are off. */
    private final ScheduledFuture<?> sampling;

    private final Duration closeTimeout;
    private final Object endLock = new Object();
    private volatile RunStatus status;

    /**
     * Starts writing as {@code writerId}, worker {@code worker} of run {@code runId}.
     *
     * @param initialParams the params the run already has (logging them again with the same value is allowed)
     * @param start objects of the run start the caller journaled: written before anything else of the run; may be null
     * @param onEnded called once this writer has ended and waited for its last objects
     */
    public DefaultRun(
            DurableWriter out,
            TrackerOptions options,
            String experiment,
            String runId,
            String writerId,
            int worker,
            Map<String, Object> initialParams,
            DurableWriter.Journaled start,
            Consumer<DefaultRun> onEnded) {
        this.id = new RunIdentity(experiment, runId, worker, writerId);
        this.onEnded = onEnded;
        this.out = out;
        this.closeTimeout = options.closeTimeout();
        this.params = new RunParams(runId, initialParams);
        int pages = MetricPage.pagesIn(options.bufferBytes(), options.pageCapacity());
        this.buffer = new MetricBuffer(options.pageCapacity(), pages, pages / 2, this::requestFlush);
        this.keys = new MetricKeys(runId, buffer);
        this.thread = new WriterThread(id, closeTimeout);
        if (start != null) { // first: readers rely on it (§10.1)
            thread.execute((WriterThread.JournaledWrite) () -> out.writeJournaled(start));
        }
        this.events = new EventWriter(id, out, thread);
        this.shards = new ShardWriter(id, buffer, keys, out);
        this.heartbeat = new Heartbeat(buffer, keys, shards, options.heartbeatInterval());
        this.artifacts = new ArtifactStager(out.spill());
        Duration interval = options.systemMetricsInterval();
        boolean sampled = interval != null && !interval.isZero() && !interval.isNegative();
        this.closer = new RunCloser(
                id, out, thread, buffer, shards, closeTimeout, sampled ? this::recordSystemMetrics : null);
        this.flushSchedule = new FlushSchedule(options.flushInterval(), shards::shardsWritten, shards::lastShardMillis);
        thread.schedule(() -> flushSchedule.nextCheckMillis(System.currentTimeMillis()), this::periodicFlush);
        this.sampling = sampled ? startSampling(interval) : null;
    }

    /**
     * System metrics at the start, every {@code interval}, and at the end (queued by the closer), so that a run
     * shorter than the interval still has two readings. Readings are taken and recorded on the sampler's and this
     * run's writer threads, never the caller's.
     */
    private ScheduledFuture<?> startSampling(Duration interval) {
        thread.execute((WriterThread.BufferOnly) this::recordSystemMetrics);
        return SystemMetricsSampler.shared().every(interval, sample -> {
            try {
                thread.execute((WriterThread.BufferOnly) () -> record(sample));
            } catch (RejectedExecutionException ended) {
                // the run has ended: its last reading is already queued
            }
        });
    }

    /** On the writer thread: a reading of the shared sampler into this run's buffer. */
    private void recordSystemMetrics() {
        record(SystemMetricsSampler.shared().sample());
    }

    /** On the writer thread, so it lands before the run's last shard when the end is queued behind it. */
    private void record(SystemMetricsSampler.Sample sample) {
        if (sample == null) return;
        long now = System.currentTimeMillis();
        for (int i = 0; i < sample.values().length; i++) {
            buffer.add(keys.idOf(sample.keys().get(i)), -1, now, sample.values()[i]);
        }
    }

    @Override
    public String id() {
        return id.runId();
    }

    @Override
    public String experiment() {
        return id.experiment();
    }

    @Override
    public int worker() {
        return id.worker();
    }

    // ---- params and tags -------------------------------------------------------------------------

    @Override
    public Run logParam(String name, Object value) {
        return logParams(Map.of(Names.requireKey("param name", name), RunArguments.requireParamValue(name, value)));
    }

    @Override
    public Run logParams(Map<String, ?> newParams) {
        requireOpen("log params");
        Map<String, Object> fresh = params.addNew(newParams);
        if (!fresh.isEmpty()) events.params(fresh);
        return this;
    }

    @Override
    public Run setTag(String name, String value) {
        requireOpen("set tags");
        RunArguments.requireTag(name, value);
        events.tags(tag(name, value));
        return this;
    }

    @Override
    public Run deleteTag(String name) {
        requireOpen("delete tags");
        Names.requireKey("tag name", name);
        events.tags(tag(name, null));
        return this;
    }

    private static Map<String, String> tag(String name, String value) {
        Map<String, String> t = new LinkedHashMap<>(); // Map.of takes no null (a deletion)
        t.put(name, value);
        return t;
    }

    // ---- metrics: the hot path -----------------------------------------------------------------

    @Override
    public void log(String key, double value) {
        add(keys.idOf(key), -1, value);
    }

    @Override
    public void log(String key, double value, long step) {
        add(keys.idOf(key), RunArguments.requireStep(key, step), value);
    }

    @Override
    public void log(Map<String, ? extends Number> values, long step) {
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            log(e.getKey(), RunArguments.metricValue(e), step);
        }
    }

    @Override
    public void log(Map<String, ? extends Number> values) {
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            log(e.getKey(), RunArguments.metricValue(e));
        }
    }

    private void add(int key, long step, double value) {
        if (status != null) {
            throw new IllegalStateException(
                    "run " + id.runId() + " has ended (" + status + "); cannot log '" + keys.name(key) + "'");
        }
        buffer.add(key, step, System.currentTimeMillis(), value);
    }

    private void requestFlush() {
        thread.requestFlush(shards::writeShard);
    }

    private void periodicFlush() {
        if (status == null) heartbeat.beatIfQuiet();
        if (flushSchedule.due(System.currentTimeMillis())) shards.writeShard();
    }

    @Override
    public void flush() {
        thread.flushAndWait(shards::writeShard);
    }

    // ---- artifacts, data inputs and config files -----------------------------------------------

    @Override
    public ArtifactRef logArtifact(Path path) {
        return logArtifact(path, path.getFileName().toString());
    }

    @Override
    public ArtifactRef logArtifact(Path path, String name) {
        requireOpen("log artifacts");
        RunArguments.requireArtifactFile(path, name);
        ArtifactStager.Staged staged = artifacts.stage(path);
        thread.execute(() -> out.pushStaged(staged.blobKey(), staged.file()));
        events.artifact(new RunEvent.Artifact(name, staged.sha256(), staged.size(), staged.blobKey(), false));
        return new ArtifactRef(name, staged.sha256(), staged.size(), staged.blobKey(), false);
    }

    /**
     * Records bytes already in memory as artifact {@code name} (the code diff): no staged copy is needed, since
     * nothing can change them.
     *
     * @param upload whether to write the blob: false when this process has written it already
     */
    public void logBlob(String name, byte[] data, String sha256, boolean upload) {
        requireOpen("log artifacts");
        String blobKey = Layout.artifactBlob(sha256);
        // before its event, as for every artifact
        if (upload) EventWriter.journalAndWrite(thread, out, new StartJournal.Entry(blobKey, data));
        events.artifact(new RunEvent.Artifact(name, sha256, data.length, blobKey, false));
    }

    @Override
    public ArtifactRef logArtifactReference(String name, URI uri, String sha256, long size) {
        requireOpen("log artifacts");
        RunArguments.requireArtifactReference(name, uri, sha256, size);
        String recorded = Redaction.redactUri(uri.toString()); // no user info or signed-URL tokens
        events.artifact(new RunEvent.Artifact(name, sha256, size, recorded, true));
        return new ArtifactRef(name, sha256, size, recorded, true);
    }

    @Override
    public RunEvent.Input logInput(String name, String location, String role) {
        requireOpen("log inputs");
        RunArguments.requireInput(name, location, role);
        RunEvent.Input input = DataInputs.describe(name, location, role);
        events.input(input);
        return input;
    }

    @Override
    public Map<String, Object> logConfig(Path configFile) {
        requireOpen("log config");
        Map<String, Object> flat = ConfigFiles.flatten(configFile);
        logArtifact(configFile, "config/" + configFile.getFileName());
        logParams(flat);
        return flat;
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    @Override
    public void finish() {
        end(RunStatus.FINISHED, null);
    }

    @Override
    public void fail(Throwable error) {
        end(RunStatus.FAILED, error);
    }

    @Override
    public void kill() {
        end(RunStatus.KILLED, null);
    }

    @Override
    public void close() {
        end(RunStatus.FINISHED, null);
    }

    @Override
    public RunStatus status() {
        return status;
    }

    @Override
    public long droppedPoints() {
        return buffer.dropped();
    }

    private void end(RunStatus endStatus, Throwable error) {
        RunCloser.Ending ending = beginEnding(endStatus, error);
        if (ending == null) return;
        if (ending.journaled()) {
            // safe in the journal like the run's start; the tracker's close waits for the store writes
            closer.warnIfDropped();
            onEnded.accept(this);
        } else {
            awaitEnd(ending.written(), System.nanoTime() + closeTimeout.toNanos());
        }
    }

    /**
     * Marks the run ended and queues its last shard and end manifest behind everything already queued.
     *
     * @return the queued end's writes, or null if the run had already ended
     */
    public Future<?> beginEnd(RunStatus endStatus, Throwable error) {
        RunCloser.Ending ending = beginEnding(endStatus, error);
        return ending == null ? null : ending.written();
    }

    private RunCloser.Ending beginEnding(RunStatus endStatus, Throwable error) {
        synchronized (endLock) {
            if (status != null) return null;
            status = endStatus;
        }
        if (sampling != null) sampling.cancel(false);
        return closer.queueEnd(endStatus, error);
    }

    /** Waits for the end queued by {@link #beginEnd} until {@code deadlineNanos} (see {@link RunCloser}). */
    public void awaitEnd(Future<?> ending, long deadlineNanos) {
        closer.awaitEnd(ending, deadlineNanos);
        onEnded.accept(this);
    }

    private void requireOpen(String action) {
        if (status != null) {
            throw new IllegalStateException("run " + id.runId() + " has ended (" + status + "); cannot " + action);
        }
    }
}
