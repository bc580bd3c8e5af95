package io.runlake.cli;

import io.runlake.format.Layout;
import io.runlake.functions.core.Maintenance;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runlake compact}: the same cores the Lambda functions run (compaction, runs index and, with
 * {@code --publish}, the published leaderboard), here against any {@code file:} or {@code s3:} store.
 */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = "Compacts raw metric shards into sorted lake files and rebuilds the runs index of each "
                + "experiment (what the maintenance function does); with --publish also publishes each leaderboard.")
final class CompactCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(
            names = {"-e", "--experiment"},
            paramLabel = "NAME",
            description = "Only this experiment (repeatable; default: all).")
    List<String> experiments;

    @Option(
            names = "--publish",
            description = "Also publish each experiment's leaderboard report into the store's reports/.")
    boolean publish;

    @Option(
            names = {"-m", "--metric"},
            paramLabel = "KEY",
            description = "With --publish: the metric the leaderboard ranks by (default: the function's setting).")
    String metric;

    @Option(
            names = {"-d", "--direction"},
            paramLabel = "min|max",
            description = "With --publish: that metric's direction.")
    String direction;

    @Override
    public Integer call() {
        if (!publish && (metric != null || direction != null)) {
            throw new IllegalArgumentException(
                    "--metric and --direction choose the published leaderboard: add --publish");
        }
        MaintenanceOptions options = maintenanceOptions(metric, direction);
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            List<String> known = Maintenance.experiments(store);
            if (known.isEmpty() && store.head(Layout.FORMAT_MARKER).isEmpty()) {
                throw new IllegalArgumentException("no RunLake store at " + StoreUris.display(store.uri(), "")
                        + " (no runs/ and no " + Layout.FORMAT_MARKER + ")");
            }
            List<String> names = experiments == null || experiments.isEmpty() ? known : experiments;
            for (String name : names) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown experiment '" + name + "' (experiments: "
                            + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
                }
            }
            if (names.isEmpty()) {
                main.out().println("no experiments in " + store.uri());
                return 0;
            }
            boolean terminal = main.console(); // a progress line on a terminal, nothing when piped
            for (int i = 0; i < names.size(); i++) {
                String experiment = names.get(i);
                if (terminal) {
                    main.err()
                            .printf(
                                    "\r[%s] %d/%d compacting %s ",
                                    bar(i, names.size()), i + 1, names.size(), experiment);
                    main.err().flush();
                }
                Maintenance.ExperimentResult r =
                        Maintenance.runExperiment(store, experiment, options, Instant.MAX, publish);
                if (terminal) main.err().print("\r\033[K");
                print(main.out(), r);
            }
        }
        return 0;
    }

    private static String bar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : done * width / total;
        return "#".repeat(filled) + ".".repeat(width - filled);
    }

    static MaintenanceOptions maintenanceOptions(String metric, String direction) {
        MaintenanceOptions options = MaintenanceOptions.fromEnv(System.getenv());
        if (metric != null) options = options.withReporter(options.reporter().withMetric(metric, direction));
        return options;
    }

    static void print(PrintStream out, Maintenance.ExperimentResult r) {
        var c = r.compaction();
        var i = r.index();
        var rep = r.report();
        out.printf(
                "%s: compacted %,d points from %d shards (%d files merged, %d quarantined) -> %d live lake files, "
                        + "version %d%n",
                r.experiment(),
                c.pointsCompacted(),
                c.shardsCompacted(),
                c.filesMerged(),
                c.quarantined(),
                c.liveFiles(),
                c.version());
        if (i.skipped()) {
            out.printf("%s: runs index up to date%n", r.experiment());
        } else {
            out.printf("%s: runs index %s (%d runs: %s)%n", r.experiment(), i.indexFile(), i.runs(), i.statusCounts());
        }
        if (rep != null) {
            out.printf(
                    "%s: leaderboard report %s%n",
                    r.experiment(), rep.written() ? rep.htmlKey() : "not written (" + rep.reason() + ")");
        }
    }
}
