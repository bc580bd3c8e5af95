package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.ui.Snapshot;
import io.runlake.ui.UiServer;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Serves a read-only web app over the store (runs table, run pages, compare, leaderboard) on 127.0.0.1 "
                    + "until Ctrl-C; nothing to deploy.",
            "With --snapshot, writes the same app with its data into the store's reports/ui/ instead, to open "
                    + "from a file or a pre-signed URL with no server."
        })
final class UiCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Option(
            names = "--port",
            defaultValue = "8765",
            paramLabel = "N",
            description = "The port to listen on; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDR",
            description = "The address to listen on (default: ${DEFAULT-VALUE}). Any other than loopback needs "
                    + "a token: --token, or one is generated and printed in the URL.")
    String bind;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Every request must carry this token (the printed URL does; the page keeps it in a cookie).")
    String token;

    @Option(
            names = "--refresh",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "Read the store again when the last read is older than this (default: ${DEFAULT-VALUE}); "
                    + "the page's Refresh button reads it at once.")
    int refreshSeconds;

    @Option(names = "--no-open", description = "Do not open the page in a browser.")
    boolean noOpen;

    @Option(
            names = "--snapshot",
            description = "Write a static snapshot into the store (reports/ui/VERSION/index.html) and exit.")
    boolean snapshot;

    @Override
    public Integer call() throws Exception {
        QueryCli.atLeast(0, port, "--port");
        QueryCli.atLeast(1, refreshSeconds, "--refresh");
        if (snapshot) return writeSnapshot();
        UiServer server = UiServer.start(
                main.storeUri(), QueryCli.lakeOptions(options), bind, port, token, Duration.ofSeconds(refreshSeconds));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        main.out().println("runlake ui: serving " + main.storeUri() + " at " + server.url());
        main.out().println("(read-only; Ctrl-C to stop)");
        main.out().flush();
        if (!noOpen) open(server.url());
        stopped.await();
        return 0;
    }

    private int writeSnapshot() {
        try (Lake lake = QueryCli.open(main, options, null);
                ObjectStore store = StoreUris.open(main.storeUri())) {
            Snapshot.Result r = Snapshot.write(lake, store, experiment -> {});
            main.out().println(StoreUris.display(store.uri(), r.indexKey()));
            main.err().printf("runlake: wrote %,d objects under %s%n", r.objects(), r.prefix());
        }
        return 0;
    }

    /** Opens the page in the desktop's browser where there is one; the URL is printed either way. */
    private void open(String url) {
        try {
            if (!GraphicsEnvironment.isHeadless()
                    && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(URI.create(url));
            }
        } catch (Exception | LinkageError e) {
            main.err().println("runlake: could not open a browser (" + Main.describe(e) + "); open the URL above");
        }
    }
}
