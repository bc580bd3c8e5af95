package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.QueryException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Runs SQL over the views experiments, runs, metrics, metric_summary, params, tags, artifacts, inputs, points.",
                "Without a query: an interactive shell reading statements (ending with ';') from stdin."})
final class SqlCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Mixin QueryCli.Options options = new QueryCli.Options();

    @Parameters(arity = "0..1", paramLabel = "QUERY") String query;

    @Option(names = "--print-views", description = "Print the view definitions as plain DuckDB SQL over a local folder "
            + "(a file: store, or --folder made by 'runlake sync') and exit.")
    boolean printViews;

    @Option(names = "--folder", paramLabel = "DIR", description = "With --print-views: the synced folder (default: the file: store).")
    Path folder;

    @Override
    public Integer call() throws Exception {
        if (printViews) {
            Path root = folder;
            if (root == null) {
                if (!"file".equals(main.storeUri().getScheme())) {
                    throw new IllegalArgumentException("--print-views needs a local folder: run 'runlake sync DIR' first and pass --folder DIR");
                }
                root = Path.of(main.storeUri());
            }
            main.out().print(Lake.viewDefinitions(root));
            return 0;
        }
        try (Lake lake = QueryCli.open(main, options)) {
            if (query != null) {
                QueryCli.print(main, lake.sql(query), options);
                return 0;
            }
            boolean tty = System.console() != null;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            StringBuilder stmt = new StringBuilder();
            int failures = 0;
            if (tty) main.err().print("runlake> ");
            for (String line; (line = in.readLine()) != null; ) {
                if (stmt.length() == 0 && (line.isBlank() || line.strip().startsWith("--"))) {
                    if (tty) main.err().print("runlake> ");
                    continue;
                }
                if (line.strip().equals(".quit") || line.strip().equals(".exit")) break;
                stmt.append(line).append('\n');
                if (line.strip().endsWith(";")) {
                    String sql = stmt.toString().strip();
                    sql = sql.substring(0, sql.length() - 1);
                    stmt.setLength(0);
                    try {
                        QueryCli.print(main, lake.sql(sql), options);
                    } catch (QueryException e) {
                        failures++;
                        main.err().println("runlake: " + e.getMessage());
                    }
                    if (tty) main.err().print("runlake> ");
                } else if (tty) {
                    main.err().print("     ...> ");
                }
            }
            if (stmt.length() > 0 && !stmt.toString().isBlank()) {
                try {
                    QueryCli.print(main, lake.sql(stmt.toString().strip()), options);
                } catch (QueryException e) {
                    failures++;
                    main.err().println("runlake: " + e.getMessage());
                }
            }
            return failures == 0 ? 0 : Main.FAILED;
        }
    }
}
