package io.runlake.functions.core;

import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.testing.FaultyStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Crash injection: lets {@code budget} store calls through, then takes the {@link FaultyStore} underneath
 * down, so the process "dies" between two steps (every later call fails as an unreachable store would).
 */
final class CountdownStore implements ObjectStore {
    private final FaultyStore faulty;
    private final AtomicInteger left;
    final AtomicInteger calls = new AtomicInteger();

    CountdownStore(ObjectStore real, int budget) {
        this.faulty = new FaultyStore(real);
        this.left = new AtomicInteger(budget);
    }

    boolean crashed() {
        return faulty.down.get();
    }

    private void tick() {
        calls.incrementAndGet();
        if (left.getAndDecrement() <= 0) faulty.down.set(true);
    }

    @Override
    public URI uri() {
        return faulty.uri();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        tick();
        return faulty.putIfAbsent(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        tick();
        return faulty.putIfAbsent(key, data, contentType);
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        tick();
        return faulty.putFileIfAbsent(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) {
        tick();
        return faulty.get(key);
    }

    @Override
    public Optional<InputStream> open(String key) {
        tick();
        return faulty.open(key);
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        tick();
        return faulty.download(key, target);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        tick();
        return faulty.head(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        tick();
        return faulty.list(prefix);
    }

    @Override
    public void delete(String key) {
        tick();
        faulty.delete(key);
    }

    @Override
    public void close() {}
}
