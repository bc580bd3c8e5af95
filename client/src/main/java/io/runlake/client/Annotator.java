package io.runlake.client;

import io.runlake.runs.Annotations;
import io.runlake.store.StoreException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Describes, re-tags, archives or restores a run after the fact without joining it (FORMAT.md §8.4): each call writes
 * one annotation object at once (no buffering, no spill), and the run's status, start and end time, duration and last
 * activity stay exactly as its writers left them. From {@link Tracker#annotate(String)}.
 */
public final class Annotator {
    private final Annotations annotations;

    Annotator(Annotations annotations) {
        this.annotations = annotations;
    }

    public String runId() {
        return annotations.runId();
    }

    public String experiment() {
        return annotations.experiment();
    }

    /** Sets the run's note (Markdown); earlier notes stay in the store as its history. {@code ""} clears it. */
    public Annotator setNote(String markdown) {
        call(() -> annotations.note(markdown));
        return this;
    }

    /** Sets a tag; it applies after the run's own tags whatever their times. */
    public Annotator setTag(String name, String value) {
        if (value == null) throw new IllegalArgumentException("a tag value cannot be null; use deleteTag");
        call(() -> annotations.tags(Map.of(name, value)));
        return this;
    }

    /** Sets several tags in one annotation; a null value deletes that tag. */
    public Annotator setTags(Map<String, String> changes) {
        call(() -> annotations.tags(changes));
        return this;
    }

    public Annotator deleteTag(String name) {
        HashMap<String, String> change = new HashMap<>();
        change.put(name, null);
        call(() -> annotations.tags(change));
        return this;
    }

    /** Hides the run from listings, leaderboards and reports by default (nothing is deleted). */
    public Annotator archive(String reason) {
        call(() -> annotations.archive(reason));
        return this;
    }

    public Annotator restore(String reason) {
        call(() -> annotations.restore(reason));
        return this;
    }

    private void call(Supplier<String> write) {
        try {
            write.get();
        } catch (StoreException e) {
            throw new TrackerException("cannot annotate run " + runId() + ": " + e.getMessage(), e);
        }
    }
}
