package io.runlake.cli;

import io.runlake.query.History;
import io.runlake.query.Lake;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description =
                "A metric's points of one run, downsampled to --max-points keeping each bucket's first, last, min and max.")
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, unique id prefix (6+ characters) or run name.")
    String run;

    @Parameters(index = "1", paramLabel = "KEY", description = "The metric, e.g. train/loss.")
    String key;

    @Option(
            names = "--max-points",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Downsample to about this many points; 0 for every point (default: ${DEFAULT-VALUE}).")
    int maxPoints;

    @Override
    public Integer call() {
        QueryCli.atLeast(0, maxPoints, "--max-points");
        try (Lake lake = QueryCli.open(main, options, output)) {
            History h = lake.history(run, key, maxPoints);
            QueryCli.print(main, lake, h.toTable(), output);
            if (h.points().size() < h.totalPoints()) { // on stderr, so that CSV or JSON on stdout stays clean
                main.err()
                        .printf(
                                "runlake: %,d of %,d points (downsampled to about --max-points %d; "
                                        + "--max-points 0 for every point)%n",
                                h.points().size(), h.totalPoints(), maxPoints);
            }
        }
        return 0;
    }
}
