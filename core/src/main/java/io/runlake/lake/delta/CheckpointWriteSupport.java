package io.runlake.lake.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.lake.delta.CheckpointSchema.Field;
import io.runlake.lake.delta.CheckpointSchema.Kind;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one action (a JSON commit line) as one checkpoint row: its own column holds the action, every other
 * column stays null. JSON nulls are written as Parquet nulls; a field the schema lacks is refused rather than lost.
 */
final class CheckpointWriteSupport extends WriteSupport<ObjectNode> {
    private RecordConsumer rc;

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(CheckpointSchema.PARQUET, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(CheckpointSchema.PARQUET, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.rc = recordConsumer;
    }

    @Override
    public void write(ObjectNode action) {
        if (action.size() != 1) {
            throw new IllegalArgumentException("an action has exactly one top-level field: " + action);
        }
        rc.startMessage();
        writeFields(CheckpointSchema.ACTIONS, action);
        rc.endMessage();
    }

    private void writeFields(Field struct, JsonNode object) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(struct.name() + " must be a JSON object: " + object);
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (struct.child(name) == null) {
                throw new IllegalArgumentException("a Delta checkpoint has no field " + struct.name() + "." + name);
            }
        }
        for (int i = 0; i < struct.children().size(); i++) {
            Field f = struct.children().get(i);
            JsonNode value = object.get(f.name());
            if (value == null || value.isNull()) continue;
            rc.startField(f.name(), i);
            writeValue(f, value);
            rc.endField(f.name(), i);
        }
    }

    private void writeValue(Field f, JsonNode value) {
        switch (f.kind()) {
            case STRING -> rc.addBinary(Binary.fromString(text(f, value)));
            case INT -> rc.addInteger(number(f, value).intValue());
            case LONG -> rc.addLong(number(f, value).longValue());
            case BOOLEAN -> rc.addBoolean(bool(f, value));
            case STRING_LIST -> writeList(f, value);
            case STRING_MAP -> writeMap(f, value);
            case STRUCT -> {
                rc.startGroup();
                writeFields(f, value);
                rc.endGroup();
            }
        }
    }

    private void writeList(Field f, JsonNode array) {
        if (!array.isArray()) throw new IllegalArgumentException(f.name() + " must be a JSON array: " + array);
        rc.startGroup();
        if (!array.isEmpty()) {
            rc.startField(CheckpointSchema.LIST, 0);
            for (JsonNode element : array) {
                rc.startGroup();
                if (!element.isNull()) {
                    rc.startField(CheckpointSchema.ELEMENT, 0);
                    rc.addBinary(Binary.fromString(text(f, element)));
                    rc.endField(CheckpointSchema.ELEMENT, 0);
                }
                rc.endGroup();
            }
            rc.endField(CheckpointSchema.LIST, 0);
        }
        rc.endGroup();
    }

    private void writeMap(Field f, JsonNode map) {
        if (!map.isObject()) throw new IllegalArgumentException(f.name() + " must be a JSON object: " + map);
        rc.startGroup();
        if (!map.isEmpty()) {
            rc.startField(CheckpointSchema.KEY_VALUE, 0);
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                rc.startGroup();
                rc.startField(CheckpointSchema.KEY, 0);
                rc.addBinary(Binary.fromString(entry.getKey()));
                rc.endField(CheckpointSchema.KEY, 0);
                if (!entry.getValue().isNull()) {
                    rc.startField(CheckpointSchema.VALUE, 1);
                    rc.addBinary(Binary.fromString(text(f, entry.getValue())));
                    rc.endField(CheckpointSchema.VALUE, 1);
                }
                rc.endGroup();
            }
            rc.endField(CheckpointSchema.KEY_VALUE, 0);
        }
        rc.endGroup();
    }

    private static String text(Field f, JsonNode value) {
        if (!value.isTextual()) throw new IllegalArgumentException(f.name() + " must be a string: " + value);
        return value.textValue();
    }

    private static Number number(Field f, JsonNode value) {
        boolean fits = f.kind() == Kind.INT ? value.canConvertToInt() : value.canConvertToLong();
        if (!value.isIntegralNumber() || !fits) {
            throw new IllegalArgumentException(f.name() + " must be an integer of type " + f.kind() + ": " + value);
        }
        return value.numberValue();
    }

    private static boolean bool(Field f, JsonNode value) {
        if (!value.isBoolean()) throw new IllegalArgumentException(f.name() + " must be a boolean: " + value);
        return value.booleanValue();
    }
}
