package io.runlake.client.internal;

import io.runlake.store.ForwardingStore;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The store as a tracker's own reads must see it: before each read, the objects this process has journaled but not
 * yet written (a run's start, events and journaled end, FORMAT.md §10.1) are waited for, at most the store wait.
 * {@code finish()} returns once a short run's end is journaled, so without this a process that finishes a run and
 * then annotates it, registers a model from it or joins it would not find it. Writes go straight through.
 */
public final class ReadYourWritesStore extends ForwardingStore {
    private final DurableWriter out;

    public ReadYourWritesStore(ObjectStore store, DurableWriter out) {
        super(store);
        this.out = out;
    }

    private ObjectStore read() {
        out.awaitJournaledWrites();
        return delegate;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return read().get(key);
    }

    @Override
    public Optional<InputStream> open(String key) {
        return read().open(key);
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        return read().download(key, target);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return read().head(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return read().list(prefix);
    }

    @Override
    public List<ObjectInfo> listAfter(String prefix, String startAfter) {
        return read().listAfter(prefix, startAfter);
    }

    @Override
    public List<String> listFolders(String prefix) {
        return read().listFolders(prefix);
    }
}
