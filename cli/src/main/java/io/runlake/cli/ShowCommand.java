package io.runlake.cli;

import io.runlake.query.Lake;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Shows one run: status, params, tags, metric summaries, artifacts, inputs.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(paramLabel = "RUN", description = "Run id, unique id prefix (6+ characters) or run name.")
    String run;

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options, output)) {
            QueryCli.print(main, lake, lake.show(run), output);
        }
        return 0;
    }
}
