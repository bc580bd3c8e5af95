package io.runlake.query;

import java.util.function.Consumer;

/**
 * The phases of {@link Lake#open}: each is handed to a hook (tests act between the phases, e.g. run maintenance
 * after the listing) and to {@link Timing} (printed with {@code RUNLAKE_TIMING=1}).
 */
final class OpenTimer {
    private final Consumer<String> hook;

    OpenTimer() {
        this(phase -> {});
    }

    OpenTimer(Consumer<String> hook) {
        this.hook = hook;
    }

    void lap(String phase) {
        hook.accept(phase);
        Timing.phase("open: " + phase);
    }
}
