package io.runlake.registry;

import io.runlake.format.AliasEvent;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.RunEvent;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One registering process of the two-process race (ModelRegistrySuite): threads that each register versions of one
 * model and move one alias to each version they registered. Run in the test's JVM and, as {@link #main}, in a second
 * JVM, so that two processes with their own clocks and id generators write at once.
 */
public final class RegistrarProcess {
    static final String MODEL = "fraud";
    static final String ALIAS = "champion";
    /** A failure guard only: the race itself takes seconds. */
    static final Duration GUARD = Duration.ofMinutes(3);

    private RegistrarProcess() {}

    /**
     * Args: store URI, process name, threads, versions per thread, run id, artifact sha256, artifact size, ready file
     * (created once the store is open), start file (the race starts when it exists). Prints one line per write:
     * {@code V <version>} for a registration, {@code A <actor> <version>} for an alias move.
     */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        RunEvent.Artifact a = new RunEvent.Artifact("model.bin", args[5], Long.parseLong(args[6]), null, false);
        try (ObjectStore store = StoreUris.open(uri)) {
            store.head(Layout.artifactBlob(
                    a.sha256())); // a first request, so the race does not measure the client's start
            Files.createFile(Path.of(args[7]));
            awaitFile(Path.of(args[8]));
            for (String line : race(store, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4], a)) {
                System.out.println(line);
            }
        }
    }

    /** Starts the threads at once, each registering then moving the alias; every write, as a line. */
    static List<String> race(
            ObjectStore store, String process, int threads, int versionsEach, String runId, RunEvent.Artifact a)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = process + "-t" + t;
                ModelRegistry registry = new ModelRegistry(store, actor);
                futures.add(pool.submit(() -> {
                    start.await();
                    List<String> lines = new ArrayList<>();
                    for (int i = 0; i < versionsEach; i++) {
                        ModelVersion v = registry.registerVersion(
                                new ModelRegistry.NewVersion(MODEL, runId, a, null, null, Map.of("auc", 0.5)));
                        lines.add("V " + v.version());
                        AliasEvent e = registry.setAlias(MODEL, ALIAS, v.version(), "race", null);
                        lines.add("A " + e.setBy() + " " + e.version());
                    }
                    return lines;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : futures) all.addAll(f.get());
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for a file another process creates (polling: the processes share nothing else), up to the guard. */
    static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("gave up waiting for " + file);
            Thread.sleep(5);
        }
    }
}
