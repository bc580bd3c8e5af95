package io.runlake.functions.core;

import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Local copies of immutable objects for DuckDB to read, downloaded in parallel through the object store
 * API and deleted on close. Objects never change, so a key downloaded once is reused. Everything lives in a
 * fresh 0700 folder; copies are 0600 and named by a counter, never by their key ({@link LocalPaths}).
 */
final class LocalFiles implements AutoCloseable {
    private final ObjectStore store;
    private final Path dir;
    private final int ioThreads;
    private final Map<String, Path> cache = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    LocalFiles(ObjectStore store, Path parent, int ioThreads) {
        this.store = store;
        this.ioThreads = Math.max(1, ioThreads);
        try {
            // the default parent is this user's own temp folder, made private; a configured one is left as it is
            if (parent.toAbsolutePath()
                    .normalize()
                    .equals(LocalPaths.userTempRoot().toAbsolutePath().normalize())) {
                LocalPaths.privateDirectory(parent);
            } else {
                LocalPaths.createPrivateDirectories(parent);
            }
            this.dir = Files.createTempDirectory(parent, "work-"); // 0700 on POSIX
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a work folder under " + parent + ": " + e, e);
        }
    }

    /** A fresh local folder inside this work area (for outputs and DuckDB's spill). */
    Path newDir(String name) {
        try {
            return LocalPaths.createPrivateDirectories(dir.resolve(name + "-" + counter.incrementAndGet()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir.resolve(name) + ": " + e, e);
        }
    }

    /**
     * Downloads every key (in parallel); a key whose object is gone maps to empty. Store errors propagate.
     */
    Map<String, Optional<Path>> fetchAll(List<String> keys) {
        Map<String, Optional<Path>> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            Path p = cache.get(k);
            if (p != null) out.put(k, Optional.of(p));
            else missing.add(k);
        }
        if (!missing.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(ioThreads, missing.size()), r -> {
                Thread t = new Thread(r, "runlake-download");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, Future<Optional<Path>>> futures = new LinkedHashMap<>();
                for (String k : missing) futures.put(k, pool.submit(() -> fetch(k)));
                for (Map.Entry<String, Future<Optional<Path>>> e : futures.entrySet()) {
                    out.put(e.getKey(), get(e.getValue()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Map<String, Optional<Path>> ordered = new LinkedHashMap<>();
        for (String k : keys) ordered.put(k, out.get(k));
        return ordered;
    }

    Optional<Path> fetch(String key) {
        Path cached = cache.get(key);
        if (cached != null) return Optional.of(cached);
        Path target = LocalPaths.resolveKey(dir, "o" + counter.incrementAndGet() + suffix(key));
        if (store.download(key, target).isEmpty()) return Optional.empty();
        try {
            LocalPaths.makePrivate(target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make " + target + " private: " + e, e);
        }
        cache.put(key, target);
        return Optional.of(target);
    }

    private static String suffix(String key) {
        int dot = key.lastIndexOf('.');
        return dot > key.lastIndexOf('/') ? key.substring(dot) : "";
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }

    /** Size of a local file, for comparing with a stored object. */
    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
