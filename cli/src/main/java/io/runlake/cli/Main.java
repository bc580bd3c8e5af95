package io.runlake.cli;

import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.query.LakePool;
import io.runlake.query.Mirror;
import io.runlake.query.Timing;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code runlake} command.
 *
 * <p>Adding a subcommand: write a class annotated {@code @Command(name = "...")} that implements
 * {@code Callable<Integer>} in this package, give it a {@code @ParentCommand Main main;} field (for
 * {@link #storeUri()}, {@link #openTracker()}, {@link #out()}) and list it in {@link #COMMANDS}.
 * Throw an exception with a clear message to fail: it is printed as one line on stderr (the full stack
 * trace only with {@code --verbose}) and the exit code is 1.
 */
@Command(
        name = "runlake",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Serverless ML experiment tracking: runs are written straight to object storage.")
public final class Main implements Callable<Integer> {
    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> COMMANDS = List.of(
            DemoCommand.class,
            CompactCommand.class,
            UpgradeCommand.class,
            ExperimentsCommand.class,
            RunsCommand.class,
            ShowCommand.class,
            CompareCommand.class,
            LeaderboardCommand.class,
            HistoryCommand.class,
            SqlCommand.class,
            PlotCommand.class,
            ReportCommand.class,
            SyncCommand.class,
            LineageCommand.class,
            SweepCommand.class,
            AnnotationCommands.NoteCommand.class,
            AnnotationCommands.TagCommand.class,
            AnnotationCommands.ArchiveCommand.class,
            AnnotationCommands.RestoreCommand.class,
            UiCommand.class,
            ModelsCommand.class,
            PurgeCommand.class,
            DaemonCommand.class,
            CommandLine.HelpCommand.class);

    /** The commands that open a lake (as the launcher lists them). */
    private static final Set<String> QUERIES = Set.of(
            "experiments",
            "runs",
            "show",
            "compare",
            "leaderboard",
            "history",
            "sql",
            "plot",
            "report",
            "lineage",
            "ui");

    /** Exit code of a command that failed. */
    public static final int FAILED = 1;
    /** Exit code of a command line that could not be parsed. */
    public static final int USAGE = 2;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private TrackerOptions trackerOptions = TrackerOptions.defaults();
    /** Characters a line of a text table may take; 0: no limit; null: not asked yet. */
    private Integer terminalWidth;
    /** Where lakes come from in a {@link QueryDaemon}; null: each command opens its own. */
    private LakePool lakes;
    /** Whether a person watches: progress lines on stderr; null: this process's own console decides. */
    private Boolean console;

    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Timing.phase("JVM started (main)");
        String command = CommandLines.commandName(args);
        if (command != null && QUERIES.contains(command))
            Lake.preload(); // DuckDB starts while the command line is parsed
        int status = run(System.out, System.err, args);
        Timing.phase("command done");
        System.exit(status);
    }

    /** Runs one command line and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return new Main(out, err).commandLine(args).execute(args);
    }

    /** The picocli command line with every subcommand, wired to this instance's streams and error handling. */
    CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    /**
     * The command line to parse {@code args}: only the subcommand they name, when they name one, since picocli
     * builds each subcommand's model from its annotations by reflection (a tenth of a one-shot command's time
     * with all of them); every subcommand otherwise (usage, {@code help}, a misspelt name).
     */
    CommandLine commandLine(String... args) {
        String name = CommandLines.commandName(args);
        for (Class<?> c : COMMANDS) {
            if (c != CommandLine.HelpCommand.class
                    && c.getAnnotation(Command.class).name().equals(name)) {
                return commandLine(List.of(c));
            }
        }
        return commandLine();
    }

    private CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(this);
        for (Class<?> c : subcommands) cl.addSubcommand(c);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            reportError(e);
            return FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("runlake: " + oneLine(e.getMessage()) + " (see 'runlake --help')");
            return USAGE;
        });
        Timing.phase("command line model built");
        return cl;
    }

    /** {@code runlake} without a command: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return USAGE;
    }

    // ---- for subcommands ----------------------------------------------------------------------

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public GlobalOptions global() {
        return global;
    }

    public URI storeUri() {
        return global.storeUri();
    }

    public TrackerOptions trackerOptions() {
        return trackerOptions;
    }

    /** For tests: e.g. a spill folder in a temporary directory instead of ~/.runlake/spill. */
    Main withTrackerOptions(TrackerOptions options) {
        this.trackerOptions = options;
        return this;
    }

    /**
     * How wide a text table may be: the terminal's width when stdout is a terminal ({@code COLUMNS} overrides
     * it), 0 (no limit: nothing is cut) when the output goes to a pipe or a file, as git and duckdb do.
     */
    public int terminalWidth() {
        if (terminalWidth == null) terminalWidth = console() ? CommandLines.consoleWidth(System.getenv("COLUMNS")) : 0;
        return terminalWidth;
    }

    /**
     * Whether the command's caller is a terminal (progress lines, tables fitted to it): this process's console, or
     * what the caller of a {@link QueryDaemon} said of its own.
     */
    public boolean console() {
        return console != null ? console : System.console() != null;
    }

    /** A command run for another process ({@link QueryDaemon}): its terminal, not this process's, decides. */
    Main withConsole(boolean console, int width) {
        this.console = console;
        this.terminalWidth = console ? width : 0;
        return this;
    }

    /** For tests: tables laid out as on a terminal this wide (0: as into a pipe). */
    Main withTerminalWidth(int width) {
        this.terminalWidth = width;
        return this;
    }

    /** Opens the lake named by the global options: a kept one refreshed, when this runs in a {@link QueryDaemon}. */
    public Lake openLake(LakeOptions options, Mirror.Progress progress) {
        return lakes == null ? Lake.open(storeUri(), options, progress) : lakes.open(storeUri(), options, progress);
    }

    /** A command run in a {@link QueryDaemon}: lakes come from its pool. */
    Main withLakes(LakePool lakes) {
        this.lakes = lakes;
        return this;
    }

    /** Opens a tracker on the store named by the global options. */
    public Tracker openTracker() {
        return Tracker.open(storeUri(), trackerOptions);
    }

    // ---- errors -------------------------------------------------------------------------------

    private void reportError(Throwable e) {
        err.println("runlake: " + describe(e));
        if (global.verbose()) {
            e.printStackTrace(err);
        }
    }

    /** The message of an exception, on one line; the type where it has no message. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            String type = e.getClass().getSimpleName();
            return e.getCause() == null || e.getCause() == e ? type : type + ": " + describe(e.getCause());
        }
        return oneLine(message);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version from the jar manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "runlake " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
