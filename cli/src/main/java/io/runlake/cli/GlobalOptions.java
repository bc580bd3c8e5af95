package io.runlake.cli;

import io.runlake.store.StoreUris;
import java.net.URI;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every runlake command takes. They are inherited by all subcommands, so both
 * {@code runlake --uri X demo} and {@code runlake demo --uri X} work; the values land here either way.
 */
public final class GlobalOptions {
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Option(
            names = "--uri",
            paramLabel = "URI",
            scope = ScopeType.INHERIT,
            description = "The RunLake store: s3://bucket/prefix, file:///path or a local folder " + "(default: $"
                    + StoreUris.ENV + ", else ./" + StoreUris.DEFAULT_FOLDER + ").")
    String uri;

    boolean verbose;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Log what happens and print full stack traces of errors.")
    void setVerbose(boolean on) {
        verbose = on;
        // Takes effect as long as nothing has logged yet, which is the case while options are parsed.
        if (on && System.getProperty(LOG_LEVEL_PROPERTY) == null) System.setProperty(LOG_LEVEL_PROPERTY, "info");
    }

    /** The store named by {@code --uri}, else {@code RUNLAKE_URI}, else {@code ./runlake-data}. */
    public URI storeUri() {
        return uri == null ? StoreUris.defaultUri() : StoreUris.parse(uri);
    }

    public boolean verbose() {
        return verbose;
    }
}
