package io.runlake.registry;

/** An alias move whose {@link Promotion} condition failed; nothing was written. */
public final class PromotionRefusedException extends RuntimeException {
    public PromotionRefusedException(String message) {
        super(message);
    }
}
