package io.runlake.cli;

import io.runlake.format.RunStatus;
import io.runlake.query.Lake;
import io.runlake.query.Leaderboards;
import io.runlake.report.Leaderboard;
import io.runlake.report.MetricValue;
import io.runlake.report.RankingRule;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "leaderboard",
        mixinStandardHelpOptions = true,
        description = "The best runs of an experiment by a metric's final value; FAILED runs are not ranked.")
final class LeaderboardCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Mixin
    RankingOptions ranking = new RankingOptions();

    @Option(
            names = {"-e", "--experiment"},
            required = true,
            paramLabel = "NAME",
            description = "The experiment to rank.")
    String experiment;

    @Option(
            names = {"-w", "--where"},
            paramLabel = "FILTER",
            description = "Runs filter, as for 'runs --where'.")
    String where;

    @Option(
            names = "--by",
            defaultValue = "last",
            paramLabel = "last|best",
            description = "Rank by the final value (default) or the best value of the metric.")
    String by;

    @Option(
            names = "--status",
            split = ",",
            paramLabel = "STATUS",
            description = "Statuses ranked (default: FINISHED,RUNNING,KILLED,CRASHED).")
    List<RunStatus> statuses;

    @Option(names = "--all", description = "Also rank archived runs (hidden by default).")
    boolean all;

    @Override
    public Integer call() {
        RankingRule rule = ranking.rule().withValue(MetricValue.parse(by));
        if (statuses != null) rule = rule.withStatuses(EnumSet.copyOf(statuses));
        try (Lake lake = QueryCli.open(main, options, output)) {
            Leaderboard board = lake.leaderboard(experiment, rule, where, all);
            QueryCli.printRuns(main, lake, Leaderboards.table(board), output, "leaders");
            if (board.leaders().size() < board.runsRanked()) { // on stderr, so that CSV or JSON stays clean
                main.err()
                        .printf(
                                "runlake: showing the top %d of %,d ranked runs; use -k N for more%n",
                                board.leaders().size(), board.runsRanked());
            }
            if (!all) QueryCli.noteArchived(main, lake.archivedRuns(experiment, where));
        }
        return 0;
    }
}
