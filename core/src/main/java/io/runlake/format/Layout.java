package io.runlake.format;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that builds and parses object keys (FORMAT.md, "Layout"). Keys are relative to the
 * store root (bucket prefix or folder). Nothing else in RunLake concatenates key strings.
 */
public final class Layout {
    /** The store's own folder (the format marker). */
    public static final String STORE_META = "_runlake/";

    public static final String FORMAT_MARKER = STORE_META + "format.json";
    public static final String RUNS = "runs/";
    public static final String RUN_IDS = "run-ids/";
    public static final String ARTIFACTS = "artifacts/sha256/";
    /** Shared environment objects, content-addressed (FORMAT.md §7.9). */
    public static final String ENVIRONMENTS = "environments/sha256/";

    /** Notes, post-hoc tags, archive and restore of runs (FORMAT.md §8.4). */
    public static final String ANNOTATIONS = "annotations/";

    public static final String LAKE = "lake/";
    /** The model registry (FORMAT.md §16). */
    public static final String MODELS = "models/";
    /** Audit entries of purges (FORMAT.md §12.11): {@code audit/<time-ordered id>.json}. */
    public static final String AUDIT = "audit/";

    public static final String REPORTS = "reports/";
    /** Claims of sweep trials, so several processes share one sweep (FORMAT.md §9.5). */
    public static final String SWEEPS = "sweeps/";

    public static final String START = "run.json";
    public static final String SHARD_SUFFIX = ".parquet";
    public static final String JSON_SUFFIX = ".json";

    /** The folder name prefix of an experiment, in every tree of the store (runs/, lake/..., reports/). */
    static final String EXPERIMENT_KEY = "experiment=";

    private static final String RUN_KEY = "run=";
    /** A run id or writer id as it appears in keys: a lower-case ULID (§4). */
    private static final String ID = "[0-7][0-9a-hjkmnp-tv-z]{25}";

    private static final Pattern ANNOTATION =
            Pattern.compile(ANNOTATIONS + EXPERIMENT_KEY + "([^/]+)/" + RUN_KEY + "(" + ID + ")/(" + ID + ")\\.json");

    private static final Pattern RUN_OBJECT = Pattern.compile(RUNS + EXPERIMENT_KEY + "([^/]+)/" + RUN_KEY + "(" + ID
            + ")/(run\\.json|(workers|events|metrics|end)/w(\\d{5})-(" + ID + ")(?:-(\\d{8}))?\\.(json|parquet))");

    private static final Pattern SWEEP_CLAIM = Pattern.compile(
            SWEEPS + EXPERIMENT_KEY + "([^/]+)/sweep=([^/]+)/claims/t(0|[1-9][0-9]{0,8})-a(0|[1-9][0-9]{0,8})\\.json");

    private Layout() {}

    public static String experimentSegment(String experiment) {
        return EXPERIMENT_KEY + Names.escapeSegment(experiment);
    }

    /**
     * The experiment a folder name {@code experiment=<esc>} names; empty for any other name or one that is not a
     * valid escaped name (§5: like every key under it, such a folder is skipped).
     */
    public static Optional<String> parseExperimentSegment(String segment) {
        if (!segment.startsWith(EXPERIMENT_KEY)) return Optional.empty();
        try {
            return Optional.of(Names.unescapeSegment(segment.substring(EXPERIMENT_KEY.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The longest escaped experiment name that keeps its folder name within 255 bytes. */
    public static int maxEscapedExperimentLength() {
        return 255 - EXPERIMENT_KEY.length();
    }

    /**
     * A DuckDB regular expression whose group 1 is the run id of a shard's path or key (the folder just above
     * {@code metrics/}: folders above the store root cannot match), for SQL that only has file names.
     */
    public static String shardRunIdSqlRegex() {
        return "/" + RUN_KEY + "(" + ID + ")/metrics/[^/]*$";
    }

    /**
     * A DuckDB regular expression whose group 1 is the event id of an alias event's path or key (FORMAT.md §16.1), for
     * SQL that only has file names.
     */
    public static String aliasEventIdSqlRegex() {
        return "/aliases/[^/]+/(" + ID + ")\\.json$";
    }

    public static String experimentPrefix(String experiment) {
        return RUNS + experimentSegment(experiment) + "/";
    }

    public static String runPrefix(String experiment, String runId) {
        return experimentPrefix(experiment) + RUN_KEY + runId + "/";
    }

    /** The start manifest, written once by the process that created the run. */
    public static String startManifest(String experiment, String runId) {
        return runPrefix(experiment, runId) + START;
    }

    /** Tiny pointer object so a run can be found by id alone. */
    public static String runIdPointer(String runId) {
        return RUN_IDS + runId + JSON_SUFFIX;
    }

    public static String workerManifest(String experiment, String runId, int worker, String writerId) {
        return runPrefix(experiment, runId) + "workers/" + workerWriter(worker, writerId) + JSON_SUFFIX;
    }

    public static String event(String experiment, String runId, int worker, String writerId, long seq) {
        return runPrefix(experiment, runId) + "events/" + workerWriter(worker, writerId) + "-" + seq8(seq)
                + JSON_SUFFIX;
    }

    public static String metricShard(String experiment, String runId, int worker, String writerId, long seq) {
        return runPrefix(experiment, runId) + "metrics/" + workerWriter(worker, writerId) + "-" + seq8(seq)
                + SHARD_SUFFIX;
    }

    public static String endManifest(String experiment, String runId, int worker, String writerId) {
        return runPrefix(experiment, runId) + "end/" + workerWriter(worker, writerId) + JSON_SUFFIX;
    }

    /** The folder of an experiment's annotations (§8.4). */
    public static String annotationsOfExperiment(String experiment) {
        return ANNOTATIONS + experimentSegment(experiment) + "/";
    }

    /** The folder of a run's annotations (§8.4). */
    public static String annotationPrefix(String experiment, String runId) {
        return annotationsOfExperiment(experiment) + RUN_KEY + runId + "/";
    }

    /** One annotation; {@code annotationId} is a fresh ULID, so a run's annotations list in time order. */
    public static String annotation(String experiment, String runId, String annotationId) {
        return annotationPrefix(experiment, runId) + RunIds.requireValid(annotationId) + JSON_SUFFIX;
    }

    /** A parsed annotation key. */
    public record AnnotationKey(String experiment, String runId, String annotationId) {}

    /** The parts of an annotation key; empty for any other key (ignored, like unknown keys under runs/). */
    public static Optional<AnnotationKey> parseAnnotation(String key) {
        Matcher m = ANNOTATION.matcher(key);
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(new AnnotationKey(Names.unescapeSegment(m.group(1)), m.group(2), m.group(3)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The folder of one sweep's trial claims (§9.5): one LIST reads them all. */
    public static String sweepClaimsPrefix(String experiment, String sweep) {
        return SWEEPS + experimentSegment(experiment) + "/sweep=" + Names.escapeSegment(sweep) + "/claims/";
    }

    /** The claim of attempt {@code attempt} of trial {@code trial} (§9.5). */
    public static String sweepClaim(String experiment, String sweep, int trial, int attempt) {
        if (trial < 0 || attempt < 0) throw new IllegalArgumentException("trial and attempt must be >= 0");
        return sweepClaimsPrefix(experiment, sweep) + "t" + trial + "-a" + attempt + JSON_SUFFIX;
    }

    /** A parsed sweep claim key. */
    public record SweepClaimKey(String experiment, String sweep, int trial, int attempt) {}

    /** The parts of a sweep claim key; empty for any other key (ignored). */
    public static Optional<SweepClaimKey> parseSweepClaim(String key) {
        Matcher m = SWEEP_CLAIM.matcher(key);
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(new SweepClaimKey(
                    Names.unescapeSegment(m.group(1)),
                    Names.unescapeSegment(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Content-addressed artifact blob: artifacts/sha256/ab/abcdef... */
    public static String artifactBlob(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'" + sha256Hex + "' is not a lower-case hex SHA-256");
        }
        return ARTIFACTS + sha256Hex.substring(0, 2) + "/" + sha256Hex;
    }

    /** Content-addressed shared environment: environments/sha256/abcdef....json (FORMAT.md §7.9). */
    public static String environment(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'" + sha256Hex + "' is not a lower-case hex SHA-256");
        }
        return ENVIRONMENTS + sha256Hex + JSON_SUFFIX;
    }

    private static String workerWriter(int worker, String writerId) {
        if (worker < 0 || worker > 99_999) {
            throw new IllegalArgumentException("worker rank " + worker + " is outside 0..99999");
        }
        return "w" + zeroPadded(worker, 5) + "-" + RunIds.requireValid(writerId);
    }

    private static String seq8(long seq) {
        if (seq < 0 || seq > 99_999_999L) {
            throw new IllegalArgumentException("sequence number " + seq + " is outside 0..99999999");
        }
        return zeroPadded(seq, 8);
    }

    /** {@code value} (not negative) in at least {@code digits} digits; String.format took 15 % of a run start. */
    private static String zeroPadded(long value, int digits) {
        String s = Long.toString(value);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    /** The kinds of object under runs/. */
    public enum RunObjectKind {
        START,
        WORKER,
        EVENT,
        SHARD,
        END
    }

    /** A parsed key under runs/. */
    public record RunObject(
            String experiment, String runId, RunObjectKind kind, int worker, String writerId, long seq) {}

    public static Optional<RunObject> parseRunObject(String key) {
        Matcher m = RUN_OBJECT.matcher(key);
        if (!m.matches()) return Optional.empty();
        String experiment;
        try {
            experiment = Names.unescapeSegment(m.group(1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String runId = m.group(2);
        if (m.group(3).equals(START)) {
            return Optional.of(new RunObject(experiment, runId, RunObjectKind.START, 0, null, -1));
        }
        String folder = m.group(4);
        String ext = m.group(8);
        boolean hasSeq = m.group(7) != null;
        RunObjectKind kind;
        switch (folder) {
            case "workers" -> kind = RunObjectKind.WORKER;
            case "events" -> kind = RunObjectKind.EVENT;
            case "metrics" -> kind = RunObjectKind.SHARD;
            default -> kind = RunObjectKind.END;
        }
        boolean wantsSeq = kind == RunObjectKind.EVENT || kind == RunObjectKind.SHARD;
        boolean wantsParquet = kind == RunObjectKind.SHARD;
        if (wantsSeq != hasSeq || wantsParquet != ext.equals("parquet")) return Optional.empty();
        return Optional.of(new RunObject(
                experiment,
                runId,
                kind,
                Integer.parseInt(m.group(5)),
                m.group(6),
                hasSeq ? Long.parseLong(m.group(7)) : -1));
    }

    /** {@code models/<model>/}: every object of one registered model (FORMAT.md §16). */
    public static String modelPrefix(String model) {
        return MODELS + Names.escapeSegment(Names.requireModelName(model)) + "/";
    }

    /** {@code models/<model>/model.json}: the registration, put-if-absent. */
    public static String modelRecord(String model) {
        return modelPrefix(model) + MODEL_RECORD;
    }

    /** {@code models/<model>/versions/}: the versions, one object per number. */
    public static String modelVersionsPrefix(String model) {
        return modelPrefix(model) + "versions/";
    }

    /** {@code models/<model>/versions/<10-digit number>.json}. */
    public static String modelVersion(String model, long version) {
        if (version < 1 || version > MAX_MODEL_VERSION) {
            throw new IllegalArgumentException("model version " + version + " is outside 1.." + MAX_MODEL_VERSION);
        }
        return modelVersionsPrefix(model) + zeroPadded(version, 10) + JSON_SUFFIX;
    }

    /** {@code models/<model>/aliases/<alias>/}: every event of one alias, oldest first. */
    public static String aliasEventsPrefix(String model, String alias) {
        return modelPrefix(model) + "aliases/" + Names.escapeSegment(Names.requireAliasName(alias)) + "/";
    }

    /** {@code models/<model>/aliases/<alias>/<event id>.json}: one alias move, append-only. */
    public static String aliasEvent(String model, String alias, String eventId) {
        return aliasEventsPrefix(model, alias) + RunIds.requireValid(eventId) + JSON_SUFFIX;
    }

    /** The largest version number: ten digits. */
    public static final long MAX_MODEL_VERSION = 9_999_999_999L;

    private static final String MODEL_RECORD = "model.json";
    private static final Pattern MODEL_OBJECT = Pattern.compile(
            MODELS + "([^/]+)/(model\\.json|versions/(\\d{10})\\.json|aliases/([^/]+)/(" + ID + ")\\.json)");

    /** The kinds of object under models/. */
    public enum ModelObjectKind {
        MODEL,
        VERSION,
        ALIAS_EVENT
    }

    /** A parsed key under models/: version is 0 and alias and eventId null where they do not apply. */
    public record ModelObject(String model, ModelObjectKind kind, long version, String alias, String eventId) {}

    /**
     * Parses a key under models/; empty for any other key, or one whose segments are not the canonical escaping
     * of a valid name (readers skip those, like experiment folders, §5), or version 0.
     */
    public static Optional<ModelObject> parseModelObject(String key) {
        Matcher m = MODEL_OBJECT.matcher(key);
        if (!m.matches()) return Optional.empty();
        try {
            String model = Names.requireModelName(Names.unescapeSegment(m.group(1)));
            if (m.group(2).equals(MODEL_RECORD)) {
                return Optional.of(new ModelObject(model, ModelObjectKind.MODEL, 0, null, null));
            }
            if (m.group(3) != null) {
                long version = Long.parseLong(m.group(3));
                if (version < 1) return Optional.empty();
                return Optional.of(new ModelObject(model, ModelObjectKind.VERSION, version, null, null));
            }
            String alias = Names.requireAliasName(Names.unescapeSegment(m.group(4)));
            return Optional.of(new ModelObject(model, ModelObjectKind.ALIAS_EVENT, 0, alias, m.group(5)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
