package io.runlake.runs;

import io.runlake.format.Annotation;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.store.ObjectStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a run's annotations (FORMAT.md §8.4): a note, tag changes, archive and restore, each one new put-if-absent
 * object under {@code annotations/}. It never joins the run, so the run's status, times and last activity stay as its
 * own writers left them. The one class of this package that touches a store (it writes; folding is {@link
 * AnnotationFold}).
 */
public final class Annotations {
    private final ObjectStore store;
    private final String experiment;
    private final String runId;
    private final String author;
    private final Clock clock;
    /** The time of the last annotation written here: the next gets a later one (ids of one millisecond are random). */
    private long lastTimeMs = Long.MIN_VALUE;

    private Annotations(ObjectStore store, String experiment, String runId, String author, Clock clock) {
        this.store = store;
        this.experiment = experiment;
        this.runId = runId;
        this.author = author;
        this.clock = clock;
    }

    /**
     * Annotations of the run {@code runId}, found by its run-id pointer; {@code author} is who writes them (e.g. the
     * OS user). Refuses a store whose format marker is newer (a writer rule, §3).
     *
     * @throws IllegalArgumentException when the store has no such run
     */
    public static Annotations forRun(ObjectStore store, String runId, String author, Clock clock) {
        FormatVersion.checkMarker(
                store.get(Layout.FORMAT_MARKER).orElse(null), store.uri().toString());
        RunIds.requireValid(runId);
        String key = Layout.runIdPointer(runId);
        byte[] pointer = store.get(key)
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " not found in " + store.uri()));
        RunIdPointer p = FormatVersion.readJson(pointer, RunIdPointer.class, key);
        return new Annotations(store, p.experiment(), runId, author, clock);
    }

    /**
     * Writes a {@code reopen} annotation (FORMAT.md §8.4, §10.1) for a run whose experiment the writer already knows
     * (from the key of an object it is about to push, or the run-id pointer it read), and returns its key. Written
     * before any object it announces, so every reader that can see those objects also sees it.
     */
    public static String reopen(ObjectStore store, String experiment, String runId, String reason) {
        return new Annotations(store, experiment, RunIds.requireValid(runId), currentUser(), Clock.systemUTC())
                .write(Annotation.REOPEN, null, null, reason);
    }

    /** The default author: the OS user name. */
    public static String currentUser() {
        return System.getProperty("user.name", "unknown");
    }

    public String experiment() {
        return experiment;
    }

    public String runId() {
        return runId;
    }

    /** Sets the run's note (Markdown); the previous notes stay in the history. An empty text clears the note. */
    public String note(String markdown) {
        if (markdown == null) throw new IllegalArgumentException("a note needs a text (\"\" clears it)");
        if (markdown.length() > Annotation.MAX_NOTE_CHARS) {
            throw new IllegalArgumentException("a note is at most " + Annotation.MAX_NOTE_CHARS
                    + " characters, this one has " + markdown.length());
        }
        return write(Annotation.NOTE, markdown, null, null);
    }

    /** Sets (string value) or deletes (null value) tags, in one annotation. */
    public String tags(Map<String, String> changes) {
        if (changes.isEmpty()) throw new IllegalArgumentException("no tag to set or delete");
        return write(Annotation.TAGS, null, new LinkedHashMap<>(changes), null);
    }

    /** Hides the run from listings by default; {@code reason} may be null. */
    public String archive(String reason) {
        return write(Annotation.ARCHIVE, null, null, reason);
    }

    /** Shows an archived run again; {@code reason} may be null. */
    public String restore(String reason) {
        return write(Annotation.RESTORE, null, null, reason);
    }

    /** Writes one annotation and returns its key. */
    private synchronized String write(String kind, String note, Map<String, String> tags, String reason) {
        lastTimeMs = Math.max(clock.millis(), lastTimeMs + 1);
        Annotation a =
                new Annotation(FormatVersion.CURRENT, kind, experiment, runId, lastTimeMs, author, note, tags, reason);
        String key = Layout.annotation(experiment, runId, RunIds.newId());
        if (!store.putIfAbsent(key, Json.write(a), "application/json")) {
            throw new IllegalStateException("annotation " + key + " already exists; annotation ids must be unique");
        }
        return key;
    }
}
