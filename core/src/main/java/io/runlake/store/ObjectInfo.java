package io.runlake.store;

import java.time.Instant;

/** Metadata of one stored object. The ETag changes whenever the content could have changed. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {
    /**
     * When the object landed, by the store's clock, in epoch ms; unknown counts as now or later, so an object of
     * unknown age never makes anything look settled (FORMAT.md §12.7, §13.3).
     */
    public long landedMs() {
        return lastModified == null ? Long.MAX_VALUE : lastModified.toEpochMilli();
    }
}
