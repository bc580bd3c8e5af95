package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.QueryException;
import io.runlake.query.Table;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The statements of {@code runlake sql} without a query: on a terminal an editing shell (JLine: line editing,
 * history in {@code ~/.runlake_history} readable by its owner only, Ctrl-C cancels the running statement or
 * the line being typed, Ctrl-D leaves); from a pipe, a script of statements each ending with {@code ;}.
 * Both take the dot commands {@code .help}, {@code .tables} and {@code .quit} / {@code .exit}.
 */
final class SqlShell {
    static final String PROMPT = "runlake> ";
    static final String CONTINUATION = "     ...> ";
    static final String HISTORY_FILE = ".runlake_history";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code show tables} lists the public views only, as {@code .tables} does. */
    private static final Pattern SHOW_TABLES = Pattern.compile("(?i)\\s*show\\s+(tables|all\\s+tables)\\s*;?\\s*");

    static final String HELP = String.join(
            "\n",
            "End each SQL statement with ';'. The views: run '.tables', then e.g. 'describe runs;'.",
            "  .tables         the views (also: show tables;)",
            "  .help           this text",
            "  .quit, .exit    leave (also Ctrl-D)",
            "Ctrl-C cancels the running statement, or the line being typed.",
            "");

    private final Lake lake;
    private final PrintStream out;
    private final PrintStream err;
    private final String format;
    private int failures;

    SqlShell(Lake lake, PrintStream out, PrintStream err, String format) {
        this.lake = lake;
        this.out = out;
        this.err = err;
        this.format = format;
    }

    /** Statements read from a pipe or file; the exit code is 1 when any failed. */
    int script(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder stmt = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            if (stmt.length() == 0 && (line.isBlank() || line.strip().startsWith("--"))) continue;
            if (stmt.length() == 0 && line.strip().startsWith(".")) {
                if (!dotCommand(line.strip())) break;
                continue;
            }
            stmt.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                execute(stmt.toString());
                stmt.setLength(0);
            }
        }
        if (!stmt.toString().isBlank()) execute(stmt.toString());
        return failures == 0 ? 0 : Main.FAILED;
    }

    /** The interactive shell on {@code terminal}, with its history in {@code history} (created 0600). */
    int interactive(Terminal terminal, Path history) throws IOException {
        privateFile(history);
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("runlake")
                .parser(new StatementParser())
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .build();
        terminal.handle(Terminal.Signal.INT, signal -> lake.cancel()); // while a statement runs
        err.println("RunLake SQL shell over " + lake.uri() + " ('.help' for help, Ctrl-D to leave)");
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                continue; // Ctrl-C on a line: drop it
            } catch (EndOfFileException e) {
                break;
            }
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("--")) continue;
            if (text.startsWith(".")) {
                if (!dotCommand(text)) break;
                continue;
            }
            execute(text);
        }
        reader.getHistory().save();
        return 0;
    }

    /** Runs a dot command; false for {@code .quit} / {@code .exit}. */
    boolean dotCommand(String command) {
        switch (command.replaceAll(";$", "")) {
            case ".quit", ".exit", ".q" -> {
                return false;
            }
            case ".help" -> out.print(HELP);
            case ".tables" -> out.print(views().format(format));
            default -> {
                failures++;
                err.println("runlake: unknown command '" + command + "' (.help lists them)");
            }
        }
        out.flush();
        return true;
    }

    /** The views a user queries: not DuckDB's own, not RunLake's internal ones (names starting with '_'). */
    Table views() {
        return lake.sql("SELECT view_name AS name FROM duckdb_views() WHERE NOT internal "
                + "AND NOT starts_with(view_name, '_') ORDER BY 1");
    }

    /** One statement's result; {@code show tables} lists the public views only. */
    Table run(String sql) {
        return SHOW_TABLES.matcher(sql).matches() ? views() : lake.sql(sql);
    }

    private void execute(String statement) {
        String sql = statement.strip();
        if (sql.endsWith(";")) sql = sql.substring(0, sql.length() - 1).strip();
        if (sql.isEmpty()) return;
        try {
            out.print(run(sql).format(format));
            out.flush();
        } catch (QueryException e) {
            failures++;
            err.println("runlake: " + Main.describe(e));
        }
    }

    /** The history file, readable and writable by its owner only (it holds the queries typed). */
    private static void privateFile(Path file) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(file)) {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } else if (posix) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    /** Accepts a line when it is a dot command or a statement ending with ';'; else asks for more lines. */
    private static final class StatementParser extends DefaultParser {
        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && needsMore(line)) {
                throw new EOFError(-1, -1, "statement not ended with ';'", ";");
            }
            return super.parse(line, cursor, context);
        }

        static boolean needsMore(String buffer) {
            String text = buffer.strip();
            if (text.isEmpty() || text.startsWith(".")) return false;
            List<String> lines =
                    text.lines().filter(l -> !l.strip().startsWith("--")).toList();
            return !lines.isEmpty() && !lines.get(lines.size() - 1).strip().endsWith(";");
        }
    }
}
