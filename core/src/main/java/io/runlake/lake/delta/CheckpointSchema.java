package io.runlake.lake.delta;

import static org.apache.parquet.schema.LogicalTypeAnnotation.listType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.mapType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The checkpoint schema of Delta PROTOCOL.md ("Checkpoint Schema"), declared once as a tree of fields: the writer
 * and the reader both walk it, and it yields the Parquet schema (3-level LISTs and {@code key_value} MAPs, as Spark
 * writes them).
 */
final class CheckpointSchema {
    /** Parquet LIST and MAP layout names (Parquet LogicalTypes.md). */
    static final String LIST = "list";

    static final String ELEMENT = "element";
    static final String KEY_VALUE = "key_value";
    static final String KEY = "key";
    static final String VALUE = "value";

    enum Kind {
        STRING,
        INT,
        LONG,
        BOOLEAN,
        STRING_LIST,
        STRING_MAP,
        STRUCT
    }

    /** One field of an action; {@code children} only for {@link Kind#STRUCT}. */
    record Field(String name, Kind kind, List<Field> children) {
        Field(String name, Kind kind) {
            this(name, kind, List.of());
        }

        /** The child with this name, or null when the action has no such field. */
        Field child(String childName) {
            for (Field f : children) {
                if (f.name.equals(childName)) return f;
            }
            return null;
        }

        int indexOf(Field child) {
            return children.indexOf(child);
        }
    }

    /** The top-level columns, one per action type, in the order Spark writes them. */
    static final Field ACTIONS = struct(
            "actions",
            struct("txn", string("appId"), field("version", Kind.LONG), field("lastUpdated", Kind.LONG)),
            struct(
                    "add",
                    string("path"),
                    field("partitionValues", Kind.STRING_MAP),
                    field("size", Kind.LONG),
                    field("modificationTime", Kind.LONG),
                    field("dataChange", Kind.BOOLEAN),
                    string("stats"),
                    field("tags", Kind.STRING_MAP)),
            struct(
                    "remove",
                    string("path"),
                    field("deletionTimestamp", Kind.LONG),
                    field("dataChange", Kind.BOOLEAN),
                    field("extendedFileMetadata", Kind.BOOLEAN),
                    field("partitionValues", Kind.STRING_MAP),
                    field("size", Kind.LONG),
                    field("tags", Kind.STRING_MAP)),
            struct(
                    "metaData",
                    string("id"),
                    string("name"),
                    string("description"),
                    struct("format", string("provider"), field("options", Kind.STRING_MAP)),
                    string("schemaString"),
                    field("partitionColumns", Kind.STRING_LIST),
                    field("configuration", Kind.STRING_MAP),
                    field("createdTime", Kind.LONG)),
            struct(
                    "protocol",
                    field("minReaderVersion", Kind.INT),
                    field("minWriterVersion", Kind.INT),
                    field("readerFeatures", Kind.STRING_LIST),
                    field("writerFeatures", Kind.STRING_LIST)),
            struct("domainMetadata", string("domain"), string("configuration"), field("removed", Kind.BOOLEAN)));

    static final MessageType PARQUET = new MessageType("spark_schema", parquetFields(ACTIONS));

    private CheckpointSchema() {}

    private static Field field(String name, Kind kind) {
        return new Field(name, kind);
    }

    private static Field string(String name) {
        return new Field(name, Kind.STRING);
    }

    private static Field struct(String name, Field... children) {
        return new Field(name, Kind.STRUCT, List.of(children));
    }

    private static List<Type> parquetFields(Field struct) {
        List<Type> types = new ArrayList<>();
        for (Field f : struct.children) types.add(parquetType(f));
        return types;
    }

    private static Type parquetType(Field f) {
        return switch (f.kind) {
            case STRING -> Types.optional(BINARY).as(stringType()).named(f.name);
            case INT -> Types.optional(INT32).named(f.name);
            case LONG -> Types.optional(INT64).named(f.name);
            case BOOLEAN -> Types.optional(BOOLEAN).named(f.name);
            case STRING_LIST ->
                Types.optionalGroup()
                        .as(listType())
                        .repeatedGroup()
                        .optional(BINARY)
                        .as(stringType())
                        .named(ELEMENT)
                        .named(LIST)
                        .named(f.name);
            case STRING_MAP ->
                Types.optionalGroup()
                        .as(mapType())
                        .repeatedGroup()
                        .required(BINARY)
                        .as(stringType())
                        .named(KEY)
                        .optional(BINARY)
                        .as(stringType())
                        .named(VALUE)
                        .named(KEY_VALUE)
                        .named(f.name);
            case STRUCT ->
                Types.optionalGroup()
                        .addFields(parquetFields(f).toArray(new Type[0]))
                        .named(f.name);
        };
    }
}
