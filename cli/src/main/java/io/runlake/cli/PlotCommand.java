package io.runlake.cli;

import io.runlake.query.History;
import io.runlake.query.Lake;
import io.runlake.query.Table;
import io.runlake.report.Plot;
import io.runlake.report.PngChart;
import io.runlake.report.Series;
import io.runlake.report.SvgChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = {
            "Line charts of metrics for several runs, as PNG or SVG (chosen by the output file's extension): one"
                    + " panel per metric over a shared x axis, each run labelled with its name and id as 'show'"
                    + " accepts it.",
            "Runs without a metric are left out of its panel with a note on stderr. A FAILED run's last value is"
                    + " marked and written on the chart. Long series are drawn as the mean per pixel column with"
                    + " a faint band from the column's minimum to its maximum."
        })
final class PlotCommand implements Callable<Integer> {
    /** What the x axis shows (--x). */
    enum XOption {
        step(Plot.XAxis.STEP),
        wall(Plot.XAxis.WALL),
        relative(Plot.XAxis.RELATIVE);

        final Plot.XAxis axis;

        XOption(Plot.XAxis axis) {
            this.axis = axis;
        }
    }

    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Option(
            names = {"-m", "--metric"},
            required = true,
            paramLabel = "KEY",
            description = "A metric to plot; repeat for one panel per metric (-m train/loss -m val/loss).")
    List<String> metrics;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "The chart file: a name ending in .png or .svg.")
    Path output;

    @Option(
            names = "--x",
            defaultValue = "step",
            paramLabel = "AXIS",
            description = "The x axis: step, wall (the time of each point, UTC) or relative (time since the run's"
                    + " first plotted point); default: ${DEFAULT-VALUE}.")
    XOption x;

    @Option(
            names = "--log-y",
            description = "A log10 y axis; values of 0 or below are left out, with a note on stderr.")
    boolean logY;

    @Option(
            names = "--smooth",
            defaultValue = "0",
            paramLabel = "W",
            description = "Smooth each line with an exponential moving average of weight W, at least 0 and below 1"
                    + " (as TensorBoard: 0.6 some, 0.95 much), the raw line faint behind it; default: none.")
    double smooth;

    @Option(
            names = "--max-points",
            defaultValue = "100000",
            paramLabel = "N",
            description = "Read at most about N points per run and metric (beyond that, each bucket's first, last,"
                    + " minimum and maximum); 0 for all (default: ${DEFAULT-VALUE}).")
    int maxPoints;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids, unique id prefixes or run names.")
    List<String> runs;

    /** A run as the chart names it. */
    private record RunInfo(String id, String label, boolean failed) {}

    @Override
    public Integer call() throws Exception {
        QueryCli.atLeast(0, maxPoints, "--max-points");
        if (!(smooth >= 0 && smooth < 1))
            throw new IllegalArgumentException("--smooth must be at least 0 and below 1, not " + smooth);
        String name = output.getFileName().toString().toLowerCase();
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("output file '" + output + "' must end with .png or .svg");
        }
        List<String> keys = List.copyOf(new LinkedHashSet<>(metrics));
        try (Lake lake = QueryCli.open(main, options, null)) {
            List<RunInfo> infos = runInfos(lake);
            Map<String, List<History>> byRun = new HashMap<>();
            List<Plot.Panel> panels = new ArrayList<>();
            for (String key : keys) {
                List<History> found = new ArrayList<>();
                List<String> without = new ArrayList<>();
                for (RunInfo r : infos) {
                    Optional<History> h = lake.historyIfLogged(r.id(), key, maxPoints);
                    if (h.isPresent()) found.add(h.get());
                    else without.add(r.label());
                    h.ifPresent(v -> byRun.computeIfAbsent(r.id(), id -> new ArrayList<>())
                            .add(v));
                }
                if (found.isEmpty()) {
                    if (infos.size() == 1) lake.history(infos.get(0).id(), key, 1); // says which metrics it has
                    throw new IllegalArgumentException(
                            "none of the " + infos.size() + " runs has metric '" + key + "'");
                }
                if (!without.isEmpty()) {
                    main.err()
                            .println("runlake: skipped " + runs(without.size()) + " without " + key + ": "
                                    + String.join(", ", without));
                }
            }
            for (String key : keys) panels.add(panel(key, infos, byRun));
            Plot plot = new Plot(String.join(", ", keys), x.axis, logY, smooth, panels);
            if (output.toAbsolutePath().getParent() != null)
                Files.createDirectories(output.toAbsolutePath().getParent());
            if (name.endsWith(".svg")) Files.writeString(output, SvgChart.render(plot), StandardCharsets.UTF_8);
            else Files.write(output, PngChart.render(plot));
        }
        main.out().println(output.toAbsolutePath());
        return 0;
    }

    /** The runs asked for, once each in the order given, labelled "name (id as shown)". */
    private List<RunInfo> runInfos(Lake lake) {
        List<String> ids = new ArrayList<>(
                new LinkedHashSet<>(runs.stream().map(lake::resolveRun).toList()));
        Map<String, String> shown = lake.showRunIds(ids);
        String in = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
        Table t = lake.sql("SELECT run_id, name, status FROM runs WHERE run_id IN (" + in + ")");
        Map<String, List<Object>> rows = new HashMap<>();
        for (List<Object> row : t.rows()) rows.put(String.valueOf(row.get(0)), row);
        List<RunInfo> out = new ArrayList<>();
        for (String id : ids) {
            List<Object> row = rows.get(id);
            String runName =
                    row == null || row.get(1) == null ? null : row.get(1).toString();
            boolean failed = row != null && "FAILED".equals(String.valueOf(row.get(2)));
            String label =
                    Series.ofRun(runName, shown.get(id), List.of(), failed).label();
            out.add(new RunInfo(id, label, failed));
        }
        return out;
    }

    /**
     * One panel: a series per run (empty where the run lacks the metric), x as asked. On a log axis the values of 0
     * or below are left out, with a note.
     */
    private Plot.Panel panel(String key, List<RunInfo> infos, Map<String, List<History>> byRun) {
        List<Series> series = new ArrayList<>();
        for (RunInfo r : infos) {
            List<History> histories = byRun.getOrDefault(r.id(), List.of());
            long start = histories.stream()
                    .flatMap(h -> h.points().stream())
                    .mapToLong(History.Point::timeMs)
                    .min()
                    .orElse(0);
            List<double[]> points = new ArrayList<>();
            int notPositive = 0;
            for (History h : histories) {
                if (!h.key().equals(key)) continue;
                for (History.Point p : h.points()) {
                    if (logY && !(p.value() > 0) && !Double.isNaN(p.value())) {
                        notPositive++;
                        continue;
                    }
                    double at = switch (x) {
                        case step -> p.step();
                        case wall -> p.timeMs() / 1000.0;
                        case relative -> (p.timeMs() - start) / 1000.0;
                    };
                    points.add(new double[] {at, p.value()});
                }
            }
            if (x != XOption.step) points.sort(Comparator.comparingDouble(p -> p[0]));
            if (notPositive > 0) {
                main.err()
                        .println("runlake: left out " + notPositive + " value" + (notPositive == 1 ? "" : "s") + " of "
                                + key + " at or below 0 for the log scale: " + r.label());
            }
            series.add(new Series(r.label(), points, r.failed()));
        }
        return new Plot.Panel(key, series);
    }

    private static String runs(int n) {
        return n + (n == 1 ? " run" : " runs");
    }
}
