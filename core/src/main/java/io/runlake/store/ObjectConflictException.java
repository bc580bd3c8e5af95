package io.runlake.store;

/** A put-if-absent found a different object at the key: something else already owns that name. */
public class ObjectConflictException extends StoreException {
    public ObjectConflictException(String key) {
        super("object " + key + " already exists with different content; RunLake never overwrites objects");
    }
}
