package io.runlake.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens the right {@link ObjectStore} for a URI, and knows the embedded default. */
public final class StoreUris {
    /** Environment variable naming the store; unset means the local default folder. */
    public static final String ENV = "RUNLAKE_URI";
    /** The embedded default: a folder in the working directory. */
    public static final String DEFAULT_FOLDER = "runlake-data";
    /** The options an {@code s3://} store URI takes ({@code ?endpoint=...&path_style=true&region=...}). */
    public static final List<String> S3_OPTIONS = List.of("endpoint", "path_style", "region");

    private StoreUris() {}

    /** The configured URI: {@code RUNLAKE_URI}, else {@code ./runlake-data}. */
    public static URI defaultUri() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return parse(env);
        return Path.of(DEFAULT_FOLDER).toAbsolutePath().toUri();
    }

    /**
     * Accepts {@code s3://bucket/prefix} (with the options of {@link #S3_OPTIONS}), {@code file:///abs/path} or
     * a plain local path. Anything else that looks like a URI ({@code s3:/bucket}, {@code ftp://host}) and any
     * unknown option is an error, never a local folder named after it or an option silently ignored.
     */
    public static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("store URI is empty; use s3://bucket/prefix or a local folder");
        }
        if (text.startsWith("s3://") || text.startsWith("file:")) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("malformed store URI '" + text + "': " + e.getReason(), e);
            }
            if (uri.getScheme().equals("s3")
                    && (uri.getHost() == null || uri.getHost().isEmpty())) {
                throw new IllegalArgumentException(
                        "malformed store URI '" + text + "': no bucket; use s3://bucket/prefix");
            }
            query(uri);
            return uri;
        }
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(
                    "unsupported store URI '" + text + "': use s3://bucket/prefix or file:///path");
        }
        // "s3:/bucket", "s3:bucket": a scheme of two or more letters (not a drive letter such as C:) without "//".
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            throw new IllegalArgumentException(
                    "malformed store URI '" + text + "': use s3://bucket/prefix, file:///path or a local folder");
        }
        return Path.of(text).toAbsolutePath().normalize().toUri();
    }

    public static ObjectStore open(URI uri) {
        String scheme = uri.getScheme();
        if ("s3".equals(scheme)) return new S3ObjectStore(uri);
        if ("file".equals(scheme)) return new FileObjectStore(Path.of(uri));
        throw new IllegalArgumentException(
                "unsupported store URI '" + uri + "': use s3://bucket/prefix or file:///path");
    }

    public static ObjectStore open(String text) {
        return open(parse(text));
    }

    /** Where an object of a store can be opened by a person: a local path, or the s3:// location. */
    public static String display(URI storeUri, String key) {
        if ("file".equals(storeUri.getScheme()))
            return Path.of(storeUri).resolve(key).toString();
        String base = "s3://" + storeUri.getHost() + (storeUri.getPath() == null ? "/" : storeUri.getPath());
        return base + (base.endsWith("/") ? "" : "/") + key;
    }

    /** The URI's options; an option the store does not know is an error naming it and the valid ones. */
    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) return out;
        List<String> valid = "s3".equals(uri.getScheme()) ? S3_OPTIONS : List.of();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : pair.substring(eq + 1);
            if (!valid.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "' in store URI '" + uri + "': "
                        + (valid.isEmpty()
                                ? uri.getScheme() + ": URIs take no options"
                                : "valid options are " + String.join(", ", valid)));
            }
            out.put(k, URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
