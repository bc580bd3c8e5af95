package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.Lineage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = {"Where a model or data set came from: for a file or SHA-256, the runs that produced it (code version, "
                + "data inputs, params, environment, parent sweep) and the runs that used it as input; for a run, the same for that run."})
final class LineageCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Mixin QueryCli.Options options = new QueryCli.Options();

    @Parameters(paramLabel = "FILE|SHA256|RUN") String target;

    @Override
    public Integer call() {
        try (Lake lake = QueryCli.open(main, options)) {
            Lineage l = lake.lineage(target);
            if (options.format.equals("json")) main.out().print(l.toJson());
            else QueryCli.print(main, l.toTable(), options);
        }
        return 0;
    }
}
