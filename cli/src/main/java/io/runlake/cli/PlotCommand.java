package io.runlake.cli;

import io.runlake.query.History;
import io.runlake.query.Lake;
import io.runlake.report.PngChart;
import io.runlake.report.Series;
import io.runlake.report.SvgChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description =
                "A line chart of one metric for several runs, as PNG or SVG (chosen by the output file's extension).")
final class PlotCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Option(
            names = {"-m", "--metric"},
            required = true,
            paramLabel = "KEY",
            description = "The metric to plot.")
    String metric;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "The chart file: a name ending in .png or .svg.")
    Path output;

    @Option(
            names = "--max-points",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Downsample each curve to about this many points; 0 for all (default: ${DEFAULT-VALUE}).")
    int maxPoints;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids, unique id prefixes or run names.")
    List<String> runs;

    @Override
    public Integer call() throws Exception {
        QueryCli.atLeast(0, maxPoints, "--max-points");
        String name = output.getFileName().toString().toLowerCase();
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("output file '" + output + "' must end with .png or .svg");
        }
        try (Lake lake = QueryCli.open(main, options, null)) {
            List<Series> series = new ArrayList<>();
            for (String run : runs) {
                History h = lake.history(run, metric, maxPoints);
                Object runName = lake.sql("SELECT name FROM runs WHERE run_id = '" + h.runId() + "'")
                        .rows()
                        .get(0)
                        .get(0);
                String label =
                        runName == null ? h.runId() : runName + " (" + h.runId().substring(20) + ")";
                series.add(new Series(label, h.stepValues()));
            }
            if (output.toAbsolutePath().getParent() != null)
                Files.createDirectories(output.toAbsolutePath().getParent());
            if (name.endsWith(".svg")) {
                Files.writeString(output, SvgChart.render(metric, "step", metric, series), StandardCharsets.UTF_8);
            } else Files.write(output, PngChart.render(metric, "step", metric, series));
        }
        main.out().println(output.toAbsolutePath());
        return 0;
    }
}
