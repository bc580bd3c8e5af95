package io.runlake.store;

/** A storage error that retrying will not fix (access denied, no such bucket, no credentials, bad URI). */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
