package io.runlake.client;

/** A tracking call that cannot be carried out; the message says what and why. */
public class TrackerException extends RuntimeException {
    public TrackerException(String message) {
        super(message);
    }

    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
