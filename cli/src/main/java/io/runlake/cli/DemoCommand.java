package io.runlake.cli;

import io.runlake.client.Tracker;
import io.runlake.samples.SweepDemo;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code runlake demo}: tracks a small, real hyperparameter sweep so there is something to look at. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a small neural network on two spirals with 14 hyperparameter settings and tracks the sweep "
                    + "in the store (experiment '" + SweepDemo.EXPERIMENT + "'): a parent run, its child runs, "
                    + "one run that diverges and is recorded FAILED, and one run trained by two workers.",
            "Takes a few seconds."
        })
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        PrintStream out = main.out();
        URI uri = main.storeUri();
        SweepDemo.Summary summary;
        try (Tracker tracker = main.openTracker()) {
            summary = SweepDemo.run(tracker, out);
        } // closing pushes everything still buffered
        String location = summary.experimentLocation();
        String where = "file".equals(uri.getScheme()) ? Path.of(URI.create(location)).toString() : location;
        out.println();
        out.printf("Data written to %s%n", where);
        out.printf("  run.json (start), end/ (status), events/ (tags, artifacts) and metrics/*.parquet under each run=<id>/%n");
        out.printf("Query it, e.g. with DuckDB:%n");
        out.printf("  duckdb -c \"select run_id, max_by(value, step) as final_val_accuracy from read_parquet('%s*/metrics/*.parquet') "
                + "where key = 'val/accuracy' and worker = 0 group by run_id order by 2 desc\"%n",
                where.endsWith("/") ? where : where + "/");
        return 0;
    }
}
