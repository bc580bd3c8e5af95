package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.Lineage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "lineage",
        mixinStandardHelpOptions = true,
        description = {
            "Where a model or data set came from: for a file or SHA-256, the runs that produced it (code version, "
                    + "data inputs, params, environment, parent sweep) and the runs that used it as input; for a run, the same for that run."
        })
final class LineageCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(
            paramLabel = "FILE|SHA256|RUN",
            description = "A local file (hashed), a SHA-256, or a run id, unique id prefix or name.")
    String target;

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options, output)) {
            Lineage l = lake.lineage(target);
            if (output.format.equals("json")) main.out().print(l.toJson());
            else QueryCli.print(main, lake, l.toTable(), output);
        }
        return 0;
    }
}
