package io.runlake.samples;

/** Thrown when the training loss stops being a sensible number (usually: learning rate far too high). */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
