package io.runlake.cli;

import io.runlake.query.Lake;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "experiments",
        mixinStandardHelpOptions = true,
        description = "Lists the experiments with run counts by status.")
final class ExperimentsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options, output)) {
            QueryCli.print(main, lake, lake.experimentsTable(), output);
        }
        return 0;
    }
}
