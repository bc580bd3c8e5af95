package io.runlake.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The storage RunLake needs (FORMAT.md, "Storage requirements"): put-if-absent, strong read-after-write,
 * lexicographically ordered listing. Keys are relative to the store's root and use '/' separators.
 *
 * <p>Errors: {@link StoreUnavailableException} when the store could not be reached after retries (the
 * caller may spill and retry later), {@link StoreException} for everything that retrying will not fix
 * (access denied, missing bucket, missing credentials).
 */
public interface ObjectStore extends AutoCloseable {

    /** The URI this store was opened on, e.g. {@code s3://bucket/prefix} or {@code file:///data/lake}. */
    URI uri();

    /**
     * Whether this store does its work on this machine's cores: a local folder (the kernel's file system work), or an
     * S3 endpoint on a loopback address (S3Proxy, MinIO, LocalStack beside the job). Writers then keep their
     * background requests to it few, so that they do not take the cores the training thread runs on.
     */
    default boolean servedOnThisMachine() {
        return false;
    }

    /**
     * Creates {@code key} with {@code data} only if no object exists there.
     *
     * @return {@code true} if this call created the object, {@code false} if an object already existed
     *     (its content may or may not equal {@code data}; use {@link #putIfAbsentIdempotent} to tell)
     */
    boolean putIfAbsent(String key, byte[] data);

    /**
     * Like {@link #putIfAbsent(String, byte[])}, with a media type for stores that serve objects over HTTP
     * (so an HTML report opens in a browser straight from the bucket). Stores without media types ignore it.
     */
    default boolean putIfAbsent(String key, byte[] data, String contentType) {
        return putIfAbsent(key, data);
    }

    /** Like {@link #putIfAbsent(String, byte[])} for a file; large files are uploaded in parts. */
    boolean putFileIfAbsent(String key, Path file);

    /** Reads a whole object, or empty if it does not exist. */
    Optional<byte[]> get(String key);

    /** Streams an object; the caller closes the stream. Empty if it does not exist. */
    Optional<InputStream> open(String key);

    /** Copies an object into a local file (replacing it), returning its metadata, or empty if it does not exist. */
    Optional<ObjectInfo> download(String key, Path target);

    Optional<ObjectInfo> head(String key);

    /** Every object whose key starts with {@code prefix}, in lexicographic key order. */
    List<ObjectInfo> list(String prefix);

    /**
     * The objects under {@code prefix} whose keys sort after {@code startAfter}, in key order (S3 ListObjectsV2
     * {@code StartAfter}): a reader lists a folder from a point on without paying for what lies before it.
     */
    default List<ObjectInfo> listAfter(String prefix, String startAfter) {
        return list(prefix).stream()
                .filter(o -> o.key().compareTo(startAfter) > 0)
                .toList();
    }

    /**
     * The folders directly under {@code prefix} (a folder key ending in '/'), each as a key prefix ending in '/', in key
     * order (S3 ListObjectsV2 with delimiter '/': its common prefixes).
     */
    default List<String> listFolders(String prefix) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (ObjectInfo o : list(prefix)) {
            int slash = o.key().indexOf('/', prefix.length());
            if (slash > 0) out.add(o.key().substring(0, slash + 1));
        }
        return List.copyOf(out);
    }

    /**
     * Deletes an object if it exists. Only maintenance (compaction of raw shards already covered by a
     * durable commit) deletes; clients never do.
     */
    void delete(String key);

    /**
     * Put-if-absent that also succeeds when an identical object is already there: the usual case after a
     * retry whose first attempt landed but whose response was lost.
     *
     * @throws ObjectConflictException if a different object already exists at {@code key}
     */
    default void putIfAbsentIdempotent(String key, byte[] data) {
        putIfAbsentIdempotent(key, data, null);
    }

    /** {@link #putIfAbsentIdempotent(String, byte[])} with a media type (null: the store's default). */
    default void putIfAbsentIdempotent(String key, byte[] data, String contentType) {
        if (contentType == null ? putIfAbsent(key, data) : putIfAbsent(key, data, contentType)) return;
        byte[] existing = get(key).orElseThrow(
                        () -> new StoreException("object " + key + " reported as existing but could not be read back"));
        if (!Arrays.equals(existing, data)) {
            throw new ObjectConflictException(key);
        }
    }

    @Override
    void close();

    /** Reads the full stream; helper for implementations. */
    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StoreUnavailableException("read failed: " + e.getMessage(), e);
        }
    }
}
