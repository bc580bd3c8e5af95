package io.runlake.testing;

import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUnavailableException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real store behind a switch: while "down", every call fails as an unreachable endpoint would. Used to
 * inject outages and crashes between steps; all data goes to the real store underneath.
 */
public final class FaultyStore implements ObjectStore {
    private final ObjectStore real;
    public final AtomicBoolean down = new AtomicBoolean();

    public FaultyStore(ObjectStore real) {
        this.real = real;
    }

    private void check() {
        if (down.get()) throw new StoreUnavailableException("injected outage of " + real.uri(), null);
    }

    @Override
    public URI uri() {
        return real.uri();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        check();
        return real.putIfAbsent(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        check();
        return real.putIfAbsent(key, data, contentType);
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        check();
        return real.putFileIfAbsent(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) {
        check();
        return real.get(key);
    }

    @Override
    public Optional<InputStream> open(String key) {
        check();
        return real.open(key);
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        check();
        return real.download(key, target);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        check();
        return real.head(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        check();
        return real.list(prefix);
    }

    @Override
    public List<ObjectInfo> listAfter(String prefix, String startAfter) {
        check();
        return real.listAfter(prefix, startAfter);
    }

    @Override
    public List<String> listFolders(String prefix) {
        check();
        return real.listFolders(prefix);
    }

    @Override
    public void delete(String key) {
        check();
        real.delete(key);
    }

    @Override
    public void close() {
        real.close();
    }
}
