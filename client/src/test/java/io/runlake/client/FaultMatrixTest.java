package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runlake.format.Layout;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.FaultProxy;
import io.runlake.testing.FaultProxy.Fault;
import io.runlake.testing.Lakes;
import io.runlake.testing.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault × moment: a real S3 endpoint (S3Proxy over HTTP) behind a real TCP proxy that refuses, resets,
 * hangs, crawls, truncates, throttles, fails with 5xx or loses responses, switched on at run start, mid-run
 * or at close. After the store heals and the next tracker on the same spill pushes what waited there,
 * every point, event, artifact and the end manifest are in the store exactly once. Nothing here depends
 * on timing: a slower machine only moves more objects through the spill.
 */
class FaultMatrixTest {
    /**
     * When the fault starts: OPEN (before {@code Tracker.open}) and START (before {@code start()}) last the whole
     * run, MID_RUN ends before {@code finish()}, CLOSE lasts from {@code finish()} until after {@code close()}.
     */
    enum Moment {
        OPEN,
        START,
        MID_RUN,
        CLOSE
    }

    static final int POINTS = 6_000;
    static final double SUM = (double) POINTS * (POINTS - 1) / 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;
    private static FaultProxy proxy;
    private static int buckets;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.startNew();
        proxy = new FaultProxy(s3.endpoint());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        s3.close();
    }

    static Stream<Arguments> cells() {
        return Stream.of(Fault.values())
                .filter(f -> f != Fault.NONE)
                .flatMap(f -> Stream.of(Moment.values()).map(m -> Arguments.of(f, m)));
    }

    static TrackerOptions options(Path spill) {
        return TrackerOptions.defaults()
                .withFlushInterval(Duration.ofMillis(200))
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO)
                .withCloseTimeout(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cells")
    void nothingAcceptedIsLost(Fault fault, Moment moment) throws Exception {
        proxy.heal();
        String bucket = "faults" + (++buckets);
        URI direct = s3.newBucketUri(bucket, "lake");
        URI viaProxy = proxy.storeUri(bucket, "lake");
        Path spill = tmp.resolve("spill");
        Path model = Files.writeString(tmp.resolve("model.bin"), "weights " + fault + moment);
        Path data = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,2\n");
        String runId;
        long spilledMidRun = 0;
        if (moment == Moment.OPEN) proxy.set(fault);
        Tracker tracker = Tracker.open(viaProxy, options(spill));
        try {
            if (moment == Moment.START) proxy.set(fault);
            Run run = tracker.newRun("faults")
                    .param("lr", 0.1)
                    .tag("team", "vision")
                    .start();
            runId = run.id();
            for (int i = 0; i < POINTS / 3; i++) run.log("loss", i, i);
            run.flush();
            if (moment == Moment.MID_RUN) proxy.set(fault);
            for (int i = POINTS / 3; i < 2 * POINTS / 3; i++) run.log("loss", i, i);
            run.logParam("late", 7);
            run.setTag("phase", "two");
            run.logArtifact(model);
            run.logInput("train", data.toString(), "train");
            run.flush();
            for (int i = 2 * POINTS / 3; i < POINTS; i++) run.log("loss", i, i);
            if (moment == Moment.MID_RUN) {
                spilledMidRun = spilledObjects(spill);
                proxy.heal();
            }
            if (moment == Moment.CLOSE) proxy.set(fault);
            long t0 = System.nanoTime();
            run.finish();
            tracker.close();
            long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // bounded by the close timeout (2 s) and the store wait; generous so a busy machine cannot fail it
            assertTrue(closeMs < 30_000, "finish + close took " + closeMs + " ms against a store that " + fault);
        } finally {
            proxy.heal();
        }
        long spilled = Math.max(spilledMidRun, spilledObjects(spill));
        pushSpill(viaProxy, spill);
        assertRunComplete(direct, runId, "FINISHED", POINTS, 4, true);
        RESULTS.put(fault + " | " + moment, POINTS + " / " + POINTS + " | 4 / 4 | 1 | FINISHED | " + spilled);
    }

    /** One row per cell, written to target/fault-matrix.md for RELIABILITY.md. */
    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

    @AfterAll
    static void writeMatrix() throws IOException {
        StringBuilder md = new StringBuilder(
                "| fault | moment | points stored / logged | events | end manifests | status | objects in the spill when the store healed |\n"
                        + "|---|---|---|---|---|---|---|\n");
        RESULTS.forEach((cell, row) ->
                md.append("| ").append(cell).append(" | ").append(row).append(" |\n"));
        Files.writeString(Path.of("target", "fault-matrix.md"), md);
    }

    static long spilledObjects(Path spill) throws IOException {
        if (!Files.isDirectory(spill)) return 0;
        try (Stream<Path> files = Files.walk(spill)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/."))
                    .count();
        }
    }

    /** The next tracker on the same store and spill folder pushes what the last one left. */
    static void pushSpill(URI uri, Path spill) throws InterruptedException {
        try (Tracker next = Tracker.open(uri, options(spill))) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (next.pushSpill() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertEquals(0, next.pushSpill(), "spill not pushed");
        }
    }

    /** Every object of the run is in the store once, read back through S3 and DuckDB. */
    void assertRunComplete(URI direct, String runId, String status, long points, int events, boolean artifact)
            throws Exception {
        try (ObjectStore store = StoreUris.open(direct)) {
            String prefix = Layout.runPrefix("faults", runId);
            assertTrue(store.head(Layout.startManifest("faults", runId)).isPresent(), "start manifest lost");
            assertTrue(store.head(Layout.runIdPointer(runId)).isPresent(), "run-id pointer lost");
            Path lake = Lakes.mirror(store, Files.createDirectories(tmp.resolve("mirror-" + runId)));
            assertEquals(
                    List.of(List.of(points, points, points * (points - 1) / 2.0)),
                    query("select count(*), count(distinct step), sum(value) from read_parquet("
                            + lit(lake.resolve(prefix + "metrics/*.parquet"))
                            + ", hive_partitioning = false) where key = 'loss'"),
                    "points");
            List<ObjectInfo> ends = store.list(prefix + "end/");
            assertEquals(1, ends.size(), "end manifests");
            JsonNode end = JSON.readTree(store.get(ends.get(0).key()).orElseThrow());
            assertEquals(status, end.get("status").asText());
            assertEquals(0, end.get("points_dropped").asLong(), "dropped points");
            assertEquals(events, store.list(prefix + "events/").size(), "events");
            if (artifact) assertEquals(1, store.list(Layout.ARTIFACTS).size(), "artifact blobs");
        }
    }

    /**
     * The training thread is interrupted (a framework cancelling it) and then logs, stores an artifact and
     * ends the run while the store hangs: the interrupt aborts no write and is still set afterwards.
     */
    @Test
    void interruptsNeverCostAnObject() throws Exception {
        proxy.heal();
        String bucket = "interrupt" + (++buckets);
        URI direct = s3.newBucketUri(bucket, "lake");
        URI viaProxy = proxy.storeUri(bucket, "lake");
        Path spill = tmp.resolve("spill");
        Path model = Files.writeString(tmp.resolve("model.bin"), "weights interrupted");
        Path data = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,2\n");
        String runId;
        try (Tracker tracker = Tracker.open(viaProxy, options(spill))) {
            Run run = tracker.newRun("faults").param("lr", 0.1).start();
            runId = run.id();
            for (int i = 0; i < POINTS / 2; i++) run.log("loss", i, i);
            run.flush();
            Thread.currentThread().interrupt();
            for (int i = POINTS / 2; i < POINTS; i++) run.log("loss", i, i);
            run.logParam("late", 7);
            run.setTag("phase", "two");
            run.logArtifact(model);
            run.logInput("train", data.toString(), "train");
            proxy.set(Fault.HANG);
            run.finish();
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt was swallowed");
        } finally {
            Thread.interrupted();
            proxy.heal();
        }
        long spilled = spilledObjects(spill);
        pushSpill(viaProxy, spill);
        assertRunComplete(direct, runId, "FINISHED", POINTS, 4, true);
        RESULTS.put(
                "HANG + interrupted caller | CLOSE", POINTS + " / " + POINTS + " | 4 / 4 | 1 | FINISHED | " + spilled);
    }

    /**
     * The JVM exits (System.exit) while the store hangs: the shutdown hook records the run as KILLED within
     * its bound, and everything it could not store waits in the spill for the next process.
     */
    @Test
    void jvmExitWhileTheStoreHangsKeepsTheRun() throws Exception {
        jvmExit(Fault.HANG);
    }

    @Test
    void jvmExitWhileTheStoreRefusesKeepsTheRun() throws Exception {
        jvmExit(Fault.REFUSE);
    }

    private void jvmExit(Fault fault) throws Exception {
        proxy.heal();
        String bucket = "exit" + (++buckets);
        URI direct = s3.newBucketUri(bucket, "lake");
        URI viaProxy = proxy.storeUri(bucket, "lake");
        Path spill = tmp.resolve("spill");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY,
                        "-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY,
                        "-Daws.region=us-east-1",
                        ExitChild.class.getName(),
                        viaProxy.toString(),
                        spill.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String runId = null;
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {}
            assertTrue(line != null, "child did not start");
            runId = line.substring(6);
            proxy.set(fault);
            in.write("EXIT\n");
            in.flush();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "shutdown hook did not finish within its bound");
        } finally {
            child.destroyForcibly();
            proxy.heal();
        }
        long spilled = spilledObjects(spill);
        pushSpill(viaProxy, spill);
        assertRunComplete(direct, runId, "KILLED", ExitChild.POINTS, 1, false);
        RESULTS.put(
                fault + " | JVM exit (shutdown hook)",
                ExitChild.POINTS + " / " + ExitChild.POINTS + " | 1 / 1 | 1 | KILLED | " + spilled);
    }

    /** A training job that exits the JVM without closing its run when told to. */
    public static final class ExitChild {
        static final long POINTS = 5_000;

        public static void main(String[] args) throws Exception {
            Tracker tracker =
                    Tracker.open(URI.create(args[0]), options(Path.of(args[1])).withShutdownHook(true));
            Run run = tracker.newRun("faults").param("lr", 0.1).start();
            for (int i = 0; i < POINTS / 2; i++) run.log("loss", i, i);
            run.flush();
            System.out.println("READY " + run.id());
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (long i = POINTS / 2; i < POINTS; i++) run.log("loss", i, i);
            run.setTag("phase", "exit");
            System.exit(0); // no close: the shutdown hook ends the run
        }
    }
}
