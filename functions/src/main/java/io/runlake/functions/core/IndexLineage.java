package io.runlake.functions.core;

import io.runlake.runs.RunLineage;
import io.runlake.runs.RunState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code artifacts} and {@code inputs} columns of the runs index (FORMAT.md §12.7): each is a table of one row
 * per item (run id, position in event order, the {@link RunLineage} fields) that the index select folds into one
 * list per run.
 */
final class IndexLineage {
    private IndexLineage() {}

    /** One lineage column: its table (named like the column), fields and the values of a run's items. */
    private record Column(String name, List<RunLineage.Field> fields, Function<RunState, List<Object[]>> items) {}

    private static final List<Column> COLUMNS = List.of(
            new Column(
                    RunLineage.ARTIFACTS,
                    RunLineage.ARTIFACT_FIELDS,
                    s -> s.artifacts().stream().map(RunLineage::artifactValues).toList()),
            new Column(
                    RunLineage.INPUTS,
                    RunLineage.INPUT_FIELDS,
                    s -> s.inputs().stream().map(RunLineage::inputValues).toList()));

    /** Creates the tables and fills them with the artifacts and inputs of {@code runs}. */
    static void insert(Duck duck, Collection<RunState> runs) throws SQLException {
        for (Column c : COLUMNS) {
            duck.exec("CREATE TABLE " + c.name() + " (run_id VARCHAR, ord INTEGER, "
                    + join(c, f -> quote(f.name()) + " " + f.sqlType()) + ")");
            String params = String.join(", ", Collections.nCopies(c.fields().size() + 2, "?"));
            try (PreparedStatement ps = duck.prepare("INSERT INTO " + c.name() + " VALUES (" + params + ")")) {
                for (RunState s : runs) {
                    List<Object[]> items = c.items().apply(s);
                    for (int ord = 0; ord < items.size(); ord++) {
                        ps.setString(1, s.runId());
                        ps.setInt(2, ord);
                        Object[] values = items.get(ord);
                        for (int i = 0; i < values.length; i++) ps.setObject(i + 3, values[i]);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /** The select list of the columns (empty lists for runs without items), after {@code metrics}. */
    static String selectList() {
        return COLUMNS.stream()
                .map(c -> "COALESCE(" + c.name() + "_lists.items, []::" + RunLineage.listType(c.fields()) + ") AS "
                        + c.name())
                .collect(Collectors.joining(", "));
    }

    /** The joins {@link #selectList} reads from, one list per run in event order; the runs table is {@code r}. */
    static String joins() {
        return COLUMNS.stream()
                .map(c -> "LEFT JOIN (SELECT run_id, list({" + join(c, f -> "'" + f.name() + "': " + quote(f.name()))
                        + "} ORDER BY ord) AS items FROM " + c.name() + " GROUP BY run_id) " + c.name()
                        + "_lists USING (run_id)")
                .collect(Collectors.joining("\n"));
    }

    private static String join(Column c, Function<RunLineage.Field, String> each) {
        return c.fields().stream().map(each).collect(Collectors.joining(", "));
    }

    private static String quote(String name) {
        return "\"" + name + "\"";
    }
}
