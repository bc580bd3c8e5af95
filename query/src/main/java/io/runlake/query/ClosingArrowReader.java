package io.runlake.query;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** Delegates to DuckDB's Arrow stream and closes the JDBC statement with it. */
final class ClosingArrowReader extends ArrowReader {
    private final ArrowReader delegate;
    private final ResultSet rs;
    private final Statement st;

    ClosingArrowReader(ArrowReader delegate, BufferAllocator allocator, ResultSet rs, Statement st) {
        super(allocator);
        this.delegate = delegate;
        this.rs = rs;
        this.st = st;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
        return delegate.getVectorSchemaRoot();
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        return delegate.loadNextBatch();
    }

    @Override
    public long bytesRead() {
        return delegate.bytesRead();
    }

    @Override
    protected void closeReadSource() throws IOException {
        try {
            delegate.close();
        } finally {
            try {
                rs.close();
                st.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    @Override
    protected Schema readSchema() throws IOException {
        return delegate.getVectorSchemaRoot().getSchema();
    }
}
