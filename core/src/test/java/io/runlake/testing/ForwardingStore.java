package io.runlake.testing;

import io.runlake.store.ObjectStore;

/**
 * Delegates everything to a real store; tests override one call to inject a specific fault. A put with a media type
 * goes through {@link #putIfAbsent(String, byte[])}, so overriding that one catches every byte-array put.
 */
public class ForwardingStore extends io.runlake.store.ForwardingStore {
    protected final ObjectStore real;

    public ForwardingStore(ObjectStore real) {
        super(real);
        this.real = real;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        return putIfAbsent(key, data);
    }
}
