package io.runlake.query;

import io.runlake.testing.GoldenAnswers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs SQL the way FORMAT.md §14 tells users to: plain DuckDB started in the store's root folder, so that paths and
 * file names are relative to it. {@link SpecExamplesTest} starts it as a child process with that working folder.
 * Prints {@code -- <n>} before the rows of statement n, each row as {@link GoldenAnswers#row}; exits 1 on an error.
 */
public final class DuckDbAtRoot {
    private DuckDbAtRoot() {}

    public static void main(String[] args) throws Exception {
        String[] statements = Files.readString(Path.of(args[0])).split(";\\s*(\\n|$)");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            int n = 0;
            for (String sql : statements) {
                if (sql.isBlank()) continue;
                System.out.println("-- " + n++);
                try (Statement st = duck.createStatement()) {
                    if (!st.execute(sql)) continue;
                    try (ResultSet rs = st.getResultSet()) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            Object[] cells = new Object[columns];
                            for (int i = 0; i < columns; i++) cells[i] = rs.getObject(i + 1);
                            System.out.println(GoldenAnswers.row(cells));
                        }
                    }
                } catch (SQLException e) {
                    System.out.println("ERROR " + e.getMessage().replace('\n', ' '));
                    System.exit(1);
                }
            }
        }
    }
}
