package io.runlake.runs;

import io.runlake.format.RunEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A run's lineage as the runs index keeps it (FORMAT.md §12.7): the artifacts it logged and the data inputs it
 * read, each with its event's time and worker, in event order. The struct fields are declared once here, for the
 * indexer that writes them, the Delta schema of the runs table and the readers of index files; they are the
 * columns of the {@code artifacts} and {@code inputs} views (FORMAT.md §14) less experiment and run id.
 */
public final class RunLineage {
    private RunLineage() {}

    /** A field of a lineage struct: its name and DuckDB type. */
    public record Field(String name, String sqlType) {}

    /** The runs index column of the artifacts. */
    public static final String ARTIFACTS = "artifacts";
    /** The runs index column of the inputs. */
    public static final String INPUTS = "inputs";

    public static final List<Field> ARTIFACT_FIELDS = List.of(
            new Field("name", "VARCHAR"),
            new Field("sha256", "VARCHAR"),
            new Field("size", "BIGINT"),
            new Field("uri", "VARCHAR"),
            new Field("reference", "BOOLEAN"),
            new Field("time", "TIMESTAMPTZ"),
            new Field("worker", "INTEGER"));

    public static final List<Field> INPUT_FIELDS = List.of(
            new Field("name", "VARCHAR"),
            new Field("uri", "VARCHAR"),
            new Field("role", "VARCHAR"),
            new Field("sha256", "VARCHAR"),
            new Field("etag", "VARCHAR"),
            new Field("version_id", "VARCHAR"),
            new Field("size", "BIGINT"),
            new Field("files", "BIGINT"),
            new Field("time", "TIMESTAMPTZ"),
            new Field("worker", "INTEGER"));

    /** An artifact or input with the time and worker of the event that recorded it. */
    public record Recorded<T>(T value, long timeMs, int worker) {
        private OffsetDateTime time() {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(timeMs), ZoneOffset.UTC);
        }
    }

    /** The DuckDB type of a lineage column: a list of structs of {@code fields}. */
    public static String listType(List<Field> fields) {
        return "STRUCT("
                + fields.stream()
                        .map(f -> "\"" + f.name() + "\" " + f.sqlType())
                        .collect(Collectors.joining(", "))
                + ")[]";
    }

    /** An artifact's values in {@link #ARTIFACT_FIELDS} order. */
    public static Object[] artifactValues(Recorded<RunEvent.Artifact> r) {
        RunEvent.Artifact a = r.value();
        return new Object[] {a.name(), a.sha256(), a.size(), a.uri(), a.reference(), r.time(), r.worker()};
    }

    /** An input's values in {@link #INPUT_FIELDS} order. */
    public static Object[] inputValues(Recorded<RunEvent.Input> r) {
        RunEvent.Input i = r.value();
        return new Object[] {
            i.name(), i.uri(), i.role(), i.sha256(), i.etag(), i.versionId(), i.size(), i.files(), r.time(), r.worker()
        };
    }
}
