package io.runlake.store;

import java.time.Instant;

/** Metadata of one stored object. The ETag changes whenever the content could have changed. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
