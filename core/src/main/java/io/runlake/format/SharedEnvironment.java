package io.runlake.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code environments/sha256/<sha256>.json}: the part of a process's environment that many runs share (JVM, OS,
 * hardware, libraries), stored once per distinct content and named by the SHA-256 of its bytes. Start and worker
 * manifests keep only the per-process keys and refer to it with {@value #REF_KEY} (FORMAT.md §7.9).
 */
public record SharedEnvironment(int formatVersion, String kind, Map<String, Object> environment)
        implements FormatVersion.Versioned {
    public static final String KIND = "environment";
    /** The key, inside a manifest's {@code environment}, naming the shared object by its SHA-256. */
    public static final String REF_KEY = "shared_sha256";

    /**
     * The whole environment of a manifest: its own keys, then those of the shared object it names (its own keys win).
     * A manifest with the whole environment inline (written before §7.9) is returned as it is; a shared object that
     * is missing or unreadable adds nothing (readers tolerate missing keys, §7.2).
     *
     * @param fetch the bytes stored under a key, if present
     */
    public static Map<String, Object> resolve(Map<String, Object> inline, Function<String, Optional<byte[]>> fetch) {
        if (inline == null) return Map.of();
        if (!(inline.get(REF_KEY) instanceof String sha) || !sha.matches("[0-9a-f]{64}")) return inline;
        String key = Layout.environment(sha);
        Optional<byte[]> bytes = fetch.apply(key);
        if (bytes.isEmpty()) return inline;
        SharedEnvironment shared;
        try {
            shared = FormatVersion.readJson(bytes.get(), SharedEnvironment.class, key);
        } catch (FormatVersion.UnsupportedFormatException e) {
            throw e; // never read a newer object as if it were this version's
        } catch (RuntimeException e) {
            return inline; // corrupt: the manifest's own keys still stand
        }
        if (shared.environment() == null) return inline;
        Map<String, Object> merged = new LinkedHashMap<>(inline);
        shared.environment().forEach(merged::putIfAbsent);
        return merged;
    }
}
