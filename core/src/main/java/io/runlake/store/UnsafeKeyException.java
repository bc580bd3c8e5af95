package io.runlake.store;

import java.nio.file.Path;

/**
 * An object key that cannot be written under a local folder because it would leave it (absolute, {@code ..},
 * empty segments, ...). Thrown by {@link LocalPaths#resolveKey}; the message names the key and the reason.
 */
public class UnsafeKeyException extends IllegalArgumentException {
    private final String key;

    public UnsafeKeyException(String key, String reason, Path root) {
        super("unsafe object key " + LocalPaths.quote(key) + " (" + reason + "): a local copy must stay under " + root);
        this.key = key;
    }

    /** The key as received. */
    public String key() {
        return key;
    }
}
