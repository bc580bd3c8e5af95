package io.runlake.client;

import io.runlake.store.LocalPaths;
import io.runlake.store.ObjectConflictException;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects that could not be written to the store wait here, laid out under their own keys, until the
 * store is reachable again. One folder per store URI, so a later process (or {@code runlake}) pushes what
 * a crashed one left behind. Upload is put-if-absent and idempotent, so pushing twice is harmless.
 */
final class Spill {
    private static final Logger LOG = LoggerFactory.getLogger(Spill.class);

    private final Path dir;

    private final Path staging;

    Spill(Path spillRoot, String storeUri) {
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

    void put(String key, byte[] data) throws IOException {
        Path target = target(key);
        Path tmp = target.resolveSibling("." + UUID.randomUUID() + ".spilling");
        // fsync before the rename: after a host crash a spilled object is whole or absent, never truncated
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE),
                LocalPaths.privateFileAttributes(tmp))) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    void putFile(String key, Path file) throws IOException {
        Path target = target(key);
        Path tmp = target.resolveSibling("." + UUID.randomUUID() + ".spilling");
        Files.copy(file, tmp);
        LocalPaths.makePrivate(tmp);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    boolean isEmpty() {
        return pending().isEmpty();
    }

    List<Path> pending() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !dir.relativize(p).startsWith(".conflicts"))
                    // end manifests last: a reader that sees a run's end should already see its shards
                    .sorted(java.util.Comparator.comparing((Path p) -> dir.relativize(p).toString().contains("/end/"))
                            .thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Uploads every spilled object; stops at the first store failure.
     *
     * @return the number of objects still waiting
     */
    int drain(ObjectStore store) {
        List<Path> pending = pending();
        int left = pending.size();
        for (Path p : pending) {
            String key = dir.relativize(p).toString().replace('\\', '/');
            try {
                if (Files.size(p) > 8L * 1024 * 1024) {
                    if (!store.putFileIfAbsent(key, p) && store.head(key).map(i -> {
                        try {
                            return i.size() != Files.size(p);
                        } catch (IOException e) {
                            return true;
                        }
                    }).orElse(true)) {
                        throw new ObjectConflictException(key);
                    }
                } else {
                    store.putIfAbsentIdempotent(key, Files.readAllBytes(p));
                }
                Files.delete(p);
                left--;
            } catch (ObjectConflictException e) {
                // never retried again: set aside (dot folder, skipped by pending()) for a person to look at
                Path aside = LocalPaths.resolveKey(dir.resolve(".conflicts"), key);
                try {
                    LocalPaths.createPrivateDirectories(aside.getParent());
                    Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    LOG.warn("RunLake: cannot move {} aside: {}", p, moveFailed.toString());
                }
                LOG.error("RunLake: spilled object {} conflicts with what is in {}; moved to {}", key, store.uri(), aside);
                left--;
            } catch (StoreException e) {
                return left;
            } catch (IOException e) {
                LOG.warn("RunLake: cannot read spilled object {}: {}", p, e.toString());
                return left;
            }
        }
        return left;
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
