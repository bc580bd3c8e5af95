package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.Mirror;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "sync",
        mixinStandardHelpOptions = true,
        description = {
            "Mirrors the store into a local folder: runs/, lake/, run-ids/, environments/, reports/, models/, _runlake/ and the "
                    + "artifact blobs (artifacts/; leave them out with --no-artifacts). Lake files that compaction has "
                    + "replaced are not copied. Fetches only new or changed objects (by ETag) and removes local copies "
                    + "of deleted ones. Query the folder with plain DuckDB: see 'runlake sql --print-views --folder DIR'."
        })
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "DIR", description = "The local folder (created if missing).")
    Path folder;

    @Option(
            names = "--artifacts",
            negatable = true,
            defaultValue = "true",
            description = "Copy the artifact blobs too (default: yes; --no-artifacts skips them).")
    boolean artifacts = true;

    @Override
    public Integer call() {
        Mirror.Result r = Lake.sync(main.storeUri(), folder, artifacts, QueryCli.progress(main, "sync"));
        main.out()
                .printf(
                        "%s: %d objects listed, %d fetched (%.1f MB), %d removed, %d in the folder%s%n",
                        folder.toAbsolutePath(),
                        r.listed(),
                        r.fetched(),
                        r.bytesFetched() / 1e6,
                        r.deleted(),
                        r.kept(),
                        artifacts ? "" : " (artifact blobs skipped: --no-artifacts)");
        return 0;
    }
}
