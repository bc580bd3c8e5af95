package io.runlake.format;

import java.util.Map;

/**
 * {@code models/<model>/model.json}: a registered model, created once with put-if-absent and never rewritten
 * (FORMAT.md §16.2).
 */
public record RegisteredModel(
        int formatVersion,
        String kind,
        String name,
        String description,
        Map<String, String> tags,
        String createdBy,
        long createdTimeMs)
        implements FormatVersion.Versioned {
    public static final String KIND = "registered_model";
}
