package io.runlake.client;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.format.Names;
import io.runlake.format.RunEnd;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The write path of one process's part of a run. */
final class DefaultRun implements Run {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRun.class);
    /** Metric keys starting with this are written by RunLake itself. */
    static final String RESERVED_PREFIX = MetricSchema.RESERVED_KEY_PREFIX;
    static final String HEARTBEAT_KEY = RESERVED_PREFIX + "heartbeat";
    private static final int MAX_KEYS = 100_000;

    private final Tracker tracker;
    private final DurableWriter out;
    private final TrackerOptions options;
    private final String experiment;
    private final String runId;
    private final String writerId;
    private final int worker;
    private final MetricBuffer buffer;
    private final ConcurrentHashMap<String, Integer> keyIds = new ConcurrentHashMap<>();
    private final List<String> keyNames = new CopyOnWriteArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final ScheduledExecutorService writer;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final Object endLock = new Object();
    private final long startedNanos = System.nanoTime();
    private final SystemMetricsSampler sampler;
    private volatile RunStatus status;
    private long eventSeq;
    // atomic: after a close timeout the last tasks may run on the closing thread while the writer finishes
    private final java.util.concurrent.atomic.AtomicLong shardSeq = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong shardsWritten = new java.util.concurrent.atomic.AtomicLong();
    private long lastShardMs = System.currentTimeMillis();

    DefaultRun(Tracker tracker, DurableWriter out, TrackerOptions options, String experiment, String runId, String writerId,
               int worker, Map<String, Object> initialParams) {
        this.tracker = tracker;
        this.out = out;
        this.options = options;
        this.experiment = experiment;
        this.runId = runId;
        this.writerId = writerId;
        this.worker = worker;
        this.params.putAll(initialParams);
        int pages = options.pages();
        this.buffer = new MetricBuffer(options.pageCapacity(), pages, pages / 2, this::requestFlush);
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runlake-writer-" + runId.substring(20) + "-w" + worker);
            t.setDaemon(true);
            return t;
        });
        long every = options.flushInterval().toMillis();
        writer.scheduleWithFixedDelay(this::periodicFlush, every, every, TimeUnit.MILLISECONDS);
        this.sampler = startSampler(options.systemMetricsInterval());
    }

    private SystemMetricsSampler startSampler(java.time.Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) return null;
        try {
            return new SystemMetricsSampler(this, interval);
        } catch (Throwable t) {
            LOG.warn("RunLake: system metrics unavailable on this machine ({}); continuing without them", t.toString());
            return null;
        }
    }

    @Override
    public String id() {
        return runId;
    }

    @Override
    public String experiment() {
        return experiment;
    }

    @Override
    public int worker() {
        return worker;
    }

    String writerId() {
        return writerId;
    }

    // ---- params and tags -------------------------------------------------------------------------

    @Override
    public Run logParam(String name, Object value) {
        return logParams(Map.of(Names.requireKey("param name", name), value == null ? nullParam(name) : value));
    }

    private static Object nullParam(String name) {
        throw new IllegalArgumentException("param '" + name + "' has a null value");
    }

    @Override
    public Run logParams(Map<String, ?> newParams) {
        requireOpen("log params");
        Map<String, Object> fresh = new LinkedHashMap<>();
        synchronized (params) {
            for (Map.Entry<String, ?> e : newParams.entrySet()) {
                String name = Names.requireKey("param name", e.getKey());
                Object value = ParamValues.normalise(name, e.getValue());
                Object old = params.get(name);
                if (old != null) {
                    if (!ParamValues.same(old, value)) {
                        throw new IllegalArgumentException("param '" + name + "' is already " + old + " in run " + runId
                                + "; params are immutable, cannot change it to " + value);
                    }
                    continue;
                }
                fresh.put(name, value);
            }
            params.putAll(fresh);
        }
        if (!fresh.isEmpty()) {
            writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.PARAMS, experiment, runId, worker, writerId,
                    System.currentTimeMillis(), fresh, null, null, null));
        }
        return this;
    }

    @Override
    public Run setTag(String name, String value) {
        requireOpen("set tags");
        Names.requireKey("tag name", name);
        Names.requireTagValue(name, value);
        Map<String, String> t = new LinkedHashMap<>();
        t.put(name, value);
        writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.TAGS, experiment, runId, worker, writerId,
                System.currentTimeMillis(), null, t, null, null));
        return this;
    }

    @Override
    public Run deleteTag(String name) {
        requireOpen("delete tags");
        Names.requireKey("tag name", name);
        Map<String, String> t = new LinkedHashMap<>();
        t.put(name, null);
        writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.TAGS, experiment, runId, worker, writerId,
                System.currentTimeMillis(), null, t, null, null));
        return this;
    }

    void writeEvent(RunEvent event) {
        byte[] json = Json.write(event);
        writer.execute(() -> out.write(Layout.event(experiment, runId, worker, writerId, nextEventSeq()), json));
    }

    private synchronized long nextEventSeq() {
        return eventSeq++;
    }

    // ---- metrics: the hot path -----------------------------------------------------------------

    @Override
    public void log(String key, double value) {
        add(keyId(key), -1, value);
    }

    @Override
    public void log(String key, double value, long step) {
        if (step < 0) throw new IllegalArgumentException("step of metric '" + key + "' is negative: " + step);
        add(keyId(key), step, value);
    }

    @Override
    public void log(Map<String, ? extends Number> values, long step) {
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            log(e.getKey(), Objects.requireNonNull(e.getValue(), () -> "metric '" + e.getKey() + "' has a null value").doubleValue(), step);
        }
    }

    @Override
    public void log(Map<String, ? extends Number> values) {
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            log(e.getKey(), Objects.requireNonNull(e.getValue(), () -> "metric '" + e.getKey() + "' has a null value").doubleValue());
        }
    }

    private void add(int key, long step, double value) {
        if (status != null) {
            throw new IllegalStateException("run " + runId + " has ended (" + status + "); cannot log '" + keyNames.get(key) + "'");
        }
        buffer.add(key, step, System.currentTimeMillis(), value);
    }

    private int keyId(String key) {
        Integer id = keyIds.get(key);
        return id != null ? id : register(key, false);
    }

    private synchronized int register(String key, boolean internal) {
        Integer id = keyIds.get(key);
        if (id != null) return id;
        Names.requireKey("metric key", key);
        if (!internal && key.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("metric key '" + key + "' uses the reserved prefix '" + RESERVED_PREFIX + "'");
        }
        if (keyNames.size() >= MAX_KEYS) {
            throw new IllegalArgumentException("run " + runId + " already has " + MAX_KEYS + " metric keys; cannot add '" + key + "'");
        }
        int next = keyNames.size();
        keyNames.add(key);
        buffer.ensureKeys(next + 1);
        keyIds.put(key, next);
        return next;
    }

    // ---- background writing --------------------------------------------------------------------

    private void requestFlush() {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                writer.execute(() -> {
                    flushQueued.set(false);
                    writeShard();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushQueued.set(false);
            }
        }
    }

    private void periodicFlush() {
        try {
            long now = System.currentTimeMillis();
            if (status == null && now - lastShardMs >= options.heartbeatInterval().toMillis()) {
                buffer.add(register(HEARTBEAT_KEY, true), -1, now, (System.nanoTime() - startedNanos) / 1e9);
            }
            writeShard();
        } catch (Throwable t) {
            // keep the scheduled flush alive whatever happens
            LOG.error("RunLake: background flush of run {} failed", runId, t);
        }
    }

    /** Runs on the writer thread only. */
    private void writeShard() {
        List<MetricPage> pages = buffer.drain();
        if (pages.isEmpty()) return;
        byte[] shard;
        try {
            shard = ShardEncoder.encode(new ShardEncoder.Batch(experiment, runId, worker, pages, List.copyOf(keyNames)));
        } catch (Throwable t) {
            // Never expected; but a broken encoder must be loud and counted, not silently stop the writer.
            long lost = 0;
            for (MetricPage p : pages) lost += p.size;
            buffer.countDropped(lost);
            LOG.error("RunLake: cannot encode a shard of run {}; {} points lost", runId, lost, t);
            return;
        } finally {
            buffer.recycle(pages);
        }
        out.write(Layout.metricShard(experiment, runId, worker, writerId, shardSeq.getAndIncrement()), shard);
        shardsWritten.incrementAndGet();
        lastShardMs = System.currentTimeMillis();
    }

    @Override
    public void flush() {
        Future<?> f = writer.submit(this::writeShard);
        await(f, "flush");
    }

    // ---- artifacts -----------------------------------------------------------------------------

    @Override
    public ArtifactRef logArtifact(Path path) {
        return logArtifact(path, path.getFileName().toString());
    }

    @Override
    public ArtifactRef logArtifact(Path path, String name) {
        requireOpen("log artifacts");
        Names.requireKey("artifact name", name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("artifact " + path + (Files.exists(path) ? " is not a regular file" : " does not exist"));
        }
        // Copy while hashing: what is uploaded is exactly what was hashed, even if the caller rewrites the file next.
        Path staging = out.spill().stagingDir();
        Path tmp;
        String sha;
        long size;
        try {
            tmp = out.spill().newStagingFile(); // private (0600) in a private folder
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // plain file streams: unlike channel-backed ones, an interrupt of the training thread does not abort them
            try (InputStream in = new DigestInputStream(new java.io.FileInputStream(path.toFile()), md);
                 OutputStream os = new java.io.FileOutputStream(tmp.toFile())) {
                size = in.transferTo(os);
            }
            sha = HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new TrackerException("cannot read artifact " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String blobKey = Layout.artifactBlob(sha);
        Path staged;
        try {
            staged = out.spill().adopt(blobKey, tmp);
        } catch (IOException e) {
            throw new TrackerException("cannot stage artifact " + path + " in " + staging + ": " + e.getMessage(), e);
        }
        ArtifactRef ref = new ArtifactRef(name, sha, size, blobKey, false);
        writer.execute(() -> out.pushStaged(blobKey, staged));
        writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.ARTIFACT, experiment, runId, worker, writerId,
                System.currentTimeMillis(), null, null, new RunEvent.Artifact(name, sha, size, blobKey, false), null));
        return ref;
    }

    @Override
    public ArtifactRef logArtifactReference(String name, URI uri, String sha256, long size) {
        requireOpen("log artifacts");
        Names.requireKey("artifact name", name);
        Objects.requireNonNull(uri, "artifact reference uri");
        Names.requireUnicode("uri of artifact '" + name + "'", uri.toString());
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' of artifact '" + name + "' is not 64 lower-case hex digits");
        }
        if (size < 0) throw new IllegalArgumentException("size of artifact '" + name + "' is negative: " + size);
        String recorded = io.runlake.format.Redaction.redactUri(uri.toString()); // no user info or signed-URL tokens
        ArtifactRef ref = new ArtifactRef(name, sha256, size, recorded, true);
        writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.ARTIFACT, experiment, runId, worker, writerId,
                System.currentTimeMillis(), null, null, new RunEvent.Artifact(name, sha256, size, recorded, true), null));
        return ref;
    }

    // ---- data inputs and config files ----------------------------------------------------------

    @Override
    public RunEvent.Input logInput(String name, String location, String role) {
        requireOpen("log inputs");
        Names.requireKey("input name", name);
        if (role != null) Names.requireKey("input role", role);
        if (location != null) Names.requireUnicode("location of input '" + name + "'", location);
        RunEvent.Input input = DataInputs.describe(name, location, role);
        writeEvent(new RunEvent(FormatVersion.CURRENT, RunEvent.INPUT, experiment, runId, worker, writerId,
                System.currentTimeMillis(), null, null, null, input));
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

    void end(RunStatus endStatus, Throwable error) {
        Future<?> ending = beginEnd(endStatus, error);
        if (ending != null) awaitEnd(ending, System.nanoTime() + options.closeTimeout().toNanos());
    }

    /**
     * Marks the run ended and queues its last shard and end manifest behind everything already queued.
     *
     * @return the queued end, or null if the run had already ended
     */
    Future<?> beginEnd(RunStatus endStatus, Throwable error) {
        synchronized (endLock) {
            if (status != null) return null;
            status = endStatus;
        }
        if (sampler != null) sampler.close();
        RunEnd.ErrorInfo info = null;
        if (error != null) {
            StringWriter sw = new StringWriter();
            error.printStackTrace(new PrintWriter(sw));
            // messages often carry URLs (signed, or with credentials): FORMAT.md §7.2 "Redaction"; lone surrogates
            // cannot be stored as UTF-8 and become U+FFFD (§5)
            info = new RunEnd.ErrorInfo(error.getClass().getName(),
                    io.runlake.format.Redaction.redactText(Names.wellFormed(error.getMessage())),
                    io.runlake.format.Redaction.redactText(Names.wellFormed(sw.toString())));
        }
        RunEnd.ErrorInfo finalInfo = info;
        Future<?> ending = writer.submit(() -> {
            buffer.close();
            writeShard();
            RunEnd end = new RunEnd(FormatVersion.CURRENT, RunEnd.KIND, experiment, runId, worker, writerId, endStatus.name(),
                    System.currentTimeMillis(), finalInfo, buffer.added(), buffer.dropped(), shardsWritten.get());
            out.write(Layout.endManifest(experiment, runId, worker, writerId), Json.write(end));
        });
        writer.shutdown();
        return ending;
    }

    /**
     * Waits for the queued end until {@code deadlineNanos}. If the store has not taken everything by then,
     * the store is abandoned: the writer puts what is left (last shard, end manifest, queued events) into
     * the local spill, where this or the next process on the store pushes it. The writer is never
     * interrupted and nothing queued is discarded; an interrupt of the caller is restored on return.
     */
    void awaitEnd(Future<?> ending, long deadlineNanos) {
        boolean interrupted = false;
        try {
            interrupted = waitUntil(ending, deadlineNanos);
            if (!ending.isDone()) {
                LOG.warn("RunLake: run {} is still writing after {}; spilling the rest locally", runId, options.closeTimeout());
                out.abandonStore();
                // local disk only from here on: as long again is ample even on a busy machine
                interrupted |= waitUntil(ending, System.nanoTime() + options.closeTimeout().toNanos());
                if (!ending.isDone()) {
                    LOG.error("RunLake: run {} could not write its last objects to the spill folder {} in time",
                            runId, out.spill().dir());
                }
            }
            if (ending.isDone()) {
                try {
                    ending.get();
                } catch (ExecutionException e) {
                    LOG.error("RunLake: end of run {} failed", runId, e.getCause());
                } catch (java.util.concurrent.CancellationException | InterruptedException e) {
                    LOG.error("RunLake: end of run {} was cancelled", runId);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (buffer.dropped() > 0) {
            LOG.warn("RunLake: run {} dropped {} points because the buffer was full", runId, buffer.dropped());
        }
        tracker.runEnded(this);
    }

    /** Waits for {@code f} until the deadline, through interrupts. @return whether an interrupt arrived */
    private static boolean waitUntil(Future<?> f, long deadlineNanos) {
        boolean interrupted = false;
        while (!f.isDone()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) break;
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
                break;
            }
        }
        return interrupted;
    }

    /** Waits for a flush at most the close timeout; a store that hangs only delays it (the shard spills). */
    private void await(Future<?> f, String what) {
        try {
            f.get(options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("RunLake: {} of run {} is still writing after {}", what, runId, options.closeTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("RunLake: {} of run {} failed", what, runId, e.getCause());
        }
    }

    private void requireOpen(String action) {
        if (status != null) {
            throw new IllegalStateException("run " + runId + " has ended (" + status + "); cannot " + action);
        }
    }

}
