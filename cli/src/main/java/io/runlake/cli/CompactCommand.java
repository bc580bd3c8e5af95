package io.runlake.cli;

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
 * {@code runlake compact}: the same cores the Lambda functions run (compaction, runs index, published
 * leaderboard), here against any {@code file:} or {@code s3:} store.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Compacts raw metric shards into sorted lake files, rebuilds the runs index and publishes the "
                + "leaderboard report of each experiment (what the Lambda functions do).")
final class CompactCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = {"-e", "--experiment"}, paramLabel = "NAME", description = "Only this experiment (default: all).")
    List<String> experiments;

    @Option(names = {"-m", "--metric"}, paramLabel = "KEY", description = "Metric the published leaderboard ranks by.")
    String metric;

    @Option(names = {"-d", "--direction"}, paramLabel = "min|max", description = "Direction of that metric.")
    String direction;

    @Override
    public Integer call() {
        MaintenanceOptions options = maintenanceOptions(metric, direction);
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            List<String> names = experiments == null || experiments.isEmpty() ? Maintenance.experiments(store) : experiments;
            if (names.isEmpty()) {
                main.out().println("no experiments in " + store.uri());
                return 0;
            }
            boolean terminal = System.console() != null; // a progress line on a terminal, nothing when piped
            for (int i = 0; i < names.size(); i++) {
                String experiment = names.get(i);
                if (terminal) {
                    main.err().printf("\r[%s] %d/%d compacting %s ", bar(i, names.size()), i + 1, names.size(), experiment);
                    main.err().flush();
                }
                Maintenance.ExperimentResult r = Maintenance.runExperiment(store, experiment, options, Instant.MAX, true);
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
        out.printf("%s: compacted %,d points from %d shards (%d files merged, %d quarantined) -> %d live lake files, version %d%n",
                r.experiment(), c.pointsCompacted(), c.shardsCompacted(), c.filesMerged(), c.quarantined(), c.liveFiles(), c.version());
        out.printf("%s: runs index %s (%d runs: %s)%n", r.experiment(), i.skipped() ? "up to date" : i.indexFile(), i.runs(),
                i.statusCounts());
        if (rep != null) {
            out.printf("%s: leaderboard report %s%n", r.experiment(), rep.written() ? rep.htmlKey() : "not written (" + rep.reason() + ")");
        }
    }
}
