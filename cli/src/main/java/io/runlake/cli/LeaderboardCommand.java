package io.runlake.cli;

import io.runlake.query.Lake;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "leaderboard", mixinStandardHelpOptions = true, description = "The best runs of an experiment by a metric's final value.")
final class LeaderboardCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Mixin QueryCli.Options options = new QueryCli.Options();
    @Mixin QueryCli.Output output = new QueryCli.Output();

    @Option(names = {"-e", "--experiment"}, required = true, paramLabel = "NAME",
            description = "The experiment to rank.")
    String experiment;
    @Option(names = {"-m", "--metric"}, required = true, paramLabel = "KEY",
            description = "The metric whose final value (last step) ranks the runs, e.g. val/accuracy.")
    String metric;
    @Option(names = {"-d", "--direction"}, defaultValue = "min", paramLabel = "min|max",
            description = "min: lower is better (default), max: higher is better.") String direction;
    @Option(names = {"-k", "--top"}, defaultValue = "10", paramLabel = "K",
            description = "How many runs to list, at least 1 (default: ${DEFAULT-VALUE}).") int k;
    @Option(names = {"-w", "--where"}, paramLabel = "FILTER", description = "Runs filter, as for 'runs --where'.") String where;

    @Override
    public Integer call() {
        QueryCli.atLeast(1, k, "--top");
        Lake.Direction d = Lake.Direction.parse(direction);
        try (Lake lake = QueryCli.open(main, options, output)) {
            QueryCli.print(main, lake.leaderboard(experiment, metric, d, k, where), output);
        }
        return 0;
    }
}
