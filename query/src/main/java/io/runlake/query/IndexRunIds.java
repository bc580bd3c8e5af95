package io.runlake.query;

import io.runlake.format.DuckSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ids of the ended runs of runs index files, read once per file for as long as a session lives: an index file is
 * immutable (FORMAT.md §13), and reading 100,000 ids is most of a warm refresh's time. Only the files of the latest
 * refresh are kept.
 */
final class IndexRunIds {
    private Map<Path, List<String>> kept = new HashMap<>();
    private final Map<Path, List<String>> used = new HashMap<>();

    /** The ids of the runs {@code index} holds as FINISHED, FAILED or KILLED. */
    synchronized List<String> endedRuns(Path index, Connection conn) throws SQLException {
        List<String> ids = kept.get(index);
        if (ids == null) {
            ids = new ArrayList<>();
            try (Statement st = conn.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT run_id FROM " + DuckSql.readParquet(Views.lit(index.toString()))
                                    + " WHERE status IN ('FINISHED', 'FAILED', 'KILLED')")) {
                while (rs.next()) {
                    String runId = rs.getString(1);
                    if (runId != null) ids.add(runId);
                }
            }
        }
        used.put(index, ids);
        return ids;
    }

    /** After a refresh: forgets the files it did not read. */
    synchronized void keepOnlyUsed() {
        kept = new HashMap<>(used);
        used.clear();
    }
}
