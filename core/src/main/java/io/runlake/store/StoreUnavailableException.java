package io.runlake.store;

/** The store could not be reached (network, 5xx, throttling) even after retries; the write may be retried later. */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
