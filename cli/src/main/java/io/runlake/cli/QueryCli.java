package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.query.Mirror;
import io.runlake.query.Table;
import io.runlake.query.Timing;
import io.runlake.runs.ParamOrder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

        @Option(
                names = "--wide",
                description = "Tables: every value whole (full run ids and hashes, every param), however wide. "
                        + "Without it a table fits the terminal: ids show as their unique prefixes and long "
                        + "params or tags are cut; into a pipe or a file nothing is cut.")
        boolean wide;

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
                description =
                        "Local cache of s3:// stores (default: $RUNLAKE_CACHE_DIR, else $XDG_CACHE_HOME/runlake, else ~/.cache/runlake).")
        Path cacheDir;

        @Option(
                names = "--stale-timeout",
                paramLabel = "MINUTES",
                defaultValue = "15",
                description = "A run quiet for this long without an end is CRASHED (default: ${DEFAULT-VALUE}).")
        long staleMinutes = 15;
    }

    /** The lake options the query options name. */
    static LakeOptions lakeOptions(Options o) {
        atLeast(1, o.staleMinutes, "--stale-timeout");
        LakeOptions opts = LakeOptions.defaults().withStaleTimeout(Duration.ofMinutes(o.staleMinutes));
        return o.cacheDir == null ? opts : opts.withCacheDir(o.cacheDir);
    }

    /** Opens the lake; {@code output} (null for commands that write a file) is checked first. */
    static Lake open(Main main, Options o, Output output) {
        if (output != null) output.check();
        LakeOptions opts = lakeOptions(o);
        Timing.phase("command line parsed");
        Lake lake = main.openLake(opts, progress(main, "syncing"));
        for (String p : lake.problems()) main.err().println("runlake: warning: " + p);
        return lake;
    }

    /**
     * Prints {@code t}: CSV and JSON as they are (full ids, for programs); a text table for a person, with run ids
     * and hashes as their shortest unique prefixes ({@code lake} null: as they are) and fitted to the terminal,
     * saying on stderr which columns it cut and how to see them whole.
     */
    static void print(Main main, Lake lake, Table t, Output o) {
        Timing.phase("query answered");
        if (!o.format.equals("table")) {
            main.out().print(t.format(o.format));
            main.out().flush();
            Timing.phase("printed");
            return;
        }
        Table shown = o.wide || lake == null ? t : lake.showIds(t);
        int width = o.wide ? 0 : main.terminalWidth();
        Table.Text text = shown.toText(width);
        main.out().print(text.text());
        main.out().flush();
        Timing.phase("printed");
        if (!text.cut().isEmpty()) {
            main.err()
                    .printf(
                            "runlake: %s cut to fit %d columns; --wide shows them whole%n",
                            String.join(" and ", text.cut()), width);
        }
    }

    /**
     * Prints runs with a {@code params} column (FORMAT.md §12.8 rule 6, {@link ParamOrder}): the params that vary
     * between the rows first. In a text table the params alike in every row are said once above it ("same in all
     * 14 runs: ...") and left out of the column, so the column shows what tells the runs apart.
     */
    static void printRuns(Main main, Lake lake, Table t, Output o, String noun) {
        int column = t.columns().indexOf(PARAMS);
        if (column < 0) {
            print(main, lake, t, o);
            return;
        }
        List<Map<String, Object>> params = new ArrayList<>();
        for (List<Object> r : t.rows()) params.add(r.get(column) instanceof Map<?, ?> m ? textKeys(m) : Map.of());
        List<String> order = ParamOrder.of(params);
        Map<String, Object> same = o.format.equals("table") ? ParamOrder.constants(params) : Map.of();
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            Map<String, Object> p = new LinkedHashMap<>(ParamOrder.sorted(params.get(i), order));
            p.keySet().removeAll(same.keySet());
            List<Object> r = new ArrayList<>(t.rows().get(i));
            r.set(column, p);
            rows.add(r);
        }
        if (!same.isEmpty()) {
            long with = params.stream().filter(p -> !p.isEmpty()).count();
            String line = "same in all " + with + " " + noun + (with < t.size() ? " that have params" : "") + ": "
                    + Table.text(same);
            int width = o.wide ? 0 : main.terminalWidth();
            for (String l : width > 0 ? Table.wrap(line, width) : List.of(line))
                main.out().println(l);
        }
        print(main, lake, new Table(t.columns(), rows), o);
    }

    private static final String PARAMS = "params";

    private static Map<String, Object> textKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** A numeric option that must be at least {@code min} (e.g. {@code -k 0} would list nothing). */
    static void atLeast(long min, long value, String option) {
        if (value < min) throw new IllegalArgumentException(option + " must be at least " + min + ", not " + value);
    }

    /** A progress bar on a terminal (stderr), nothing when piped. */
    static Mirror.Progress progress(Main main, String what) {
        if (!main.console()) return Mirror.Progress.NONE;
        PrintStream err = main.err();
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

    /** Says on stderr (so CSV and JSON on stdout stay clean) how many archived runs a listing hid (FORMAT.md §8.4). */
    static void noteArchived(Main main, long hidden) {
        if (hidden > 0) {
            main.err()
                    .printf(
                            "runlake: %,d archived run%s hidden; use --all to show %s%n",
                            hidden, hidden == 1 ? "" : "s", hidden == 1 ? "it" : "them");
        }
    }
}
