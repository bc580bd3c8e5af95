package io.runlake.cli;

import io.runlake.functions.core.Reporter;
import io.runlake.query.Lake;
import io.runlake.query.Report;
import io.runlake.report.RankingRule;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Writes the leaderboard page (as published into reports/) with the curves of the top runs.")
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Option(
            names = {"-e", "--experiment"},
            required = true,
            paramLabel = "NAME",
            description = "The experiment to report.")
    String experiment;

    @Mixin
    RankingOptions ranking = new RankingOptions();

    @Option(
            names = {"-o", "--output"},
            defaultValue = "runlake-report.html",
            paramLabel = "FILE",
            description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--publish",
            negatable = true,
            defaultValue = "false",
            description = "Also publish the leaderboard (JSON, Markdown, HTML) into the store's reports/, as the "
                    + "maintenance function does; needs the runs index that 'runlake compact' builds (default: off).")
    boolean publish;

    @Override
    public Integer call() throws Exception {
        RankingRule rule = ranking.rule();
        try (Lake lake = QueryCli.open(main, options, null)) {
            String html = Report.html(lake, experiment, rule);
            if (output.toAbsolutePath().getParent() != null)
                Files.createDirectories(output.toAbsolutePath().getParent());
            Files.writeString(output, html, StandardCharsets.UTF_8);
        }
        main.out().println(output.toAbsolutePath());
        if (publish) {
            try (ObjectStore store = StoreUris.open(main.storeUri())) {
                var options = CompactCommand.maintenanceOptions(
                                rule.metric(), rule.direction().text())
                        .reporter()
                        .withTopK(rule.topK())
                        .withForce(true);
                Reporter.Result r = new Reporter(store, options).report(experiment);
                main.out()
                        .println(
                                r.written()
                                        ? StoreUris.display(store.uri(), r.htmlKey())
                                        : "not published: " + r.reason());
            }
        }
        return 0;
    }
}
