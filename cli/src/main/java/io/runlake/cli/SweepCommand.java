package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.SweepView;
import io.runlake.query.Table;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Hyperparameter sweeps written by the Sweep API (FORMAT.md §9.5).",
        subcommands = SweepCommand.Show.class)
final class SweepCommand {
    @ParentCommand
    Main main;

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One sweep: its attempts (parent runs), the best trial, and every trial with its point, "
                    + "status, rung and value; pruned trials say so.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        SweepCommand sweep;

        @Mixin
        QueryCli.Options options = new QueryCli.Options();

        @Mixin
        QueryCli.Output output = new QueryCli.Output();

        @Parameters(paramLabel = "SWEEP", description = "The sweep's name (the tag sweep.name).")
        String name;

        @Option(
                names = {"-e", "--experiment"},
                paramLabel = "NAME",
                description = "The sweep's experiment (needed when two experiments have a sweep of this name).")
        String experiment;

        @Override
        public Integer call() {
            Main main = sweep.main;
            try (Lake lake = QueryCli.open(main, options, output)) {
                SweepView view = lake.sweep(name, experiment);
                Table parents = view.attempts();
                Table trials = view.trials();
                List<Object> experiments = List.of(view.experiment());
                if (output.format.equals("table")) {
                    List<Object> last = parents.rows().get(parents.size() - 1);
                    main.out().printf("sweep '%s' in experiment '%s': %s%n", name, experiments.get(0), last.get(3));
                    for (List<Object> p : parents.rows())
                        main.out()
                                .printf(
                                        "  attempt: parent run %s %s%n",
                                        lake.showRunIds(List.of((String) p.get(1)))
                                                .get((String) p.get(1)),
                                        p.get(2));
                    if (last.get(5) != null)
                        main.out()
                                .printf(
                                        Locale.ROOT,
                                        "  best: trial %s, run %s, value %s%n",
                                        last.get(4),
                                        lake.showRunIds(List.of((String) last.get(5)))
                                                .get((String) last.get(5)),
                                        last.get(6));
                }
                QueryCli.printRuns(main, lake, trials, output, "trials");
            }
            return 0;
        }
    }
}
