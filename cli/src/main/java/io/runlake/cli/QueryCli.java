package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.query.Mirror;
import io.runlake.query.Table;
import io.runlake.query.Timing;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Shared options and helpers of the query commands. */
final class QueryCli {
    private QueryCli() {}

    /** {@code --format}, mixed into each query command that prints a table (not those that write a file). */
    static final class Output {
        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "Output format: table, csv or json (default: ${DEFAULT-VALUE}).")
        String format = "table";

        void check() {
            if (!format.equals("table") && !format.equals("csv") && !format.equals("json")) {
                throw new IllegalArgumentException("unknown format '" + format + "': use table, csv or json");
            }
        }
    }

    /** {@code --cache-dir} and {@code --stale-timeout}, mixed into each query command. */
    static final class Options {
        @Option(
                names = "--cache-dir",
                paramLabel = "DIR",
                description = "Local cache of s3:// stores (default: $RUNLAKE_CACHE_DIR, else ~/.cache/runlake).")
        Path cacheDir;

        @Option(
                names = "--stale-timeout",
                paramLabel = "MINUTES",
                defaultValue = "15",
                description = "A run quiet for this long without an end is CRASHED (default: ${DEFAULT-VALUE}).")
        long staleMinutes = 15;
    }

    /** Opens the lake; {@code output} (null for commands that write a file) is checked first. */
    static Lake open(Main main, Options o, Output output) {
        if (output != null) output.check();
        atLeast(1, o.staleMinutes, "--stale-timeout");
        LakeOptions opts = LakeOptions.defaults().withStaleTimeout(Duration.ofMinutes(o.staleMinutes));
        if (o.cacheDir != null) opts = opts.withCacheDir(o.cacheDir);
        Timing.phase("command line parsed");
        Lake lake = Lake.open(main.storeUri(), opts, progress(main.err(), "syncing"));
        for (String p : lake.problems()) main.err().println("runlake: warning: " + p);
        return lake;
    }

    static void print(Main main, Table t, Output o) {
        Timing.phase("query answered");
        main.out().print(t.format(o.format));
        main.out().flush();
        Timing.phase("printed");
    }

    /** A numeric option that must be at least {@code min} (e.g. {@code -k 0} would list nothing). */
    static void atLeast(long min, long value, String option) {
        if (value < min) throw new IllegalArgumentException(option + " must be at least " + min + ", not " + value);
    }

    /** A progress bar on a terminal (stderr), nothing when piped. */
    static Mirror.Progress progress(PrintStream err, String what) {
        if (System.console() == null) return Mirror.Progress.NONE;
        return new Mirror.Progress() {
            long last;

            @Override
            public synchronized void update(long done, long total, long bytes) {
                long now = System.currentTimeMillis();
                if (done != total && now - last < 100) return;
                last = now;
                int width = 30;
                int filled = total == 0 ? width : (int) (width * done / total);
                err.printf(
                        "\r%s [%s%s] %d/%d objects, %.1f MB",
                        what, "#".repeat(filled), " ".repeat(width - filled), done, total, bytes / 1e6);
                if (done == total) err.println();
                err.flush();
            }
        };
    }
}
