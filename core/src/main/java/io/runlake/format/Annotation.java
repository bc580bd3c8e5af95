package io.runlake.format;

import java.util.Map;

/**
 * Something said about a run after the fact, by anyone, without joining it: a note, tag changes, archive or restore
 * ({@code annotations/experiment=<esc>/run=<run_id>/<annotation_id>.json}; FORMAT.md §8.4). Immutable and
 * put-if-absent like every object; an annotation never changes the run's status, times or last activity.
 */
public record Annotation(
        int formatVersion,
        String kind,
        String experiment,
        String runId,
        long timeMs,
        String author,
        String note,
        Map<String, String> tags,
        String reason)
        implements FormatVersion.Versioned {
    public static final String NOTE = "note";
    public static final String TAGS = "tags";
    public static final String ARCHIVE = "archive";
    public static final String RESTORE = "restore";
    /**
     * A writer is about to add objects to a run that a runs index may already hold as settled (FORMAT.md §10.1):
     * readers list the run's objects again whatever the index's watermark says (§13.3). The fold ignores it.
     */
    public static final String REOPEN = "reopen";

    /** The longest note, in characters: a description, not a document store. */
    public static final int MAX_NOTE_CHARS = 100_000;

    /**
     * Reads an annotation and applies the checks of §8.4 and §11: its version (a newer one is refused), its shape, the
     * payload its kind needs, its time, and agreement with its key. An unknown kind is read (and ignored by the fold).
     *
     * @throws Json.MalformedObjectException when it is corrupt
     * @throws FormatVersion.UnsupportedFormatException when it is from a newer format
     */
    public static Annotation read(byte[] bytes, String key, Layout.AnnotationKey parsedKey) {
        Annotation a;
        try {
            a = FormatVersion.readJson(bytes, Annotation.class, key);
        } catch (Json.MalformedObjectException e) {
            String p = e.problem() == null ? "" : e.problem();
            int nl = p.indexOf('\n');
            throw new Json.MalformedObjectException(
                    key, "not a valid annotation (" + (nl < 0 ? p : p.substring(0, nl)) + ")");
        }
        String problem = problem(a, parsedKey);
        if (!problem.isEmpty()) throw new Json.MalformedObjectException(key, problem);
        return a;
    }

    /** "" when the annotation is well formed and agrees with its key, else the problem. */
    static String problem(Annotation a, Layout.AnnotationKey key) {
        if (a.kind() == null) return "kind is missing";
        if (!key.runId().equals(a.runId())) return "run_id is '" + a.runId() + "' but the key says " + key.runId();
        if (!key.experiment().equals(a.experiment())) {
            return "experiment is '" + (a.experiment() == null ? null : Names.printable(a.experiment()))
                    + "' but the key says '" + Names.printable(key.experiment()) + "'";
        }
        if (a.timeMs() < 0 || a.timeMs() > RunObjects.MAX_TIME_MS) {
            return "time_ms " + a.timeMs() + " is not a time between 1970 and 9999";
        }
        if (NOTE.equals(a.kind()) && a.note() == null) return "a note annotation without a note";
        if (TAGS.equals(a.kind()) && (a.tags() == null || a.tags().isEmpty())) {
            return "a tags annotation without tags";
        }
        return "";
    }
}
