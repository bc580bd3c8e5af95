package io.runlake.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
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
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

    private Json() {}

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Parses an object, naming the key in the error when it is malformed. */
    public static <T> T read(byte[] bytes, Class<T> type, String key) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new MalformedObjectException(key, e.getMessage());
        }
    }

    /** An object in the store that is not valid for its kind (corrupt, truncated, wrong schema). */
    public static final class MalformedObjectException extends RuntimeException {
        private final String key;

        public MalformedObjectException(String key, String problem) {
            super("malformed object " + key + ": " + problem);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
