package io.runlake.client;

import io.runlake.client.internal.CodeVersion;
import io.runlake.client.internal.DefaultRun;
import io.runlake.client.internal.DurableWriter;
import io.runlake.client.internal.Environment;
import io.runlake.client.internal.ReadYourWritesStore;
import io.runlake.client.internal.ResumeAnnouncingStore;
import io.runlake.client.internal.Spill;
import io.runlake.client.internal.StartJournal;
import io.runlake.format.FormatMarker;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.Names;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import io.runlake.registry.ModelRegistry;
import io.runlake.runs.Annotations;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.store.StoreUnavailableException;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point of the client: opens a store and starts or joins runs.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.open("s3://bucket/team");
 *      Run run = tracker.newRun("mnist").param("lr", 0.01).start()) {
 *     run.log("loss", 0.25);
 * }
 * }</pre>
 */
public final class Tracker implements AutoCloseable {
    /** Environment variables a launcher sets so that every worker joins the same run. */
    public static final String ENV_RUN_ID = "RUNLAKE_RUN_ID";

    public static final String ENV_WORKER = "RUNLAKE_WORKER";
    /** System property naming the folder whose git state is recorded; default the working directory. */
    public static final String CODE_DIR_PROPERTY = "runlake.code.dir";

    private final ObjectStore store;
    private final TrackerOptions options;
    private final DurableWriter out;
    private final Set<DefaultRun> open = ConcurrentHashMap.newKeySet();
    /** Whether this tracker has queued the shared environment object (§7.9): once is enough, it never changes. */
    private final AtomicBoolean environmentWritten = new AtomicBoolean();
    /** Code diffs this tracker has queued for upload: every run of a process records the same one. */
    private final Set<String> diffsWritten = ConcurrentHashMap.newKeySet();

    private final Thread shutdownHook;
    private Models models;

    private Tracker(ObjectStore raw, TrackerOptions options) {
        this.options = options;
        // every write of this tracker, spill and journal uploads included, resumes a silent run only after a reopen
        ObjectStore store = new ResumeAnnouncingStore(raw, options.resumeSilence());
        // A store that is down or hangs at open does not stop training: objects spill until the marker
        // has been checked. A store of a newer format, or one that refuses us, fails the open.
        this.out = new DurableWriter(
                store,
                new Spill(options.spillRoot(), store.uri().toString()),
                options.storeWait(),
                () -> checkFormat(store));
        // this tracker's own reads (annotate, join, the registry, sweeps, store()) see the runs it has finished
        this.store = new ReadYourWritesStore(store, out);
        prefetch(options.captureCode());
        if (options.shutdownHook()) {
            shutdownHook = new Thread(this::killOpenRuns, "runlake-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    /**
     * Captures the environment and code version on a daemon thread, so that the first run does not wait for OSHI,
     * nvidia-smi and git unless it starts at once; every later run reuses them.
     */
    private static void prefetch(boolean code) {
        Thread t = new Thread(
                () -> {
                    Environment.captured();
                    if (code) CodeVersion.captureOnce(codeDir());
                },
                "runlake-capture");
        t.setDaemon(true);
        t.start();
    }

    /** Opens the store named by {@code RUNLAKE_URI}, or the local folder {@code ./runlake-data}. */
    public static Tracker open() {
        return open(StoreUris.defaultUri(), TrackerOptions.defaults());
    }

    /** Opens {@code s3://bucket/prefix}, {@code file:///path} or a plain local folder path. */
    public static Tracker open(String uri) {
        return open(StoreUris.parse(uri), TrackerOptions.defaults());
    }

    public static Tracker open(URI uri, TrackerOptions options) {
        return open(StoreUris.open(uri), options);
    }

    /** Opens a tracker on an already opened store; the tracker closes it. */
    public static Tracker open(ObjectStore store, TrackerOptions options) {
        try {
            return new Tracker(store, options);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void checkFormat(ObjectStore store) {
        try {
            byte[] marker = store.get(Layout.FORMAT_MARKER).orElse(null);
            if (marker == null) {
                store.putIfAbsent(
                        Layout.FORMAT_MARKER,
                        Json.write(
                                new FormatMarker(FormatVersion.CURRENT, "runlake-client", System.currentTimeMillis())));
                marker = store.get(Layout.FORMAT_MARKER).orElseThrow();
            }
            FormatVersion.checkMarker(
                    marker, store.uri().toString()); // a newer store is refused before anything is written
        } catch (StoreUnavailableException e) {
            throw e; // not an answer: the writer spills and checks again later
        } catch (StoreException e) {
            throw new TrackerException("cannot open RunLake store " + store.uri() + ": " + e.getMessage(), e);
        }
    }

    public URI uri() {
        return store.uri();
    }

    /**
     * The store, as this tracker reads it: reads wait (at most the store wait) until the objects of runs it has
     * started or finished have left its journal, so they see those runs.
     */
    public ObjectStore store() {
        return store;
    }

    public TrackerOptions options() {
        return options;
    }

    /** The model registry of this store (FORMAT.md §16); opening it checks the store's format marker. */
    public synchronized Models models() {
        if (models == null) models = new Models(new ModelRegistry(store, System.getProperty("user.name")));
        return models;
    }

    /**
     * Registers the next version of {@code model} for an artifact {@code run} logged, recording {@code metrics} for
     * promotion conditions; shorthand for {@code models().registerVersion(...)}.
     */
    public ModelVersion registerModel(String model, Run run, ArtifactRef artifact, Map<String, Double> metrics) {
        return models().registerVersion(model, run, artifact, metrics, null, null);
    }

    public RunSpec newRun(String experiment) {
        return new RunSpec(this, Names.requireExperiment(experiment));
    }

    public Run startRun(String experiment) {
        return newRun(experiment).start();
    }

    /**
     * Runs {@code body} inside a new run: FINISHED if it returns, FAILED with the exception if it throws
     * (the exception is rethrown).
     */
    public <T> T run(RunSpec spec, RunBody<T> body) throws Exception {
        Run run = spec.start();
        try {
            T result = body.apply(run);
            run.finish();
            return result;
        } catch (Throwable t) {
            run.fail(t);
            throw t;
        }
    }

    @FunctionalInterface
    public interface RunBody<T> {
        T apply(Run run) throws Exception;
    }

    Run start(RunSpec spec) {
        String runId = RunIds.newId();
        String writerId = RunIds.newId();
        Environment.Captured environment = Environment.captured();
        CodeVersion.Capture code = options.captureCode() ? CodeVersion.captureOnce(codeDir()) : null;
        RunStart start = new RunStart(
                FormatVersion.CURRENT,
                RunStart.KIND,
                spec.experiment(),
                runId,
                spec.name(),
                spec.parentRunId(),
                System.currentTimeMillis(),
                0,
                writerId,
                spec.params(),
                spec.tags(),
                environment.inline(),
                code == null ? null : code.fields());
        // The shared environment (once per tracker), the start manifest, then the pointer other workers find the run
        // by: journaled now, written by the run's writer thread before anything else of the run (FORMAT.md §10.1).
        List<StartJournal.Entry> objects = new ArrayList<>(3);
        if (environmentWritten.compareAndSet(false, true)) {
            objects.add(new StartJournal.Entry(environment.sharedKey(), environment.sharedBytes()));
        }
        objects.add(new StartJournal.Entry(Layout.startManifest(spec.experiment(), runId), Json.write(start)));
        objects.add(new StartJournal.Entry(
                Layout.runIdPointer(runId),
                Json.write(new RunIdPointer(FormatVersion.CURRENT, spec.experiment(), runId))));
        DefaultRun run = new DefaultRun(
                out, options, spec.experiment(), runId, writerId, 0, spec.params(), out.journal(objects), open::remove);
        open.add(run);
        if (code != null && code.diff() != null) {
            // the uncommitted changes, content-addressed like any artifact so the exact code can be rebuilt
            run.logBlob("code.diff", code.diff(), code.diffSha256(), diffsWritten.add(code.diffSha256()));
        }
        return run;
    }

    private static Path codeDir() {
        return Path.of(System.getProperty(CODE_DIR_PROPERTY, System.getProperty("user.dir")));
    }

    /**
     * Notes, post-hoc tags, archive and restore for the run {@code runId}, written as annotations by the OS user
     * (FORMAT.md §8.4). Unlike {@link #joinRun}, this does not become one of the run's writers, so its status and
     * times do not change.
     *
     * @throws TrackerException when the run is not in the store or the store cannot be read
     */
    public Annotator annotate(String runId) {
        try {
            return new Annotator(
                    Annotations.forRun(store, runId, Annotations.currentUser(), java.time.Clock.systemUTC()));
        } catch (IllegalArgumentException | StoreException e) {
            throw new TrackerException("cannot annotate run " + runId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Joins a run created by another process (distributed training): this process logs as worker
     * {@code worker}, into shards of its own.
     */
    public Run joinRun(String runId, int worker) {
        RunIds.requireValid(runId);
        if (worker < 0 || worker > 99_999)
            throw new IllegalArgumentException("worker rank " + worker + " is outside 0..99999");
        byte[] pointer;
        try {
            pointer = awaitPointer(runId);
            if (pointer == null) {
                throw new TrackerException("run " + runId + " not found in " + store.uri());
            }
        } catch (StoreException e) {
            throw new TrackerException("cannot join run " + runId + " in " + store.uri() + ": " + e.getMessage(), e);
        }
        // both are refused when newer: joining must not misread a run created by a newer client
        RunIdPointer ptr = FormatVersion.readJson(pointer, RunIdPointer.class, Layout.runIdPointer(runId));
        String experiment = ptr.experiment();
        RunStart start = FormatVersion.readJson(
                store.get(Layout.startManifest(experiment, runId))
                        .orElseThrow(() ->
                                new TrackerException("run " + runId + " has no start manifest in " + store.uri())),
                RunStart.class,
                Layout.startManifest(experiment, runId));
        String writerId = RunIds.newId();
        reopenIfEnded(experiment, runId, writerId);
        Environment.Captured environment = Environment.captured();
        if (environmentWritten.compareAndSet(false, true))
            out.write(environment.sharedKey(), environment.sharedBytes());
        WorkerStart ws = new WorkerStart(
                FormatVersion.CURRENT,
                WorkerStart.KIND,
                experiment,
                runId,
                worker,
                writerId,
                System.currentTimeMillis(),
                environment.inline());
        out.write(Layout.workerManifest(experiment, runId, worker, writerId), Json.write(ws));
        Map<String, Object> params = start.params() == null ? Map.of() : start.params();
        DefaultRun run = new DefaultRun(out, options, experiment, runId, writerId, worker, params, null, open::remove);
        open.add(run);
        return run;
    }

    /**
     * Joining a run that already has an end manifest may add objects to a run a runs index holds as settled: a
     * {@code reopen} annotation, written before the worker manifest, makes readers list the run again (FORMAT.md
     * §10.1). A run with no end manifest yet has a writer that has not ended, so no index settles it before this
     * worker's manifest lands (or, if that is spilled, before its late upload announces itself).
     */
    private void reopenIfEnded(String experiment, String runId, String writerId) {
        try {
            if (store.list(Layout.runPrefix(experiment, runId) + "end/").isEmpty()) return;
            Annotations.reopen(store, experiment, runId, "joined by writer " + writerId);
        } catch (StoreException e) {
            throw new TrackerException("cannot join run " + runId + " in " + store.uri() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The run-id pointer, waiting up to the store wait for it: the creating process writes it in the background right
     * after {@code start()} returns (§10.1), so a worker launched at once may look before it lands.
     */
    private byte[] awaitPointer(String runId) {
        long deadline = System.nanoTime() + options.storeWait().toNanos();
        while (true) {
            byte[] pointer = store.get(Layout.runIdPointer(runId)).orElse(null);
            if (pointer != null || System.nanoTime() >= deadline) return pointer;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Pushes objects left in the local spill (by this or an earlier process); returns how many are still waiting. */
    public int pushSpill() {
        return out.drain();
    }

    private void killOpenRuns() {
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        endOpenRuns(RunStatus.KILLED, deadline);
        out.awaitJournaledWrites(deadline);
        out.drainUntil(deadline);
    }

    /**
     * Ends every open run at once and waits for all of them until one shared deadline, so N open runs
     * cost one close timeout, not N.
     */
    private void endOpenRuns(RunStatus status, long deadlineNanos) {
        Map<DefaultRun, Future<?>> ending = new LinkedHashMap<>();
        for (DefaultRun run : List.copyOf(open)) {
            Future<?> f = run.beginEnd(status, null);
            if (f != null) ending.put(run, f);
        }
        ending.forEach((run, f) -> run.awaitEnd(f, deadlineNanos));
    }

    /**
     * Ends runs still open as FINISHED and pushes the spill, within the close timeout: whatever the store
     * has not taken by then is in the local spill, uploaded by the next tracker that opens this store.
     * Then closes the store.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        endOpenRuns(RunStatus.FINISHED, deadline);
        // runs that ended with their end journaled: their last objects may still be on their way to the store
        out.awaitJournaledWrites(deadline);
        out.drainUntil(deadline);
        out.close();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down
            }
        }
        store.close();
    }
}
