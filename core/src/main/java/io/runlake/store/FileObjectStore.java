package io.runlake.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local folder laid out exactly like the bucket. Put-if-absent writes the bytes to a temporary file in
 * {@code .runlake-tmp/}, fsyncs it, then hard-links it into place: {@code link(2)} fails atomically when
 * the target exists, so no reader ever sees a partial object and no object is ever replaced.
 */
public final class FileObjectStore implements ObjectStore {
    static final String TMP_DIR = ".runlake-tmp";

    private final Path root;
    private final URI uri;
    private final boolean privateFolders;

    public FileObjectStore(Path root) {
        this(root, false);
    }

    /**
     * A store over a folder that is this user's alone (a local copy of a bucket, such as the query cache):
     * folders it creates, its staging folder included, are 0700 where the file system is POSIX.
     */
    public static FileObjectStore privateCopy(Path root) {
        return new FileObjectStore(root, true);
    }

    private FileObjectStore(Path root, boolean privateFolders) {
        this.root = root.toAbsolutePath().normalize();
        this.uri = this.root.toUri();
        this.privateFolders = privateFolders;
    }

    /**
     * The staging folder, created on the first write (not when the store is opened), so that reading a store
     * never creates a file or folder in it, nor a store where there is none.
     */
    private Path stagingFolder() {
        Path tmp = root.resolve(TMP_DIR);
        try {
            if (privateFolders) LocalPaths.createPrivateDirectories(tmp);
            else Files.createDirectories(tmp);
            return tmp;
        } catch (AccessDeniedException e) {
            throw new StoreException("cannot create RunLake folder " + root + ": permission denied", e);
        } catch (IOException e) {
            throw new StoreException("cannot create RunLake folder " + root + ": " + e, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public boolean servedOnThisMachine() {
        return true;
    }

    /** The file of {@code key}; {@link UnsafeKeyException} for keys that would leave the root (LocalPaths). */
    private Path pathOf(String key) {
        Path p = LocalPaths.resolveKey(root, key);
        if (root.relativize(p).startsWith(TMP_DIR)) {
            throw new UnsafeKeyException(key, "points into the store's " + TMP_DIR + " folder", root);
        }
        return p;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return commit(key, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf);
                // fdatasync: the bytes and the size needed to read them back; the times are not worth a second write
                ch.force(false);
            }
        });
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        return commit(key, tmp -> {
            Files.copy(file, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
        });
    }

    private interface TmpWriter {
        void write(Path tmp) throws IOException;
    }

    private boolean commit(String key, TmpWriter writer) {
        Path target = pathOf(key);
        if (Files.exists(target)) return false;
        Path tmp = stagingFolder().resolve(LocalPaths.uniqueName() + ".tmp");
        try {
            writer.write(tmp);
            Files.createDirectories(target.getParent());
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) throw (IOException) e;
                if (Files.exists(target)) return false;
                // File systems without hard links: rename without replace (checked, not atomic; see FORMAT.md).
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                } catch (FileAlreadyExistsException e2) {
                    return false;
                }
            }
        } catch (NoSuchFileException e) {
            throw new StoreException("cannot write " + key + ": " + e.getMessage() + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new StoreException("cannot write " + key + " under " + root + ": permission denied", e);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot write " + key + " under " + root + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temp file is invisible to readers and harmless
            }
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(pathOf(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read " + key + ": " + e, e);
        }
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(Files.newInputStream(pathOf(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read " + key + ": " + e, e);
        }
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        Path source = pathOf(key);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return head(key);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot download " + key + ": " + e, e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path p = pathOf(key);
        try {
            return Optional.of(info(key, Files.readAttributes(p, BasicFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot stat " + key + ": " + e, e);
        }
    }

    private static ObjectInfo info(String key, BasicFileAttributes a) {
        // Objects are immutable, so size + modification time identify a version.
        String etag = Long.toHexString(a.size()) + "-"
                + Long.toHexString(a.lastModifiedTime().toMillis());
        return new ObjectInfo(key, a.size(), etag, a.lastModifiedTime().toInstant());
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return list(prefix, null);
    }

    /** Like S3's StartAfter, and folders whose every key sorts at or before {@code startAfter} are not walked. */
    @Override
    public List<ObjectInfo> listAfter(String prefix, String startAfter) {
        return list(prefix, startAfter);
    }

    @Override
    public List<String> listFolders(String prefix) {
        LocalPaths.requireSafePrefix(root, prefix);
        if (!prefix.endsWith("/")) return ObjectStore.super.listFolders(prefix);
        Path dir = root.resolve(prefix.substring(0, prefix.length() - 1));
        List<String> out = new ArrayList<>();
        try (var children = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : children) out.add(prefix + p.getFileName() + "/");
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot list " + prefix + " under " + root + ": " + e, e);
        }
        out.sort(null);
        return out;
    }

    private List<ObjectInfo> list(String prefix, String startAfter) {
        LocalPaths.requireSafePrefix(root, prefix);
        // Walk from the deepest existing folder that covers the prefix.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) return List.of();
        List<ObjectInfo> out = new ArrayList<>();
        // walkFileTree, not Files.walk: a file or folder deleted between reading its folder and stat-ing it (compaction
        // and maintenance delete concurrently) is skipped, as an S3 LIST would simply not return it.
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    String key = root.relativize(d).toString().replace('\\', '/');
                    if (key.startsWith(TMP_DIR)) return FileVisitResult.SKIP_SUBTREE;
                    String folder = key + "/";
                    boolean allBefore = startAfter != null
                            && !key.isEmpty()
                            && folder.compareTo(startAfter) < 0
                            && !startAfter.startsWith(folder);
                    return allBefore ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
                    if (a.isSymbolicLink()) {
                        // A link to a file lists as that file (as before); a dangling link is not an object.
                        try {
                            a = Files.readAttributes(p, BasicFileAttributes.class);
                        } catch (NoSuchFileException e) {
                            return FileVisitResult.CONTINUE;
                        }
                    }
                    String key = root.relativize(p).toString().replace('\\', '/');
                    if (a.isRegularFile()
                            && key.startsWith(prefix)
                            && (startAfter == null || key.compareTo(startAfter) > 0)) out.add(info(key, a));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) throw e;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // the start folder itself was deleted while listing: nothing under it
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot list " + prefix + " under " + root + ": " + e, e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(pathOf(key));
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot delete " + key + ": " + e, e);
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return uri.toString();
    }
}
