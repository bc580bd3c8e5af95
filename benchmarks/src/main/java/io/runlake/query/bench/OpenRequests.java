package io.runlake.query.bench;

import io.runlake.query.Mirror;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The requests a reader's refresh makes (FORMAT.md §13.1), cold (empty cache) then warm, counted as S3 would bill
 * them: the mirror runs over the store through a counting wrapper, and each LIST call counts as one page per 1,000 keys
 * returned (at least one). With an index margin of 10 minutes the reader lists from the runs index's watermark; with 11
 * minutes (larger than the indexer's) it lists everything, as readers did before watermarks.
 *
 * <pre>
 * java -cp benchmarks/target/runlake-benchmarks.jar io.runlake.query.bench.OpenRequests /tmp/bench-100k/lake 10
 * </pre>
 */
public final class OpenRequests {
    public static void main(String[] args) throws Exception {
        Path lake = Path.of(args[0]);
        long marginMs = Duration.ofMinutes(args.length > 1 ? Long.parseLong(args[1]) : 10)
                .toMillis();
        Path cache = Files.createTempDirectory("runlake-open-requests");
        try (ObjectStore real = new FileObjectStore(lake)) {
            for (String phase : List.of("cold", "warm")) {
                Counting store = new Counting(real);
                long t0 = System.nanoTime();
                Mirror.Result r = new Mirror(store, cache.resolve("store"), cache.resolve("manifest.json"), 8)
                        .syncFromWatermarks(Mirror.Progress.NONE, marginMs);
                System.out.printf(
                        Locale.ROOT,
                        "%s (margin %d min): %.2f s, LIST calls %d, LIST pages %d, GETs %d, keys listed %d, "
                                + "raw objects %d%n",
                        phase,
                        marginMs / 60_000,
                        (System.nanoTime() - t0) / 1e9,
                        store.listCalls.get(),
                        store.listPages.get(),
                        store.gets.get(),
                        r.listed(),
                        r.rawObjects().size());
            }
        } finally {
            try (Stream<Path> walk = Files.walk(cache)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Counts requests; reads and lists go to the real store. */
    private static final class Counting implements ObjectStore {
        final ObjectStore real;
        final AtomicLong listCalls = new AtomicLong(), listPages = new AtomicLong(), gets = new AtomicLong();

        Counting(ObjectStore real) {
            this.real = real;
        }

        private <T> List<T> listed(List<T> keys) {
            listCalls.incrementAndGet();
            listPages.addAndGet(Math.max(1, (keys.size() + 999) / 1000));
            return keys;
        }

        @Override
        public URI uri() {
            return real.uri();
        }

        @Override
        public boolean putIfAbsent(String key, byte[] data) {
            throw new UnsupportedOperationException("a reader writes nothing");
        }

        @Override
        public boolean putFileIfAbsent(String key, Path file) {
            throw new UnsupportedOperationException("a reader writes nothing");
        }

        @Override
        public Optional<byte[]> get(String key) {
            gets.incrementAndGet();
            return real.get(key);
        }

        @Override
        public Optional<InputStream> open(String key) {
            gets.incrementAndGet();
            return real.open(key);
        }

        @Override
        public Optional<ObjectInfo> download(String key, Path target) {
            gets.incrementAndGet();
            return real.download(key, target);
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            gets.incrementAndGet();
            return real.head(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return listed(real.list(prefix));
        }

        @Override
        public List<ObjectInfo> listAfter(String prefix, String startAfter) {
            return listed(real.listAfter(prefix, startAfter));
        }

        @Override
        public List<String> listFolders(String prefix) {
            return listed(real.listFolders(prefix));
        }

        @Override
        public void delete(String key) {
            throw new UnsupportedOperationException("a reader deletes nothing");
        }

        @Override
        public void close() {}
    }
}
