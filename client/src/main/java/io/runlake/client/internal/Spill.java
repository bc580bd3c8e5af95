package io.runlake.client.internal;

import io.runlake.format.Layout;
import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects that could not be written to the store wait here, laid out under their own keys, until the
 * store is reachable again. One folder per store URI, so a later process (or {@code runlake}) pushes what
 * a crashed one left behind. Upload is put-if-absent and idempotent, so pushing twice is harmless.
 */
public final class Spill {
    private static final Logger LOG = LoggerFactory.getLogger(Spill.class);

    private final Path dir;

    private final Path staging;
    private static final String CONFLICTS = ".conflicts";

    public Spill(Path spillRoot, String storeUri) {
        // file:///x and file:///x/ are the same store
        String id = hash(storeUri.replaceAll("/+$", ""));
        this.dir = spillRoot.resolve(id);
        this.staging = spillRoot.resolve(id + ".staging");
    }

    Path dir() {
        return dir;
    }

    /** Where artifact copies are hashed before they become spilled objects; never uploaded from here. */
    Path stagingDir() {
        return staging;
    }

    /** A new empty file (0600) in the staging folder (0700), for an artifact copy being hashed. */
    Path newStagingFile() throws IOException {
        LocalPaths.privateDirectory(staging);
        return Files.createTempFile(staging, "", ".part"); // 0600 on POSIX
    }

    /**
     * The spill file of {@code key}, its folders created private (0700). Keys that would leave the spill folder
     * ({@code ..}, absolute, ...) are rejected with {@link io.runlake.store.UnsafeKeyException}.
     */
    private Path target(String key) throws IOException {
        Path target = LocalPaths.resolveKey(dir, key);
        LocalPaths.privateDirectory(dir);
        LocalPaths.createPrivateDirectories(target.getParent());
        return target;
    }

    /** Moves a staged file into the spill as {@code key} (replacing an identical earlier copy); 0600. */
    Path adopt(String key, Path file) throws IOException {
        Path target = target(key);
        LocalPaths.makePrivate(file);
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Writes {@code data} durably (fsync, then an atomic rename) under {@code key}. An interrupt of the calling
     * thread does not abort it: interruptible channels would close mid-write and lose the object.
     */
    void put(String key, byte[] data) throws IOException {
        writeDurably(target(key), out -> out.write(data));
    }

    void putFile(String key, Path file) throws IOException {
        writeDurably(target(key), out -> Files.copy(file, out));
    }

    /** Keeps an object whose key the store holds with other content (a dot folder the drain skips), for a person to look at. */
    void setAside(String key, byte[] data) {
        Path aside;
        try {
            aside = LocalPaths.resolveKey(dir.resolve(CONFLICTS), key);
            LocalPaths.createPrivateDirectories(aside.getParent());
            writeDurably(aside, out -> out.write(data));
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "RunLake: cannot keep conflicting object {} in {}: {}", key, dir.resolve(CONFLICTS), e.toString());
            return;
        }
        LOG.error("RunLake: {} already holds a different object at {}; ours is kept in {}", dir, key, aside);
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void writeDurably(Path target, Content content) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            Path tmp = target.resolveSibling("." + LocalPaths.uniqueName() + ".spilling");
            Files.createFile(tmp, LocalPaths.privateFileAttributes(tmp)); // 0600 from the start
            // FileOutputStream, not a FileChannel: its write and sync are not interruptible.
            // fsync before the rename: after a host crash a spilled object is whole or absent, never truncated.
            try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
                content.writeTo(out);
                out.getFD().sync();
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    boolean isEmpty() {
        return pending().isEmpty();
    }

    /**
     * Spilled objects in upload order: start manifests and run-id pointers first, end manifests last, so a
     * reader that sees a run's end already sees its shards and events; otherwise key order.
     */
    List<Path> pending() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !dir.relativize(p).startsWith(CONFLICTS))
                    .filter(p -> !dir.relativize(p).startsWith(StartJournal.FOLDER))
                    .sorted(Comparator.comparingInt((Path p) -> uploadRank(keyOf(p)))
                            .thenComparing(Path::toString))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    private String keyOf(Path spilled) {
        return dir.relativize(spilled).toString().replace('\\', '/');
    }

    private static int uploadRank(String key) {
        if (key.startsWith(Layout.RUN_IDS)) return 0;
        return Layout.parseRunObject(key)
                .map(o -> switch (o.kind()) {
                    case START -> 0;
                    case WORKER -> 1;
                    case EVENT, SHARD -> 2;
                    case END -> 3;
                })
                .orElse(2);
    }

    /** Uploads one spilled object with {@code upload}. */
    @FunctionalInterface
    interface Upload {
        void upload(String key, Path file) throws IOException;
    }

    /**
     * Uploads every spilled object in {@link #pending()} order; stops at the first store failure.
     *
     * @return the number of objects still waiting
     */
    int drain(Upload upload) {
        List<Path> pending = pending();
        int left = pending.size();
        for (Path p : pending) {
            String key = keyOf(p);
            try {
                upload.upload(key, p);
                Files.deleteIfExists(p);
                left--;
            } catch (ObjectConflictException e) {
                // never retried again: set aside (dot folder, skipped by pending()) for a person to look at
                Path aside = LocalPaths.resolveKey(dir.resolve(CONFLICTS), key);
                try {
                    LocalPaths.createPrivateDirectories(aside.getParent());
                    Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    LOG.warn("RunLake: cannot move {} aside: {}", p, moveFailed.toString());
                }
                LOG.error("RunLake: spilled object {} conflicts with what is in the store; moved to {}", key, aside);
                left--;
            } catch (NoSuchFileException e) {
                left--; // another process on this store pushed it meanwhile
            } catch (StoreException e) {
                return left;
            } catch (IOException e) {
                LOG.warn("RunLake: cannot read spilled object {}: {}", p, e.toString());
                return left;
            }
        }
        return left;
    }

    /**
     * Put-if-absent of one spilled file, idempotent: an identical object already in the store (an earlier
     * upload whose answer was lost) counts as uploaded.
     *
     * @throws ObjectConflictException if the store holds a different object at {@code key}
     */
    static void upload(ObjectStore store, String key, Path file) throws IOException {
        try {
            long size = Files.size(file);
            if (size > 8L * 1024 * 1024) {
                if (!store.putFileIfAbsent(key, file)
                        && store.head(key).map(i -> i.size() != size).orElse(true)) {
                    throw new ObjectConflictException(key);
                }
            } else {
                store.putIfAbsentIdempotent(key, Files.readAllBytes(file));
            }
        } catch (NoSuchFileException gone) {
            // A spilled file is deleted only once the store holds its key. Two runs of one process that log the same
            // bytes stage one content-addressed blob file: the other upload took it and deleted it. Not a failure
            // when the store has the key; otherwise it is one.
            if (store.head(key).isEmpty()) throw gone;
        }
    }

    private static String hash(String uri) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
