package io.runlake.lake;

/** A commit lost the race for the next log version on every attempt its {@link CommitRetryPolicy} allowed. */
public class CommitConflictException extends RuntimeException {
    private final String experiment;
    private final int attempts;

    public CommitConflictException(String experiment, String operation, int attempts, long lostVersion) {
        super("gave up committing " + operation + " to experiment '" + experiment + "' after " + attempts
                + " attempts: other writers kept taking the next log version (last lost: " + lostVersion + ")");
        this.experiment = experiment;
        this.attempts = attempts;
    }

    public String experiment() {
        return experiment;
    }

    public int attempts() {
        return attempts;
    }
}
