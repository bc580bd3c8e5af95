package io.runlake.cli;

import io.runlake.query.Lake;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Runs SQL over the views experiments, runs, metrics, metric_summary, params, tags, artifacts, inputs, points,"
                    + " and the registry's models, model_versions, model_aliases, model_alias_history.",
            "Without a query: an interactive shell (line editing, history in ~/" + SqlShell.HISTORY_FILE
                    + ", .help, .tables, .quit; Ctrl-C cancels a statement, Ctrl-D leaves), or, with stdin piped, "
                    + "the statements (each ending with ';') read from stdin."
        })
final class SqlCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "One SQL statement to run (without it: the shell).")
    String query;

    @Option(
            names = "--print-views",
            description = "Print the view definitions as plain DuckDB SQL over a local folder "
                    + "(a file: store, or --folder made by 'runlake sync') and exit.")
    boolean printViews;

    @Option(
            names = "--folder",
            paramLabel = "DIR",
            description = "With --print-views: the synced folder (default: the file: store).")
    Path folder;

    @Override
    public Integer call() throws Exception {
        if (printViews) {
            Path root = folder;
            if (root == null) {
                if (!"file".equals(main.storeUri().getScheme())) {
                    throw new IllegalArgumentException(
                            "--print-views needs a local folder: run 'runlake sync DIR' first and pass --folder DIR");
                }
                root = Path.of(main.storeUri());
            }
            main.out().print(Lake.viewDefinitions(root));
            return 0;
        }
        try (Lake lake = QueryCli.open(main, options, output)) {
            SqlShell shell = new SqlShell(lake, main.out(), main.err(), output.format);
            if (query != null) {
                QueryCli.print(main, null, shell.run(query), output); // SQL answers: exact ids
                return 0;
            }
            if (System.console() == null) return shell.script(System.in); // a script or a test: statements from stdin
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                return shell.interactive(terminal, Path.of(System.getProperty("user.home"), SqlShell.HISTORY_FILE));
            }
        }
    }
}
