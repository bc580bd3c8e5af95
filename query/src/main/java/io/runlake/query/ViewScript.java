package io.runlake.query;

import io.runlake.format.DuckSql;
import io.runlake.format.Layout;
import io.runlake.lake.LakeTable;
import io.runlake.store.FileObjectStore;
import java.nio.file.Path;
import java.sql.Connection;

/** The views as a plain DuckDB SQL script over a local folder laid out like the store, to run in any DuckDB. */
final class ViewScript {
    private ViewScript() {}

    /**
     * The same lake read as Delta tables (FORMAT.md §12.1), for a DuckDB with the {@code delta} extension: every
     * committed point exactly once, without the raw shards not committed yet. Commented out, so the script still
     * runs in a DuckDB without the extension.
     */
    static String deltaForm(Path root) {
        StringBuilder b = new StringBuilder();
        b.append("-- The committed lake as Delta tables (any Delta reader; DuckDB: INSTALL delta, LOAD delta).\n");
        b.append(
                "-- They hold every committed point exactly once; raw shards not committed yet are only in the views below.\n");
        for (LakeTable t : LakeTable.values()) { // no ";" in these lines: scripts are often split at ";"
            String name = t == LakeTable.METRICS ? "metrics" : "runs";
            b.append("--   ")
                    .append(name)
                    .append(": SELECT * FROM delta_scan(")
                    .append(DuckSql.lit(root.resolve(t.root()).toString()))
                    .append(")\n");
        }
        return b.toString();
    }

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
                            gone,
                            new IndexRunIds()),
                    () -> {});
            StringBuilder b = new StringBuilder();
            b.append("-- RunLake views over ").append(root).append(" (generated; file lists follow FORMAT.md §13)\n");
            for (String p : catalog.problems)
                b.append("-- skipped: ").append(p.replace('\n', ' ')).append('\n');
            b.append(deltaForm(root)).append('\n'); // comments first: the script ends with a statement
            for (String s : Views.statements(catalog.files)) b.append(s).append(";\n\n");
            return b.toString();
        } finally {
            LakeSession.closeQuietly(conn);
        }
    }
}
