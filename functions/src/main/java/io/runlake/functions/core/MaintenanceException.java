package io.runlake.functions.core;

/** A maintenance step failed in a way retrying now will not fix by itself (the message names the objects). */
public class MaintenanceException extends RuntimeException {
    public MaintenanceException(String message) {
        super(message);
    }

    public MaintenanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
