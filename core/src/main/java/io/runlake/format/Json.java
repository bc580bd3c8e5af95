package io.runlake.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/** The JSON dialect of every RunLake object: snake_case fields, nulls omitted, unknown fields ignored. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // null fields are omitted, but null map values are kept: a tag set to null is a deletion
            .setDefaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

    private Json() {}

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses an object, naming the key in the error when it is malformed. Stricter than plain Jackson, so that
     * what it accepts every reader (DuckDB's {@code read_json} included) reads the same way: the text is
     * exactly one JSON value, and every string and field name is valid Unicode (an escaped unpaired
     * surrogate such as (a backslash-u escape of U+D800 alone) is rejected; FORMAT.md §5, §11).
     */
    public static <T> T read(byte[] bytes, Class<T> type, String key) {
        try {
            requireOneWellFormedValue(bytes, key);
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new MalformedObjectException(key, e.getMessage());
        }
    }

    private static void requireOneWellFormedValue(byte[] bytes, String key) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            int depth = 0, roots = 0;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (depth == 0 && ++roots > 1) throw new MalformedObjectException(key, "more than one JSON value");
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> {
                        String s = p.getText();
                        int bad = Names.unpairedSurrogate(s);
                        if (bad >= 0) {
                            throw new MalformedObjectException(
                                    key,
                                    (t == JsonToken.FIELD_NAME ? "field name '" : "string '")
                                            + Names.printable(s.length() > 60 ? s.substring(0, 60) + "..." : s)
                                            + "' contains an unpaired surrogate U+"
                                            + String.format("%04X", (int) s.charAt(bad)) + " (not valid Unicode)");
                        }
                    }
                    default -> {}
                }
            }
        }
    }

    /** An object in the store that is not valid for its kind (corrupt, truncated, wrong schema). */
    public static final class MalformedObjectException extends RuntimeException {
        private final String key;
        private final String problem;

        public MalformedObjectException(String key, String problem) {
            super("malformed object " + key + ": " + problem);
            this.key = key;
            this.problem = problem;
        }

        /** What is wrong, without the key. */
        public String problem() {
            return problem;
        }

        public String key() {
            return key;
        }
    }
}
