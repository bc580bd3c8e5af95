package io.runlake.lake.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.lake.delta.CheckpointSchema.Field;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;

/**
 * Turns one checkpoint row back into the JSON action it holds. Numbers come back as the nodes Jackson parses
 * from JSON text (an int node while the value fits an int), so a decoded action equals the parsed commit line.
 */
final class CheckpointRows {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CheckpointRows() {}

    /** The action of a row: the one top-level column that is not null. */
    static ObjectNode action(Group row) {
        ObjectNode action = struct(row, CheckpointSchema.ACTIONS);
        if (action.size() != 1) {
            throw new IllegalArgumentException("a checkpoint row holds exactly one action, not " + action);
        }
        return action;
    }

    private static JsonNode value(Group group, Field f) {
        return switch (f.kind()) {
            case STRING -> NODES.textNode(group.getString(f.name(), 0));
            case INT -> NODES.numberNode(group.getInteger(f.name(), 0));
            case LONG -> longNode(group.getLong(f.name(), 0));
            case BOOLEAN -> NODES.booleanNode(group.getBoolean(f.name(), 0));
            case STRING_LIST -> list(group.getGroup(f.name(), 0));
            case STRING_MAP -> map(group.getGroup(f.name(), 0));
            case STRUCT -> struct(group.getGroup(f.name(), 0), f);
        };
    }

    private static ObjectNode struct(Group group, Field struct) {
        ObjectNode object = NODES.objectNode();
        GroupType written = group.getType();
        for (Field f : struct.children()) {
            // Readers skip columns a file lacks: other writers may leave optional fields out.
            if (written.containsField(f.name()) && present(group, f.name())) object.set(f.name(), value(group, f));
        }
        return object;
    }

    private static ArrayNode list(Group list) {
        ArrayNode array = NODES.arrayNode();
        int n = list.getFieldRepetitionCount(CheckpointSchema.LIST);
        for (int i = 0; i < n; i++) {
            Group element = list.getGroup(CheckpointSchema.LIST, i);
            array.add(
                    present(element, CheckpointSchema.ELEMENT)
                            ? NODES.textNode(element.getString(CheckpointSchema.ELEMENT, 0))
                            : NODES.nullNode());
        }
        return array;
    }

    private static ObjectNode map(Group map) {
        ObjectNode object = NODES.objectNode();
        int n = map.getFieldRepetitionCount(CheckpointSchema.KEY_VALUE);
        for (int i = 0; i < n; i++) {
            Group entry = map.getGroup(CheckpointSchema.KEY_VALUE, i);
            String key = entry.getString(CheckpointSchema.KEY, 0);
            object.set(
                    key,
                    present(entry, CheckpointSchema.VALUE)
                            ? NODES.textNode(entry.getString(CheckpointSchema.VALUE, 0))
                            : NODES.nullNode());
        }
        return object;
    }

    private static boolean present(Group group, String field) {
        return group.getFieldRepetitionCount(field) > 0;
    }

    private static JsonNode longNode(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }
}
