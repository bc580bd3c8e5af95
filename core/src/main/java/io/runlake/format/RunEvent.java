package io.runlake.format;

import java.util.Map;

/**
 * Something recorded during a run after its start: late params, tag changes, an artifact, a data input
 * ({@code events/...json}; FORMAT.md, "Events"). Exactly one of the payload fields is set, as named by
 * {@code kind}.
 */
public record RunEvent(
        int formatVersion,
        String kind,
        String experiment,
        String runId,
        int worker,
        String writerId,
        long timeMs,
        Map<String, Object> params,
        Map<String, String> tags,
        Artifact artifact,
        Input input)
        implements FormatVersion.Versioned {
    public static final String PARAMS = "params";
    public static final String TAGS = "tags";
    public static final String ARTIFACT = "artifact";
    public static final String INPUT = "input";

    /**
     * A stored file (uri is the content-addressed blob key, {@code reference=false}) or a pointer to data
     * kept elsewhere ({@code reference=true}).
     */
    public record Artifact(String name, String sha256, long size, String uri, boolean reference) {}

    /** A data set the run read, identified by content (sha256) or by the store's version (etag/version id). */
    public record Input(
            String name,
            String uri,
            String role,
            String sha256,
            String etag,
            String versionId,
            long size,
            long files) {}
}
