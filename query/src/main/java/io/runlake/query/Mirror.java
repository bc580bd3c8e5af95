package io.runlake.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.lake.LakeLogException;
import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeTable;
import io.runlake.store.FileObjectStore;
import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.store.UnsafeKeyException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a local folder laid out exactly like the store, refreshed incrementally: one LIST of {@code runs/}
 * (first) and one of {@code lake/} (second, so the commit log is as new as the raw listing or newer: the
 * exactly-once rule of {@link io.runlake.lake.LakeView}), then a GET only for objects that are new or whose
 * ETag changed, and deletion of local copies whose objects disappeared. Lake files are fetched only while
 * live; the commit log always. Artifact blobs only on request. {@code manifest.json} beside the folder
 * records key → ETag. Listed keys that would leave the folder ({@code ..}, absolute, ...) are skipped with a
 * warning ({@link LocalPaths#resolveKey}); folders are created 0700 and files 0600.
 */
public final class Mirror {
    private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);
    /** Progress of a sync, for progress bars: objects done of total to fetch, bytes fetched. */
    public interface Progress {
        void update(long done, long total, long bytes);

        Progress NONE = (d, t, b) -> {};
    }

    /** One cached object. */
    public record Entry(String etag, long size, long lastModifiedMs) {}

    /** What a sync found and did. {@code rawObjects}: the listing of runs/ (in the order listed). */
    public record Result(
            List<ObjectInfo> rawObjects, int listed, int fetched, long bytesFetched, int deleted, int kept) {}

    /** The folder of the format marker (Layout.FORMAT_MARKER). */
    private static final String FORMAT_DIR = "_runlake/";

    private final ObjectStore store;
    private final Path root;
    private final Path manifestFile;
    private final int threads;

    public Mirror(ObjectStore store, Path root, Path manifestFile, int threads) {
        this.store = store;
        this.root = root.toAbsolutePath().normalize();
        this.manifestFile = manifestFile;
        this.threads = Math.max(1, threads);
    }

    public Path root() {
        return root;
    }

    /**
     * What the views read: runs/, the live files of lake/, _runlake/, environments/, annotations/, models/ and audit/ (purges of the versions' runs), plus
     * artifact blobs if asked.
     */
    public Result sync(boolean artifacts, Progress progress) {
        // environments/: lineage shows a run's whole environment, most of it in the shared object (FORMAT.md §7.9)
        List<String> extras = artifacts
                ? List.of(
                        FORMAT_DIR,
                        Layout.ENVIRONMENTS,
                        Layout.ANNOTATIONS,
                        Layout.MODELS,
                        Layout.AUDIT,
                        Layout.ARTIFACTS)
                : List.of(FORMAT_DIR, Layout.ENVIRONMENTS, Layout.ANNOTATIONS, Layout.MODELS, Layout.AUDIT);
        return sync(extras, progress);
    }

    /**
     * What the views read, as {@link #sync(boolean, Progress)}, listing {@code runs/} from the runs index's settled
     * watermarks and the tables' logs from the newest commit already copied (FORMAT.md §13.1, §13.3): a warm refresh
     * costs requests for what changed, not for every object ever written.
     *
     * @param indexMarginMs the reader's index margin (a watermark judged with a smaller one is not used)
     */
    public Result syncFromWatermarks(Progress progress, long indexMarginMs) {
        for (int attempt = 0; ; attempt++) {
            try {
                return syncFromWatermarksOnce(progress, indexMarginMs);
            } catch (ShardVanished e) {
                if (attempt >= 5)
                    throw new QueryException("the store keeps changing while it is read (" + e.getMessage() + ")");
            }
        }
    }

    private Result syncFromWatermarksOnce(Progress progress, long indexMarginMs) {
        Map<String, Entry> manifest = readManifest();
        Map<String, ObjectInfo> wanted = new LinkedHashMap<>();
        AtomicLong bytes = new AtomicLong();
        int[] listed = {0};
        java.util.function.Function<List<ObjectInfo>, List<ObjectInfo>> counted = l -> {
            listed[0] += l.size();
            return safe(l);
        };
        // The marker first: a store of a newer format is refused before anything else is fetched.
        List<ObjectInfo> marker = counted.apply(store.list(FORMAT_DIR));
        int fetched = fetch(marker, manifest, progress, bytes, 0, 0);
        checkMarker();
        // The runs log (for the watermarks) and the annotations (for the reopened runs), BEFORE the raw listing.
        fetched += fetchNewLog(LakeTable.RUNS, manifest, progress, bytes, wanted, counted);
        List<ObjectInfo> annotations = counted.apply(store.list(Layout.ANNOTATIONS));
        fetched += fetch(annotations, manifest, progress, bytes, 0, 0);
        RunsListing runs = RunsListing.of(
                FileObjectStore.privateCopy(root), RunsListing.reopenedRuns(root, annotations), indexMarginMs);
        List<ObjectInfo> raw = counted.apply(runs.list(store)); // FIRST of what the catalog reads: raw objects
        // SECOND: both tables' logs, from the newest commit copied, so the log is as new as the raw listing or newer
        for (LakeTable t : LakeTable.values()) fetched += fetchNewLog(t, manifest, progress, bytes, wanted, counted);
        List<ObjectInfo> legacy = counted.apply(store.list(LakeLayout.LOG));
        fetched += fetch(legacy, manifest, progress, bytes, 0, 0);
        for (ObjectInfo o : legacy) wanted.put(o.key(), o);
        // Live lake files are immutable and named by the log: fetched once, without listing lake/
        List<ObjectInfo> live = new ArrayList<>();
        Set<String> liveKeys;
        try {
            liveKeys = LakeSnapshot.liveKeysOfAllExperiments(FileObjectStore.privateCopy(root));
        } catch (LakeLogException ex) {
            liveKeys = Set.of(); // reported when the catalog is built
        }
        for (String key : liveKeys) {
            if (!LocalPaths.isSafeKey(key)) continue; // reported by the catalog
            Entry e = manifest.get(key);
            live.add(
                    e == null
                            ? new ObjectInfo(key, 0, "", null)
                            : new ObjectInfo(key, e.size(), e.etag(), Instant.ofEpochMilli(e.lastModifiedMs())));
        }
        List<ObjectInfo> rest = new ArrayList<>(live);
        for (ObjectInfo o : raw) if (Layout.parseRunObject(o.key()).isPresent()) rest.add(o);
        List<ObjectInfo> environments = counted.apply(store.list(Layout.ENVIRONMENTS));
        rest.addAll(environments);
        // the registry views (FORMAT.md §16.6) and the purges their versions' runs went through (§12.11)
        rest.addAll(safe(counted.apply(store.list(Layout.MODELS))));
        rest.addAll(safe(counted.apply(store.list(Layout.AUDIT))));
        fetched += fetch(rest, manifest, progress, bytes, 0, 0);
        for (List<ObjectInfo> l : List.of(marker, annotations, rest)) for (ObjectInfo o : l) wanted.put(o.key(), o);
        int deleted = deleteUnwanted(manifest, wanted.keySet());
        writeManifest(manifest);
        List<ObjectInfo> rawPresent =
                raw.stream().filter(o -> manifest.containsKey(o.key())).toList();
        return new Result(rawPresent, listed[0], fetched, bytes.get(), deleted, manifest.size());
    }

    /**
     * Lists a table's log from the newest commit already copied (all of it when none is) and fetches what is new; a
     * cold copy fetches the newest checkpoint and the commits after it only. Every local log file stays wanted: commits
     * and checkpoints are never rewritten (FORMAT.md §12.2).
     */
    private int fetchNewLog(
            LakeTable table,
            Map<String, Entry> manifest,
            Progress progress,
            AtomicLong bytes,
            Map<String, ObjectInfo> wanted,
            java.util.function.Function<List<ObjectInfo>, List<ObjectInfo>> counted) {
        String prefix = table.logPrefix();
        String newestCommit = null;
        for (Map.Entry<String, Entry> e : manifest.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) continue;
            Entry v = e.getValue();
            wanted.put(key, new ObjectInfo(key, v.size(), v.etag(), Instant.ofEpochMilli(v.lastModifiedMs())));
            if (key.endsWith(".json") && (newestCommit == null || key.compareTo(newestCommit) > 0)) newestCommit = key;
        }
        List<ObjectInfo> listed =
                counted.apply(newestCommit == null ? store.list(prefix) : store.listAfter(prefix, newestCommit));
        if (newestCommit == null) {
            String newestCheckpoint = null;
            for (ObjectInfo o : listed)
                if (o.key().endsWith(".checkpoint.parquet")) newestCheckpoint = o.key(); // key order = version order
            if (newestCheckpoint != null) {
                String from = newestCheckpoint.substring(0, newestCheckpoint.indexOf('.', prefix.length()));
                listed = listed.stream()
                        .filter(o -> o.key().compareTo(from) >= 0)
                        .toList();
            }
        }
        for (ObjectInfo o : listed) wanted.put(o.key(), o);
        return fetch(listed, manifest, progress, bytes, 0, 0);
    }

    /**
     * The whole store, as {@code runlake sync} promises: also run-ids/, environments/ and reports/, and the artifact blobs
     * unless {@code artifacts} is false. Lake files that compaction has replaced (no longer live) are left out.
     */
    public Result syncWholeStore(boolean artifacts, Progress progress) {
        List<String> extras = new ArrayList<>(List.of(
                FORMAT_DIR,
                Layout.RUN_IDS,
                Layout.ENVIRONMENTS,
                Layout.ANNOTATIONS,
                Layout.REPORTS,
                Layout.MODELS,
                Layout.AUDIT,
                Layout.SWEEPS));
        if (artifacts) extras.add(Layout.ARTIFACTS);
        return sync(extras, progress);
    }

    /** Mirrors the store at {@code uri} into {@code folder} (incrementally) so plain DuckDB can read it. */
    static Result copyStore(URI uri, Path folder, boolean artifacts, Progress progress) {
        try (ObjectStore store = StoreUris.open(uri)) {
            Path abs = folder.toAbsolutePath().normalize();
            if (store instanceof FileObjectStore fs && fs.root().equals(abs)) {
                throw new QueryException("cannot sync " + uri + " into itself");
            }
            Mirror m = new Mirror(store, abs, abs.resolve(".runlake-sync.json"), 8);
            Result result = m.syncWholeStore(artifacts, progress);
            if (result.listed() == 0) throw QueryException.noStore(StoreUris.display(uri, ""));
            return result;
        }
    }

    private Result sync(List<String> extraPrefixes, Progress progress) {
        for (int attempt = 0; ; attempt++) {
            try {
                return syncOnce(extraPrefixes, progress);
            } catch (ShardVanished e) {
                // A listed shard was deleted before we fetched it: a newer commit covers it. List again.
                if (attempt >= 5)
                    throw new QueryException("the store keeps changing while it is read (" + e.getMessage() + ")");
            }
        }
    }

    /** Adds to {@code wanted} the lake files (and runs indexes) live in the table logs fetched into the folder. */
    private void addLiveFiles(Map<String, ObjectInfo> lakeByKey, Map<String, ObjectInfo> wanted) {
        Set<String> live;
        try {
            live = LakeSnapshot.liveKeysOfAllExperiments(FileObjectStore.privateCopy(root));
        } catch (LakeLogException ex) {
            return; // reported when the catalog is built
        }
        for (String key : live) {
            ObjectInfo o = lakeByKey.get(key);
            if (o != null) wanted.put(key, o);
        }
    }

    /** Deletes the local copies (and manifest entries) of objects no longer wanted; returns how many. */
    private int deleteUnwanted(Map<String, Entry> manifest, Set<String> wanted) {
        int deleted = 0;
        for (String key : new ArrayList<>(manifest.keySet())) {
            if (!wanted.contains(key)) {
                try {
                    if (LocalPaths.isSafeKey(key)) Files.deleteIfExists(LocalPaths.resolveKey(root, key));
                } catch (IOException | IllegalArgumentException ignored) {
                    // retried next time; an unsafe key (from an old manifest) names no file of ours
                }
                manifest.remove(key);
                deleted++;
            }
        }
        return deleted;
    }

    /** The tables' logs, and the older RunLake log (kept so a copy of an un-upgraded store says so). */
    private static boolean isLog(String key) {
        return key.startsWith(LakeLayout.LOG) || LakeTable.ofLogKey(key).isPresent();
    }

    private static final class ShardVanished extends RuntimeException {
        ShardVanished(String key) {
            super("object " + key + " disappeared while syncing");
        }
    }

    private Result syncOnce(List<String> extraPrefixes, Progress progress) {
        Map<String, Entry> manifest = readManifest();
        List<ObjectInfo> listedRaw = store.list(Layout.RUNS); // FIRST: raw objects
        List<ObjectInfo> listedLake = store.list(LakeLayout.LAKE); // SECOND: the commit log (and lake files)
        List<ObjectInfo> listedExtra = new ArrayList<>();
        for (String prefix : extraPrefixes) listedExtra.addAll(store.list(prefix));
        int listedCount = listedRaw.size() + listedLake.size() + listedExtra.size();
        // A key that would leave the local folder ("..", absolute, ...) is skipped, never written; the rest syncs.
        List<ObjectInfo> raw = safe(listedRaw);
        List<ObjectInfo> lake = safe(listedLake);
        List<ObjectInfo> extra = safe(listedExtra);
        Map<String, ObjectInfo> wanted = new LinkedHashMap<>();
        Map<String, ObjectInfo> lakeByKey = new LinkedHashMap<>();
        for (ObjectInfo o : lake) lakeByKey.put(o.key(), o);
        AtomicLong bytes = new AtomicLong();
        // The marker first: a store of a newer format is refused before anything else is fetched.
        int fetched = fetch(
                extra.stream().filter(o -> o.key().equals(Layout.FORMAT_MARKER)).toList(),
                manifest,
                progress,
                bytes,
                0,
                0);
        checkMarker();
        // The log next: it decides which lake files are live.
        List<ObjectInfo> log = lake.stream().filter(o -> isLog(o.key())).toList();
        fetched += fetch(log, manifest, progress, bytes, 0, 0);
        for (ObjectInfo o : log) wanted.put(o.key(), o);
        addLiveFiles(lakeByKey, wanted);
        List<ObjectInfo> rest = new ArrayList<>();
        for (ObjectInfo o : raw) {
            if (Layout.parseRunObject(o.key()).isPresent()) rest.add(o);
        }
        for (ObjectInfo o : wanted.values()) if (!isLog(o.key())) rest.add(o);
        rest.addAll(extra);
        fetched += fetch(rest, manifest, progress, bytes, 0, 0);
        for (ObjectInfo o : rest) wanted.put(o.key(), o);
        int deleted = deleteUnwanted(manifest, wanted.keySet());
        writeManifest(manifest);
        List<ObjectInfo> rawPresent =
                raw.stream().filter(o -> manifest.containsKey(o.key())).toList();
        return new Result(rawPresent, listedCount, fetched, bytes.get(), deleted, manifest.size());
    }

    /** The listed objects whose keys can be stored under the root; each other key is skipped with a warning. */
    private List<ObjectInfo> safe(List<ObjectInfo> listed) {
        List<ObjectInfo> out = new ArrayList<>(listed.size());
        for (ObjectInfo o : listed) {
            try {
                LocalPaths.resolveKey(root, o.key()); // throws, naming the key and the reason
                out.add(o);
            } catch (UnsafeKeyException e) {
                LOG.warn("RunLake: {}; object skipped, the rest of the sync continues", e.getMessage());
            }
        }
        return out;
    }

    private void checkMarker() {
        Path marker = root.resolve(Layout.FORMAT_MARKER);
        try {
            FormatVersion.checkMarker(
                    Files.exists(marker) ? Files.readAllBytes(marker) : null,
                    store.uri().toString());
        } catch (IOException e) {
            throw new QueryException(
                    "cannot read the local copy of " + Layout.FORMAT_MARKER + ": " + e.getMessage(), e);
        }
    }

    /** Fetches objects that are new or changed; returns how many were fetched. */
    private int fetch(
            List<ObjectInfo> objects,
            Map<String, Entry> manifest,
            Progress progress,
            AtomicLong bytes,
            int unused1,
            int unused2) {
        List<ObjectInfo> todo = new ArrayList<>();
        for (ObjectInfo o : objects) {
            Entry e = manifest.get(o.key());
            if (e == null || !e.etag().equals(o.etag()) || !Files.exists(LocalPaths.resolveKey(root, o.key())))
                todo.add(o);
        }
        if (todo.isEmpty()) return 0;
        long total = todo.size();
        AtomicLong done = new AtomicLong();
        progress.update(0, total, bytes.get());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, todo.size()), r -> {
            Thread t = new Thread(r, "runlake-sync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Optional<ObjectInfo>>> futures = new ArrayList<>();
            for (ObjectInfo o : todo) {
                futures.add(pool.submit(() -> {
                    Path target = LocalPaths.resolveKey(root, o.key());
                    // unique per process: two syncs of one cache must not share a temporary file
                    Path tmp =
                            target.resolveSibling("." + target.getFileName() + "." + LocalPaths.uniqueName() + ".part");
                    LocalPaths.createPrivateDirectories(target.getParent()); // 0700 folders, 0600 files
                    Optional<ObjectInfo> got = store.download(o.key(), tmp);
                    if (got.isPresent()) {
                        LocalPaths.makePrivate(tmp);
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                    bytes.addAndGet(o.size());
                    progress.update(done.incrementAndGet(), total, bytes.get());
                    return got;
                }));
            }
            int n = 0;
            for (int i = 0; i < todo.size(); i++) {
                ObjectInfo o = todo.get(i);
                Optional<ObjectInfo> got = get(futures.get(i));
                if (got.isEmpty()) {
                    if (o.key().startsWith(Layout.RUNS) || o.key().startsWith(LakeLayout.METRICS))
                        throw new ShardVanished(o.key());
                    continue;
                }
                long lm = o.lastModified() == null ? 0 : o.lastModified().toEpochMilli();
                synchronized (manifest) {
                    manifest.put(o.key(), new Entry(o.etag(), o.size(), lm));
                }
                n++;
            }
            return n;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException("interrupted while syncing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new QueryException("sync failed: " + e.getCause(), e.getCause());
        }
    }

    private Map<String, Entry> readManifest() {
        if (!Files.exists(manifestFile)) return new TreeMap<>();
        try {
            Map<String, Entry> m = Json.MAPPER.readValue(
                    Files.readAllBytes(manifestFile), new TypeReference<TreeMap<String, Entry>>() {});
            return m == null ? new TreeMap<>() : m;
        } catch (IOException e) {
            return new TreeMap<>(); // a broken manifest only costs a full refetch
        }
    }

    private void writeManifest(Map<String, Entry> manifest) {
        try {
            LocalPaths.createPrivateDirectories(manifestFile.toAbsolutePath().getParent());
            Path tmp = manifestFile.resolveSibling(manifestFile.getFileName() + "." + LocalPaths.uniqueName() + ".tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(manifest));
            LocalPaths.makePrivate(tmp);
            Files.move(tmp, manifestFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new QueryException("cannot write the cache manifest " + manifestFile + ": " + e.getMessage(), e);
        }
    }
}
