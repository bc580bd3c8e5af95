package io.runlake.query;

import io.runlake.format.Layout;
import io.runlake.store.FileObjectStore;
import java.nio.file.Path;
import java.sql.Connection;

/** The views as a plain DuckDB SQL script over a local folder laid out like the store, to run in any DuckDB. */
final class ViewScript {
    private ViewScript() {}

    static String of(Path localFolder, LakeOptions options) {
        Path root = localFolder.toAbsolutePath().normalize();
        FileObjectStore store = new FileObjectStore(root);
        Connection conn = LakeSession.connect();
        try {
            // FIRST the raw listing, the log is read by the catalog afterwards
            Catalog catalog = LakeSession.untilSteady(
                    gone -> Catalog.build(
                            root,
                            store,
                            LocalListing.list(root, Layout.RUNS),
                            null,
                            options,
                            conn,
                            new OpenTimer(),
                            gone),
                    () -> {});
            StringBuilder b = new StringBuilder();
            b.append("-- RunLake views over ").append(root).append(" (generated; file lists follow FORMAT.md §13)\n");
            for (String p : catalog.problems)
                b.append("-- skipped: ").append(p.replace('\n', ' ')).append('\n');
            for (String s : Views.statements(catalog.files)) b.append(s).append(";\n\n");
            return b.toString();
        } finally {
            LakeSession.closeQuietly(conn);
        }
    }
}
