package io.runlake.functions.core;

import io.runlake.store.ObjectStore;
import io.runlake.store.StoreException;
import io.runlake.testing.ForwardingStore;
import java.util.concurrent.atomic.AtomicInteger;

/** A store whose permissions allow {@code allowed} deletes, then refuse every delete (as S3's AccessDenied). */
final class DeleteRefusingStore extends ForwardingStore {
    private final AtomicInteger allowed;

    DeleteRefusingStore(ObjectStore real, int allowed) {
        super(real);
        this.allowed = new AtomicInteger(allowed);
    }

    @Override
    public void delete(String key) {
        if (allowed.getAndDecrement() <= 0) throw new StoreException("access denied: delete " + key);
        real.delete(key);
    }

    @Override
    public void close() {} // the test closes the real store
}
