package io.runlake.query;

import io.runlake.format.Layout;

/** A query that cannot be answered: unknown experiment, run or metric, malformed filter or SQL. The message is one line. */
public class QueryException extends RuntimeException {
    public QueryException(String message) {
        super(message);
    }

    public QueryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A store (folder or bucket prefix) without runs/, lake/ or the format marker: most likely a wrong name. */
    static QueryException noStore(String where) {
        return new QueryException(
                "no RunLake store at " + where + " (no runs/, lake/ or " + Layout.FORMAT_MARKER + ")");
    }

    /** The first meaningful line of a DuckDB error message. */
    static String firstLine(String message) {
        if (message == null) return "unknown error";
        String m = message.strip();
        int real = m.indexOf("\nError: ");
        if (real >= 0) m = m.substring(real + 8);
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.strip();
    }
}
