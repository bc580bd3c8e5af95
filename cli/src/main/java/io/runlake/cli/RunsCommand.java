package io.runlake.cli;

import io.runlake.query.Lake;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists runs, newest first.")
final class RunsCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Mixin QueryCli.Options options = new QueryCli.Options();

    @Option(names = {"-e", "--experiment"}, paramLabel = "NAME", description = "Only runs of this experiment.")
    String experiment;

    @Option(names = {"-w", "--where"}, paramLabel = "FILTER",
            description = "SQL condition over the runs view; params.NAME, tags.NAME and metrics.KEY (last value) are looked up, "
                    + "e.g. \"params.lr < 0.01 and status = 'FINISHED'\".")
    String where;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many runs; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options)) {
            QueryCli.print(main, lake.runs(experiment, where, limit), options);
        }
        return 0;
    }
}
