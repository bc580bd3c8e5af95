package io.runlake.cli;

import io.runlake.report.Direction;
import io.runlake.report.RankingRule;
import picocli.CommandLine.Option;

/** The options that choose a leaderboard's ranking rule (FORMAT.md §12.8), shared by 'leaderboard' and 'report'. */
final class RankingOptions {
    @Option(
            names = {"-m", "--metric"},
            required = true,
            paramLabel = "KEY",
            description = "The metric that ranks the runs, e.g. val/accuracy.")
    String metric;

    @Option(
            names = {"-d", "--direction"},
            paramLabel = "min|max",
            description = "min: lower is better, max: higher is better (default: max for score-like names such as "
                    + "accuracy, auc, f1, precision, recall; min otherwise).")
    String direction;

    @Option(
            names = {"-k", "--top"},
            defaultValue = "10",
            paramLabel = "K",
            description = "How many runs to list, at least 1 (default: ${DEFAULT-VALUE}).")
    int k;

    RankingRule rule() {
        QueryCli.atLeast(1, k, "--top");
        return RankingRule.of(metric, direction == null ? null : Direction.parse(direction))
                .withTopK(k);
    }
}
