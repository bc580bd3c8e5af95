package io.runlake.query;

import java.util.Locale;

/**
 * Where a process's time goes, for profiling one-shot commands: with {@code RUNLAKE_TIMING=1} (or the system
 * property {@code runlake.timing=true}) each phase is printed to stderr with its duration and the time since the
 * command started: {@code RUNLAKE_T0} (seconds since the epoch, set by the {@code runlake} launcher as it starts,
 * so JVM start-up is the first phase), else the first phase. Off, a phase costs one field read.
 */
public final class Timing {
    public static final boolean ON =
            Boolean.getBoolean("runlake.timing") || "1".equals(System.getenv("RUNLAKE_TIMING"));

    private static long start;
    private static long last;

    private Timing() {}

    /** Marks the end of {@code phase}. */
    public static void phase(String phase) {
        if (ON) print(phase);
    }

    private static synchronized void print(String phase) {
        long now = System.currentTimeMillis();
        if (start == 0) start = launcherStart(now);
        if (last == 0) last = start;
        System.err.printf(Locale.ROOT, "runlake: %-40s %7d ms (since start %6d ms)%n", phase, now - last, now - start);
        last = now;
    }

    private static long launcherStart(long now) {
        try {
            return (long) (Double.parseDouble(System.getenv("RUNLAKE_T0").replace(',', '.')) * 1000);
        } catch (RuntimeException e) { // not started by the launcher
            return now;
        }
    }
}
