package io.runlake.cli;

import io.runlake.client.Tracker;
import io.runlake.functions.core.Maintenance;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.query.Lake;
import io.runlake.query.Leaderboards;
import io.runlake.query.Report;
import io.runlake.query.Table;
import io.runlake.report.Direction;
import io.runlake.report.RankingRule;
import io.runlake.samples.SweepDemo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runlake demo}: tracks a small, real hyperparameter sweep so there is something to look at. Everything
 * it writes is in the store, in its work folder (named in its output) or in the {@code --report} file.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a small neural network on two spirals with 14 hyperparameter settings and tracks the sweep "
                    + "in the store (experiment '" + SweepDemo.EXPERIMENT + "'): a parent run, its child runs, "
                    + "one run that diverges and is recorded FAILED, and one run trained by two workers. Then "
                    + "compacts it and publishes its leaderboard into the store's reports/, as the maintenance "
                    + "function would.",
            "Takes a few seconds."
        })
final class DemoCommand implements Callable<Integer> {
    static final String METRIC = "val/accuracy";

    @ParentCommand
    Main main;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Where the demo writes its data set and model files (default: demo-files/ inside a local "
                    + "store's folder; ./runlake-demo-files for s3:// stores).")
    Path workDir;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write the sweep's HTML report (leaderboard, comparison, curves) to this file.")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintStream out = main.out();
        URI uri = main.storeUri();
        Path work = workDir != null ? workDir.toAbsolutePath() : SweepDemo.defaultWorkDir(uri);
        SweepDemo.Summary summary;
        try (Tracker tracker = main.openTracker()) {
            summary = SweepDemo.run(tracker, out, work);
        } // closing pushes everything still buffered
        String location = summary.experimentLocation();
        String where =
                "file".equals(uri.getScheme()) ? Path.of(URI.create(location)).toString() : location;
        out.println();
        out.printf("Raw runs written to %s%n", where);
        out.printf("  run.json (start), end/ (status), events/ (params, tags, artifacts) and metrics/*.parquet "
                + "under each run=<id>/%n");
        out.printf("Data set and model files written to %s%n", work);

        // What the Lambda functions would do next: compact, index, publish the leaderboard.
        out.println();
        Maintenance.ExperimentResult maintained;
        try (ObjectStore store = StoreUris.open(uri)) {
            MaintenanceOptions options = CompactCommand.maintenanceOptions(METRIC, "max");
            maintained = Maintenance.runExperiment(store, SweepDemo.EXPERIMENT, options, Instant.MAX, true);
        }
        CompactCommand.print(out, maintained);

        // What an analyst does: rank the sweep (and, if asked, write the report).
        out.println();
        out.printf("Leaderboard of '%s' by final %s:%n", SweepDemo.EXPERIMENT, METRIC);
        try (Lake lake = Lake.open(uri)) {
            RankingRule top = RankingRule.of(METRIC, Direction.MAX).withTopK(5);
            Table board = Leaderboards.table(lake.leaderboard(SweepDemo.EXPERIMENT, top, null));
            QueryCli.printRuns(main, lake, board, new QueryCli.Output(), "leaders");
            if (report != null) {
                Path file = report.toAbsolutePath();
                Files.createDirectories(file.getParent());
                RankingRule rule = RankingRule.of(METRIC, Direction.MAX).withTopK(8);
                Files.writeString(file, Report.html(lake, SweepDemo.EXPERIMENT, rule), StandardCharsets.UTF_8);
                out.println();
                out.printf("HTML report (leaderboard and the sweep's curves): %s%n", file);
            }
        }
        if (maintained.report() != null && maintained.report().written()) {
            out.printf(
                    "Published in the store: %s%n",
                    StoreUris.display(uri, maintained.report().htmlKey()));
        }
        printNext(out, uri, work, summary);
        return 0;
    }

    private void printNext(PrintStream out, URI uri, Path work, SweepDemo.Summary summary) {
        boolean isDefault = uri.toString()
                .replaceAll("/+$", "")
                .equals(StoreUris.defaultUri().toString().replaceAll("/+$", ""));
        String store = isDefault ? "" : " --uri " + uri;
        out.printf(
                "Next:%n  ./runlake runs%s -e %s --where \"params.lr < 0.2 and status = 'FINISHED'\"%n",
                store, SweepDemo.EXPERIMENT);
        if (report == null) {
            out.printf(
                    "  ./runlake report%s -e %s -m %s -d max -o spirals-report.html%n",
                    store, SweepDemo.EXPERIMENT, METRIC);
        }
        summary.best()
                .ifPresent(b -> out.printf(
                        "  ./runlake lineage%s %s    # where the best model came from%n",
                        store, SweepDemo.modelFile(work, b.name())));
    }
}
