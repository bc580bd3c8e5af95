package io.runlake.query;

import io.runlake.format.DuckSql;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/** A query's result written out of the session: Parquet, CSV or JSON files (DuckDB COPY) or Arrow batches. */
final class Exports {
    private final LakeSession session;

    Exports(LakeSession session) {
        this.session = session;
    }

    void parquet(String sql, Path target) {
        copy(sql, target, DuckSql.PORTABLE_PARQUET);
    }

    void csv(String sql, Path target) {
        copy(sql, target, "FORMAT csv, HEADER true");
    }

    void json(String sql, Path target) {
        copy(sql, target, "FORMAT json");
    }

    private void copy(String sql, Path target, String options) {
        session.prepare(sql);
        try {
            session.reading(() -> {
                try (Statement st = session.connection().createStatement()) {
                    st.execute("COPY (" + sql + ") TO "
                            + Views.lit(target.toAbsolutePath().toString()) + " (" + options + ")");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new QueryException("export failed: " + QueryException.firstLine(e.getMessage()), e);
        }
    }

    /** Arrow record batches; the reader owns the statement. */
    ArrowReader arrow(String sql, BufferAllocator allocator, long batchSize) {
        session.prepare(sql);
        try {
            Statement st = session.connection().createStatement();
            ResultSet rs;
            try {
                rs = session.reading(() -> st.executeQuery(sql));
            } catch (SQLException | RuntimeException e) {
                st.close();
                throw e;
            }
            ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, batchSize);
            return new ClosingArrowReader(reader, allocator, rs, st);
        } catch (SQLException e) {
            throw new QueryException("SQL error: " + QueryException.firstLine(e.getMessage()), e);
        }
    }
}
