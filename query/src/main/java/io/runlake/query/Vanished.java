package io.runlake.query;

/**
 * A file the reader listed (or the log named live) was gone when read: maintenance covered or replaced it in a
 * newer commit and deleted it (FORMAT.md §12.3). Never a reason to skip the file as corrupt: the reader lists and
 * reads the log again ({@link LakeSession}).
 */
final class Vanished extends RuntimeException {
    final String key;

    Vanished(String key) {
        super(key + " disappeared while it was read", null, false, false);
        this.key = key;
    }

    /** The Vanished in {@code t}'s cause chain (parallel streams may wrap it), or null. */
    static Vanished in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Vanished v) return v;
        }
        return null;
    }
}
