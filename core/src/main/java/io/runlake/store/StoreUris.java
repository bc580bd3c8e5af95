package io.runlake.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens the right {@link ObjectStore} for a URI, and knows the embedded default. */
public final class StoreUris {
    /** Environment variable naming the store; unset means the local default folder. */
    public static final String ENV = "RUNLAKE_URI";
    /** The embedded default: a folder in the working directory. */
    public static final String DEFAULT_FOLDER = "runlake-data";

    private StoreUris() {}

    /** The configured URI: {@code RUNLAKE_URI}, else {@code ./runlake-data}. */
    public static URI defaultUri() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return parse(env);
        return Path.of(DEFAULT_FOLDER).toAbsolutePath().toUri();
    }

    /** Accepts {@code s3://bucket/prefix}, {@code file:///abs/path} or a plain local path. */
    public static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("store URI is empty; use s3://bucket/prefix or a local folder");
        }
        if (text.startsWith("s3://") || text.startsWith("file:")) {
            return URI.create(text);
        }
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("unsupported store URI '" + text + "': use s3://bucket/prefix or file:///path");
        }
        return Path.of(text).toAbsolutePath().normalize().toUri();
    }

    public static ObjectStore open(URI uri) {
        String scheme = uri.getScheme();
        if ("s3".equals(scheme)) return new S3ObjectStore(uri);
        if ("file".equals(scheme)) return new FileObjectStore(Path.of(uri));
        throw new IllegalArgumentException("unsupported store URI '" + uri + "': use s3://bucket/prefix or file:///path");
    }

    public static ObjectStore open(String text) {
        return open(parse(text));
    }

    /** Where an object of a store can be opened by a person: a local path, or the s3:// location. */
    public static String display(URI storeUri, String key) {
        if ("file".equals(storeUri.getScheme())) return Path.of(storeUri).resolve(key).toString();
        String base = "s3://" + storeUri.getHost() + (storeUri.getPath() == null ? "/" : storeUri.getPath());
        return base + (base.endsWith("/") ? "" : "/") + key;
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) return out;
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "true" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
