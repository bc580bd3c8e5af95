package io.runlake.testing;

import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Delegates everything to a real store; tests override one call to inject a specific fault. */
public class ForwardingStore implements ObjectStore {
    protected final ObjectStore real;

    public ForwardingStore(ObjectStore real) {
        this.real = real;
    }

    @Override
    public URI uri() {
        return real.uri();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return real.putIfAbsent(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        return putIfAbsent(key, data);
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        return real.putFileIfAbsent(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return real.get(key);
    }

    @Override
    public Optional<InputStream> open(String key) {
        return real.open(key);
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        return real.download(key, target);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return real.head(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return real.list(prefix);
    }

    @Override
    public List<ObjectInfo> listAfter(String prefix, String startAfter) {
        return real.listAfter(prefix, startAfter);
    }

    @Override
    public List<String> listFolders(String prefix) {
        return real.listFolders(prefix);
    }

    @Override
    public void delete(String key) {
        real.delete(key);
    }

    @Override
    public void close() {
        real.close();
    }
}
