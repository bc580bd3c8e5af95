package io.runlake.runs;

import io.runlake.format.Annotation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a run's annotations fold into what readers show (FORMAT.md §8.4), stated once in Java (the runs index) and as
 * the SQL the query views run; {@code AnnotationFoldTest} checks they agree. Annotations are applied in order of
 * ({@code time_ms}, annotation id):
 *
 * <ul>
 *   <li>note: the latest note annotation's text; an empty text clears it (none);
 *   <li>tags: the run's own tags (§9.2) first, then every tags annotation; a null value deletes;
 *   <li>archived: whether the latest archive or restore annotation is an archive (none: not archived).
 * </ul>
 *
 * Nothing else of a run (status, times, last activity, params, metrics) depends on its annotations.
 */
public final class AnnotationFold {
    private AnnotationFold() {}

    /** An annotation with its id (from its key), the tie-breaker for equal times. */
    public record Keyed(String annotationId, Annotation annotation) {}

    /** The fold's result; {@code note} null when there is none. */
    public record Folded(Map<String, String> tags, String note, String noteAuthor, Long noteTimeMs, boolean archived) {}

    public static final Comparator<Keyed> ORDER =
            Comparator.comparingLong((Keyed k) -> k.annotation().timeMs()).thenComparing(Keyed::annotationId);

    public static Folded fold(Map<String, String> runTags, List<Keyed> annotations) {
        List<Keyed> sorted = new ArrayList<>(annotations);
        sorted.sort(ORDER);
        Map<String, String> tags = new TreeMap<>(runTags);
        Annotation note = null;
        boolean archived = false;
        for (Keyed k : sorted) {
            Annotation a = k.annotation();
            switch (a.kind()) {
                case Annotation.NOTE -> note = a;
                case Annotation.TAGS ->
                    a.tags().forEach((name, value) -> {
                        if (value == null) tags.remove(name);
                        else tags.put(name, value);
                    });
                case Annotation.ARCHIVE -> archived = true;
                case Annotation.RESTORE -> archived = false;
                default -> {} // a kind from a later revision: ignored (§3)
            }
        }
        boolean hasNote = note != null && !note.note().isEmpty();
        return new Folded(
                tags,
                hasNote ? note.note() : null,
                hasNote ? note.author() : null,
                hasNote ? note.timeMs() : null,
                archived);
    }

    // The SQL forms, over a table of annotations with columns run_id, kind, time_ms, note, tags (JSON) and an
    // ordering column `id` (the object's key or path: within one run it orders like the annotation id).

    /** Aggregate: the run's note (latest note annotation; empty text clears it). */
    public static String noteSql() {
        return "nullif(arg_max(note, (time_ms, id)) FILTER (WHERE kind = '" + Annotation.NOTE + "'), '')";
    }

    /** Aggregate: whether the run is archived (latest of archive/restore). */
    public static String archivedSql() {
        return "coalesce(arg_max(kind = '" + Annotation.ARCHIVE + "', (time_ms, id)) FILTER (WHERE kind IN ('"
                + Annotation.ARCHIVE + "', '" + Annotation.RESTORE + "')), false)";
    }

    /**
     * Per (run_id, key) of a table of tag changes {@code (run_id, key, value JSON, time_ms, id)}: the latest change,
     * a JSON null meaning deletion. {@code from} is that table.
     */
    public static String tagChangesSql(String from) {
        return "SELECT run_id, key, arg_max(value, (time_ms, id)) AS value FROM " + from + " GROUP BY run_id, key";
    }

    /**
     * The run's tags: {@code runTags} (a MAP(VARCHAR, VARCHAR)) with {@code changes} applied, a
     * MAP(VARCHAR, VARCHAR) whose NULL values delete (NULL: no changes); entries sorted by key.
     */
    public static String applyTagsSql(String runTags, String changes) {
        String ch = "coalesce(" + changes + ", MAP {}::MAP(VARCHAR, VARCHAR))";
        return "map_from_entries(list_sort(list_filter(map_entries(" + runTags + "), e -> NOT list_contains(map_keys("
                + ch + "), e.key)) || list_filter(map_entries(" + ch + "), e -> e.value IS NOT NULL)))"
                + "::MAP(VARCHAR, VARCHAR)";
    }
}
