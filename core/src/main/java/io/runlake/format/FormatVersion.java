package io.runlake.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The bucket format version this code reads and writes, and the one rule every reader, writer and maintenance
 * job applies to it (FORMAT.md §3 "Versioning", §11 "Reader rules"): an object, or a store, whose format
 * version is newer than {@link #CURRENT} is <em>refused</em> with an {@link UnsupportedFormatException} that
 * names its key, the version found and the versions supported. It is never read as if it were an older
 * version, never quarantined as corrupt, never compacted and never deleted.
 *
 * <p>Where the version lives: the {@code format_version} field of every JSON object (store marker, manifests,
 * events, run-id pointers, lake log entries and checkpoints, leaderboards) and the footer key
 * {@code runlake.format_version} of every Parquet file (metric shards, compacted lake files, runs index files).
 */
public final class FormatVersion {
    /** Current version written into every JSON object and Parquet footer. */
    public static final int CURRENT = 1;
    /** Oldest version this code still reads. */
    public static final int OLDEST = 1;
    /** The JSON field holding the version. */
    public static final String JSON_FIELD = "format_version";
    /** The Parquet footer key holding the version, as a decimal string. */
    public static final String FOOTER_KEY = MetricSchema.META_FORMAT_VERSION;

    private FormatVersion() {}

    /** A JSON object that carries its format version. */
    public interface Versioned {
        int formatVersion();
    }

    /** Refuses {@code key} when its version is newer than {@link #CURRENT}. */
    public static void check(long found, String key) {
        if (found > CURRENT) throw new UnsupportedFormatException(key, Long.toString(found), null);
    }

    /**
     * Parses a versioned JSON object, checking its version <em>before</em> anything else, so that an object of a
     * newer format whose shape changed is reported as unsupported, never as malformed (and so never quarantined).
     *
     * @throws UnsupportedFormatException if its {@code format_version} is newer than {@link #CURRENT}
     * @throws Json.MalformedObjectException if it is not valid JSON for {@code type}, or its {@code format_version}
     *     is missing or not a positive integer (a required field, FORMAT.md §3)
     */
    public static <T extends Versioned> T readJson(byte[] bytes, Class<T> type, String key) {
        T value;
        try {
            value = Json.read(bytes, type, key);
        } catch (Json.MalformedObjectException e) {
            checkTree(bytes, key); // a newer object that no longer maps onto this version's record
            throw e;
        }
        if (value == null) throw new Json.MalformedObjectException(key, "empty JSON document");
        int v = value.formatVersion();
        check(v, key);
        if (v < OLDEST) {
            throw new Json.MalformedObjectException(
                    key, JSON_FIELD + " is missing or not a positive integer (" + v + ")");
        }
        return value;
    }

    private static void checkTree(byte[] bytes, String key) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return; // not JSON at all: malformed
        }
        if (tree == null || !tree.isObject()) return;
        JsonNode v = tree.get(JSON_FIELD);
        if (v != null && (v.isNumber() || v.isTextual())) check(v.asLong(0), key);
    }

    /** Checks the marker {@code _runlake/format.json} of a store; {@code bytes} null means the store has none (empty or legacy). */
    public static void checkMarker(byte[] bytes, String store) {
        if (bytes == null) return;
        try {
            readJson(bytes, FormatMarker.class, Layout.FORMAT_MARKER);
        } catch (UnsupportedFormatException e) {
            throw new UnsupportedFormatException(Layout.FORMAT_MARKER, e.found(), store);
        }
    }

    /**
     * Checks the value of a Parquet file's {@code runlake.format_version} footer key. Absent ({@code null}) reads as
     * version 1: compacted lake files and runs index files written by runlake 0.1.0 carry no footer key. Any value
     * other than a decimal integer from {@link #OLDEST} to {@link #CURRENT} is refused: the file's format is not one
     * this code knows.
     */
    public static void checkFooter(String value, String key) {
        if (value == null) return;
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            int n = Integer.parseInt(v);
            if (n >= OLDEST && n <= CURRENT) return;
        }
        throw new UnsupportedFormatException(key, value, null);
    }

    /** What kind of object a key names, for error messages ("metric shard", "start manifest", ...). */
    public static String describe(String key) {
        if (key.equals(Layout.FORMAT_MARKER)) return "store marker";
        if (key.startsWith(Layout.RUN_IDS)) return "run-id pointer";
        if (key.startsWith(Layout.ENVIRONMENTS)) return "shared environment";
        if (key.startsWith(LakeLayout.LOG))
            return key.endsWith(LakeLayout.CHECKPOINT_SUFFIX) ? "lake log checkpoint" : "lake log entry";
        if (key.startsWith(LakeLayout.METRICS)) return "lake file";
        if (key.startsWith(LakeLayout.RUNS_INDEX)) return "runs index";
        if (key.startsWith(LakeLayout.REPORTS)) return "report";
        return Layout.parseRunObject(key)
                .map(ro -> switch (ro.kind()) {
                    case START -> "start manifest";
                    case WORKER -> "worker manifest";
                    case EVENT -> "event";
                    case SHARD -> "metric shard";
                    case END -> "end manifest";
                })
                .orElse("object");
    }

    /**
     * An object (or a whole store, when its marker is newer) from a format version this code does not support.
     * Not a corruption: the object is fine for a newer RunLake. Readers and maintenance stop with this error and
     * change nothing about the object.
     */
    public static final class UnsupportedFormatException extends RuntimeException {
        private final String key;
        private final String found;

        public UnsupportedFormatException(String key, String found, String store) {
            this(key, found, message(key, found, store), true);
        }

        /** A refusal whose message is given, e.g. a Delta table that needs a newer Delta reader. */
        public UnsupportedFormatException(String key, String found, String message, boolean custom) {
            super(message);
            this.key = key;
            this.found = found;
        }

        private static String message(String key, String found, String store) {
            String supported = OLDEST == CURRENT
                    ? "format version " + CURRENT + " only"
                    : "format versions " + OLDEST + " to " + CURRENT;
            boolean marker = key.equals(Layout.FORMAT_MARKER);
            return describe(key) + " " + key + (store == null ? "" : " of store " + store) + " has format version "
                    + found + ", but this RunLake supports " + supported + "; upgrade RunLake to "
                    + (marker ? "use this store" : "read it");
        }

        /** The key of the refused object. */
        public String key() {
            return key;
        }

        /** The version it carries, as written. */
        public String found() {
            return found;
        }

        /** The newest version this code supports. */
        public int supported() {
            return CURRENT;
        }
    }
}
