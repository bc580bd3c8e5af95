package io.runlake.cli;

import io.runlake.query.Lake;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Runs side by side: params that differ, then last/min/max of each metric.")
final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids, prefixes or names.")
    List<String> runs;

    @Option(
            names = {"-m", "--metric"},
            paramLabel = "KEY",
            description = "Metrics to show (repeatable; default: all).")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--all-params", description = "Show every param, not only those that differ.")
    boolean allParams;

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options, output)) {
            QueryCli.print(main, lake, lake.compare(runs, metrics, allParams), output);
        }
        return 0;
    }
}
