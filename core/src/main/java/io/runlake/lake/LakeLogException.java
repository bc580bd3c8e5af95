package io.runlake.lake;

/** The lake log of an experiment cannot be read consistently (a gap, an unreadable or foreign entry). */
public class LakeLogException extends RuntimeException {
    public LakeLogException(String message) {
        super(message);
    }
}
