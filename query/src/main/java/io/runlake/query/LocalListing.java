package io.runlake.query;

import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectInfo;
import io.runlake.store.StoreUnavailableException;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The listing of a local folder laid out like the store — the same objects, keys, sizes, ETags and
 * last-modified times as {@link io.runlake.store.FileObjectStore#list}, but one {@code stat} per entry
 * ({@link Files#walkFileTree} hands the attributes to the visitor) instead of two, keys built from the path
 * string instead of {@code relativize}, and the sub-folders of the prefix walked in parallel (a lake of 100k
 * runs has some 300k folders; the walk is bound by system calls, not CPU).
 */
final class LocalListing {
    /** Staging folder of the file store (FileObjectStore.TMP_DIR): never listed. */
    private static final String TMP_DIR = ".runlake-tmp";

    private static final int THREADS = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);

    private LocalListing() {}

    /** Objects under {@code prefix} (a key prefix, usually a folder like {@code runs/}), sorted by key. */
    static List<ObjectInfo> list(Path root, String prefix) {
        return list(root, prefix, folder -> true);
    }

    /**
     * Objects under {@code prefix}, sorted by key, leaving out the folders two levels below it (under {@code runs/}: the
     * run folders) whose key {@code keepFolder} rejects; those are neither stat-ed nor walked.
     */
    static List<ObjectInfo> list(Path root, String prefix, Predicate<String> keepFolder) {
        Path absRoot = root.toAbsolutePath().normalize();
        LocalPaths.requireSafePrefix(absRoot, prefix); // never list outside the root
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? absRoot : absRoot.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) return List.of();
        int rootLen = absRoot.toString().length() + (absRoot.toString().endsWith(File.separator) ? 0 : 1);
        // Two levels of folders below the start (runs/experiment=*/run=*) are the units of parallel work.
        List<Path> units = new ArrayList<>();
        List<ObjectInfo> out = new ArrayList<>();
        try {
            expand(start, 2, units, out, prefix, rootLen, keepFolder);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot list " + prefix + " under " + root + ": " + e, e);
        }
        if (units.size() < 64) {
            for (Path u : units) out.addAll(walk(u, prefix, rootLen));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "runlake-list");
                t.setDaemon(true);
                return t;
            });
            try {
                int chunk = Math.max(16, units.size() / (THREADS * 8));
                List<Future<List<ObjectInfo>>> parts = new ArrayList<>();
                for (int i = 0; i < units.size(); i += chunk) {
                    List<Path> part = units.subList(i, Math.min(units.size(), i + chunk));
                    parts.add(pool.submit(() -> {
                        List<ObjectInfo> got = new ArrayList<>();
                        for (Path u : part) got.addAll(walk(u, prefix, rootLen));
                        return got;
                    }));
                }
                for (Future<List<ObjectInfo>> f : parts) out.addAll(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueryException("interrupted while listing " + root, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new StoreUnavailableException(
                        "cannot list " + prefix + " under " + root + ": " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /** Collects the folders {@code depth} levels below {@code dir} into {@code units}; files met on the way go to {@code out}. */
    private static void expand(
            Path dir,
            int depth,
            List<Path> units,
            List<ObjectInfo> out,
            String prefix,
            int rootLen,
            Predicate<String> keepFolder)
            throws IOException {
        if (depth == 0) {
            units.add(dir);
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            // the folder test goes by name, before any stat: a skipped run folder costs its directory entry only
            for (Path p : ds) if (depth > 1 || keepFolder.test(key(p, rootLen))) children.add(p);
        } catch (NoSuchFileException e) {
            return; // deleted while listing
        }
        for (Path p : children) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (a.isDirectory()) expand(p, depth - 1, units, out, prefix, rootLen, keepFolder);
            else add(p, a, out, prefix, rootLen);
        }
    }

    private static List<ObjectInfo> walk(Path dir, String prefix, int rootLen) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String key = key(d, rootLen);
                    return key.startsWith(TMP_DIR) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
                    add(p, a, out, prefix, rootLen);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // deleted while listing
                    throw e;
                }
            });
        } catch (NoSuchFileException e) {
            // deleted while listing
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot list " + prefix + ": " + e, e);
        }
        return out;
    }

    private static void add(Path p, BasicFileAttributes a, List<ObjectInfo> out, String prefix, int rootLen)
            throws IOException {
        if (a.isSymbolicLink()) {
            // FileObjectStore.list reads attributes following links: a link to a file lists as that file.
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return;
            }
        }
        if (!a.isRegularFile()) return;
        String key = key(p, rootLen);
        if (key.startsWith(TMP_DIR) || !key.startsWith(prefix)) return;
        String etag = Long.toHexString(a.size()) + "-"
                + Long.toHexString(a.lastModifiedTime().toMillis());
        out.add(new ObjectInfo(key, a.size(), etag, a.lastModifiedTime().toInstant()));
    }

    private static String key(Path p, int rootLen) {
        String s = p.toString();
        String k = s.length() <= rootLen ? "" : s.substring(rootLen);
        return File.separatorChar == '/' ? k : k.replace(File.separatorChar, '/');
    }
}
