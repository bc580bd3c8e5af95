package io.runlake.query;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Phase timings of {@link Lake#open}, printed to stderr when the system property {@code runlake.timing} is
 * {@code true} (or the environment variable {@code RUNLAKE_TIMING=1}). For profiling only. Each phase is also
 * handed to a hook (tests act between the phases, e.g. run maintenance after the listing).
 */
final class OpenTimer {
    static final boolean ON = Boolean.getBoolean("runlake.timing") || "1".equals(System.getenv("RUNLAKE_TIMING"));
    private long last = System.nanoTime();
    private final long start = last;
    private final Consumer<String> hook;

    OpenTimer() {
        this(phase -> {});
    }

    OpenTimer(Consumer<String> hook) {
        this.hook = hook;
    }

    void lap(String phase) {
        hook.accept(phase);
        if (!ON) return;
        long now = System.nanoTime();
        System.err.printf(
                Locale.ROOT,
                "runlake: open %-28s %8.1f ms (total %8.1f ms)%n",
                phase,
                (now - last) / 1e6,
                (now - start) / 1e6);
        last = now;
    }
}
