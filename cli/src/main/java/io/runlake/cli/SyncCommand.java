package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.Mirror;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Mirrors the store into a local folder, fetching only new or changed objects (by ETag) and removing "
                + "local copies of deleted ones. Query the folder with plain DuckDB: see 'runlake sql --print-views --folder DIR'."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(paramLabel = "DIR") Path folder;
    @Option(names = "--artifacts", description = "Also fetch artifact blobs.") boolean artifacts;

    @Override
    public Integer call() {
        Mirror.Result r = Lake.sync(main.storeUri(), folder, artifacts, QueryCli.progress(main.err(), "sync"));
        main.out().printf("%s: %d objects listed, %d fetched (%.1f MB), %d removed, %d in the folder%n",
                folder.toAbsolutePath(), r.listed(), r.fetched(), r.bytesFetched() / 1e6, r.deleted(), r.kept());
        return 0;
    }
}
