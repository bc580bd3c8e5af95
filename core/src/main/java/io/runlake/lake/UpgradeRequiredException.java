package io.runlake.lake;

/**
 * The store's lake still has the log of an older RunLake and no lake tables (FORMAT.md §12.2.1). Readers refuse
 * such a store rather than read raw objects only: the old log's compacted points would be missing once their raw
 * shards are deleted. {@code runlake upgrade}, or any maintenance, fixes it.
 */
public final class UpgradeRequiredException extends RuntimeException {
    public UpgradeRequiredException(String message) {
        super(message);
    }
}
