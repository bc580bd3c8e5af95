package io.runlake.client;

import io.runlake.client.internal.CodeVersion;
import io.runlake.client.internal.DefaultRun;
import io.runlake.client.internal.DurableWriter;
import io.runlake.client.internal.Environment;
import io.runlake.client.internal.Spill;
import io.runlake.format.FormatMarker;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.Names;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.format.RunStatus;
import io.runlake.format.WorkerStart;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.store.StoreUnavailableException;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.slf4j.LoggerFactory;

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
    private final Thread shutdownHook;

    private Tracker(ObjectStore store, TrackerOptions options) {
        this.store = store;
        this.options = options;
        // A store that is down or hangs at open does not stop training: objects spill until the marker
        // has been checked. A store of a newer format, or one that refuses us, fails the open.
        this.out = new DurableWriter(
                store,
                new Spill(options.spillRoot(), store.uri().toString()),
                options.storeWait(),
                () -> checkFormat(store));
        if (options.shutdownHook()) {
            shutdownHook = new Thread(this::killOpenRuns, "runlake-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
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

    public ObjectStore store() {
        return store;
    }

    public TrackerOptions options() {
        return options;
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
        Map<String, Object> environment = Environment.capture();
        Map<String, Object> code = new LinkedHashMap<>();
        byte[] diff = null;
        if (options.captureCode()) {
            CodeVersion.Capture captured =
                    CodeVersion.capture(Path.of(System.getProperty(CODE_DIR_PROPERTY, System.getProperty("user.dir"))));
            code.putAll(captured.fields());
            diff = captured.diff();
            if (diff != null) code.put("git_diff_sha256", sha256(diff));
        }
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
                environment,
                code.isEmpty() ? null : code);
        // start manifest first, then the pointer other workers use to find the run by id; a store that is
        // down or hangs gets them in this order from the spill, so the run never waits for storage
        out.write(Layout.startManifest(spec.experiment(), runId), Json.write(start));
        out.write(
                Layout.runIdPointer(runId),
                Json.write(new RunIdPointer(FormatVersion.CURRENT, spec.experiment(), runId)));
        DefaultRun run =
                new DefaultRun(out, options, spec.experiment(), runId, writerId, 0, spec.params(), open::remove);
        open.add(run);
        if (diff != null) logDiff(run, diff);
        return run;
    }

    /** The uncommitted changes, stored content-addressed like any artifact so the exact code can be rebuilt. */
    private static void logDiff(DefaultRun run, byte[] diff) {
        try {
            Path tmp = Files.createTempFile("runlake-code", ".diff");
            try {
                Files.write(tmp, diff);
                run.logArtifact(tmp, "code.diff");
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(Tracker.class).warn("RunLake: could not store the code diff: {}", e.toString());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
            pointer = store.get(Layout.runIdPointer(runId)).orElse(null);
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
        WorkerStart ws = new WorkerStart(
                FormatVersion.CURRENT,
                WorkerStart.KIND,
                experiment,
                runId,
                worker,
                writerId,
                System.currentTimeMillis(),
                Environment.capture());
        out.write(Layout.workerManifest(experiment, runId, worker, writerId), Json.write(ws));
        Map<String, Object> params = start.params() == null ? Map.of() : start.params();
        DefaultRun run = new DefaultRun(out, options, experiment, runId, writerId, worker, params, open::remove);
        open.add(run);
        return run;
    }

    /** Pushes objects left in the local spill (by this or an earlier process); returns how many are still waiting. */
    public int pushSpill() {
        return out.drain();
    }

    private void killOpenRuns() {
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        endOpenRuns(RunStatus.KILLED, deadline);
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
