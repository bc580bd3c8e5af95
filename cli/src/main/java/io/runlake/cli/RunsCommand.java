package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists runs, newest first.")
final class RunsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Option(
            names = {"-e", "--experiment"},
            paramLabel = "NAME",
            description = "Only runs of this experiment.")
    String experiment;

    @Option(
            names = {"-w", "--where"},
            paramLabel = "FILTER",
            description =
                    "SQL condition over the runs view; params.NAME, tags.NAME and metrics.KEY (last value) are looked up, "
                            + "e.g. \"params.lr < 0.01 and status = 'FINISHED'\".")
    String where;

    @Option(
            names = "--limit",
            defaultValue = "100",
            paramLabel = "N",
            description = "At most this many runs, newest first; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--all", description = "Also archived runs (hidden by default).")
    boolean all;

    @Override
    public Integer call() {
        QueryCli.atLeast(0, limit, "--limit");
        try (Lake lake = QueryCli.open(main, options, output)) {
            Table shown = lake.runs(experiment, where, 0, all);
            if (limit == 0 || shown.size() <= limit) {
                QueryCli.printRuns(main, lake, shown, output, "runs");
            } else {
                QueryCli.printRuns(
                        main, lake, new Table(shown.columns(), shown.rows().subList(0, limit)), output, "runs");
                // on stderr, so that CSV or JSON on stdout stays clean
                main.err()
                        .printf(
                                "runlake: showing %,d of %,d runs; use --limit N, or --limit 0 for all%n",
                                limit, shown.size());
            }
            if (!all) QueryCli.noteArchived(main, lake.archivedRuns(experiment, where));
        }
        return 0;
    }
}
