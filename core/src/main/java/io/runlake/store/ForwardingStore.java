package io.runlake.store;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another one; a subclass overrides the calls it adds a rule to (a tracker's reads
 * that wait for its journal, a writer's announcements before it resumes a run, a test's faults).
 */
public abstract class ForwardingStore implements ObjectStore {
    protected final ObjectStore delegate;

    protected ForwardingStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public URI uri() {
        return delegate.uri();
    }

    @Override
    public boolean servedOnThisMachine() {
        return delegate.servedOnThisMachine();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return delegate.putIfAbsent(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        return delegate.putIfAbsent(key, data, contentType);
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        return delegate.putFileIfAbsent(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return delegate.get(key);
    }

    @Override
    public Optional<InputStream> open(String key) {
        return delegate.open(key);
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        return delegate.download(key, target);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public List<ObjectInfo> listAfter(String prefix, String startAfter) {
        return delegate.listAfter(prefix, startAfter);
    }

    @Override
    public List<String> listFolders(String prefix) {
        return delegate.listFolders(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
