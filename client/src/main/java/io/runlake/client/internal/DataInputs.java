package io.runlake.client.internal;

import io.runlake.format.Redaction;
import io.runlake.format.RunEvent;
import io.runlake.store.ObjectInfo;
import io.runlake.store.S3ObjectStore;
import io.runlake.store.StoreUris;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * Identifies a data set by content (FORMAT.md, "Input events"). A local file: SHA-256 of its bytes. A local
 * folder: SHA-256 of the {@code sha256sum}-style listing ("&lt;hex&gt;  &lt;relative path&gt;\n" per file,
 * sorted by path), so renaming or changing any file changes it. {@code s3://} data is not downloaded:
 * an object is identified by its ETag and size, a prefix by the SHA-256 of its "key etag size" listing.
 * The recorded location is redacted ({@link Redaction#redactUri}): no user info, no signed-URL tokens.
 */
final class DataInputs {
    private DataInputs() {}

    static RunEvent.Input describe(String name, String location, String role) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("input '" + name + "' has no location");
        }
        if (location.startsWith("s3://")) return describeS3(name, location, role);
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        path = path.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("input '" + name + "' at " + path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("input '" + name + "' at " + path + " is not readable");
        }
        try {
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(path)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                MessageDigest listing = sha256();
                long size = 0;
                for (Path f : files) {
                    String rel = path.relativize(f).toString().replace('\\', '/');
                    listing.update((hashFile(f) + "  " + rel + "\n").getBytes(StandardCharsets.UTF_8));
                    size += Files.size(f);
                }
                return new RunEvent.Input(
                        name,
                        path.toUri().toString(),
                        role,
                        HexFormat.of().formatHex(listing.digest()),
                        null,
                        null,
                        size,
                        files.size());
            }
            return new RunEvent.Input(
                    name, path.toUri().toString(), role, hashFile(path), null, null, Files.size(path), 1);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "input '" + name + "' at " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static RunEvent.Input describeS3(String name, String location, String role) {
        URI uri = URI.create(location);
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        URI bucketUri = URI.create("s3://" + uri.getHost() + storeOptions(uri.getRawQuery()));
        try (S3ObjectStore store = (S3ObjectStore) StoreUris.open(bucketUri)) {
            if (!key.isEmpty() && !key.endsWith("/")) {
                var head = store.head(key);
                if (head.isPresent()) {
                    ObjectInfo o = head.get();
                    return new RunEvent.Input(
                            name, Redaction.redactUri(location), role, null, o.etag(), null, o.size(), 1);
                }
            }
            List<ObjectInfo> objects = store.list(key.isEmpty() || key.endsWith("/") ? key : key + "/");
            if (objects.isEmpty()) {
                throw new IllegalArgumentException(
                        "input '" + name + "' at " + location + " does not exist (no object or prefix)");
            }
            MessageDigest listing = sha256();
            long size = 0;
            for (ObjectInfo o : objects) {
                listing.update((o.key() + " " + o.etag() + " " + o.size() + "\n").getBytes(StandardCharsets.UTF_8));
                size += o.size();
            }
            return new RunEvent.Input(
                    name,
                    Redaction.redactUri(location),
                    role,
                    null,
                    "listing-sha256:" + HexFormat.of().formatHex(listing.digest()),
                    null,
                    size,
                    objects.size());
        }
    }

    /**
     * The store options (endpoint, path style, region) of an input's query; anything else there (a signed URL's
     * parameters, say) is the object's own business and never reaches the store, where it would be refused.
     */
    private static String storeOptions(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        StringJoiner kept = new StringJoiner("&", "?", "").setEmptyValue("");
        for (String pair : rawQuery.split("&")) {
            String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (StoreUris.S3_OPTIONS.contains(name)) kept.add(pair);
        }
        return kept.toString();
    }

    static String hashFile(Path f) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new FileInputStream(f.toFile())) { // not interruptible, unlike Files.newInputStream
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
