package io.runlake.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that builds and parses keys under {@code lake/} and {@code reports/} (FORMAT.md,
 * "Compaction and the commit protocol"). Everything here is written by maintenance (functions), never by
 * training clients.
 *
 * <pre>
 * lake/_log/experiment=&lt;esc&gt;/&lt;version:20 digits&gt;.json             commit entries, put-if-absent
 * lake/_log/experiment=&lt;esc&gt;/&lt;version:20 digits&gt;.checkpoint.json  snapshot state as of that version
 * lake/metrics/experiment=&lt;esc&gt;/&lt;id&gt;.parquet                   compacted metric points
 * lake/runs/experiment=&lt;esc&gt;/&lt;id&gt;.parquet                      runs index (one row per run)
 * lake/quarantine/experiment=&lt;esc&gt;/&lt;raw key&gt;                   copies of poisoned raw objects
 * reports/experiment=&lt;esc&gt;/&lt;report version&gt;/leaderboard.{json,md,html}
 * </pre>
 */
public final class LakeLayout {
    public static final String LAKE = Layout.LAKE;
    public static final String LOG = LAKE + "_log/";
    public static final String METRICS = LAKE + "metrics/";
    public static final String RUNS_INDEX = LAKE + "runs/";
    public static final String QUARANTINE = LAKE + "quarantine/";
    public static final String REPORTS = Layout.REPORTS;

    public static final String CHECKPOINT_SUFFIX = ".checkpoint.json";
    public static final String LEADERBOARD_JSON = "leaderboard.json";
    public static final String LEADERBOARD_MD = "leaderboard.md";
    public static final String LEADERBOARD_HTML = "leaderboard.html";

    private static final Pattern LOG_KEY =
            Pattern.compile(LOG + Layout.EXPERIMENT_KEY + "([^/]+)/(\\d{20})(\\.checkpoint)?\\.json");
    private static final Pattern REPORT_KEY =
            Pattern.compile(REPORTS + Layout.EXPERIMENT_KEY + "([^/]+)/([^/]+)/([^/]+)");
    private static final Pattern FILE_ID = Pattern.compile("[0-9a-z][0-9a-z-]{0,99}");
    private static final DateTimeFormatter REPORT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private LakeLayout() {}

    // ---- the commit log ----------------------------------------------------------------------------

    public static String logPrefix(String experiment) {
        return LOG + Layout.experimentSegment(experiment) + "/";
    }

    /** Commit entry {@code version} (0 is the first commit). Created only with put-if-absent. */
    public static String logEntry(String experiment, long version) {
        return logPrefix(experiment) + version20(version) + Layout.JSON_SUFFIX;
    }

    /** Snapshot state after applying entries 0..version; derived data, safe to ignore or delete. */
    public static String checkpoint(String experiment, long version) {
        return logPrefix(experiment) + version20(version) + CHECKPOINT_SUFFIX;
    }

    /** A parsed key under {@code lake/_log/}. */
    public record LogKey(String experiment, long version, boolean checkpoint) {}

    public static Optional<LogKey> parseLogKey(String key) {
        Matcher m = LOG_KEY.matcher(key);
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(
                    new LogKey(Names.unescapeSegment(m.group(1)), Long.parseLong(m.group(2)), m.group(3) != null));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a valid escaped name (§5): readers skip the key
        }
    }

    private static String version20(long version) {
        if (version < 0) throw new IllegalArgumentException("log version " + version + " is negative");
        return String.format("%020d", version);
    }

    // ---- data files --------------------------------------------------------------------------------

    public static String metricsPrefix(String experiment) {
        return METRICS + Layout.experimentSegment(experiment) + "/";
    }

    /** A compacted metrics file; {@code fileId} must be unique (e.g. a fresh ULID), the file is invisible until committed. */
    public static String metricsFile(String experiment, String fileId) {
        return metricsPrefix(experiment) + requireFileId(fileId) + Layout.SHARD_SUFFIX;
    }

    public static String runsIndexPrefix(String experiment) {
        return RUNS_INDEX + Layout.experimentSegment(experiment) + "/";
    }

    /** A runs index file; made current by an {@code index} commit. */
    public static String runsIndexFile(String experiment, String fileId) {
        return runsIndexPrefix(experiment) + requireFileId(fileId) + Layout.SHARD_SUFFIX;
    }

    /** Where a poisoned raw object is copied so it outlives the raw lifecycle rule. */
    public static String quarantineCopy(String experiment, String rawKey) {
        if (!rawKey.startsWith(Layout.RUNS)) {
            throw new IllegalArgumentException("only raw objects under runs/ are quarantined, not '" + rawKey + "'");
        }
        return QUARANTINE + Layout.experimentSegment(experiment) + "/" + rawKey;
    }

    private static String requireFileId(String fileId) {
        if (!FILE_ID.matcher(fileId).matches()) {
            throw new IllegalArgumentException("lake file id '" + fileId + "' is not 1..100 of [0-9a-z-]");
        }
        return fileId;
    }

    // ---- reports -----------------------------------------------------------------------------------

    public static String reportsPrefix(String experiment) {
        return REPORTS + Layout.experimentSegment(experiment) + "/";
    }

    /**
     * A report version: UTC time to the millisecond plus a suffix that makes it unique, e.g.
     * {@code 20250301T120000123Z-v00000000000000000007-x3k9}. The latest report is the lexicographically
     * greatest version that has a {@code leaderboard.json} (written last); nothing is ever overwritten.
     */
    public static String reportVersion(Instant time, long lakeVersion, String unique) {
        return REPORT_TIME.format(time) + "-v" + version20(Math.max(lakeVersion, 0)) + "-" + requireFileId(unique);
    }

    public static String report(String experiment, String reportVersion, String fileName) {
        if (reportVersion.contains("/") || reportVersion.isEmpty()) {
            throw new IllegalArgumentException("report version '" + reportVersion + "' is not one key segment");
        }
        return reportsPrefix(experiment) + reportVersion + "/" + fileName;
    }

    /** A parsed key under {@code reports/}. */
    public record ReportKey(String experiment, String version, String fileName) {}

    public static Optional<ReportKey> parseReportKey(String key) {
        Matcher m = REPORT_KEY.matcher(key);
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(new ReportKey(Names.unescapeSegment(m.group(1)), m.group(2), m.group(3)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
