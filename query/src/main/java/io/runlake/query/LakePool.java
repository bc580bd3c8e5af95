package io.runlake.query;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Open lakes kept between commands of a long-lived process (the CLI's query daemon). {@link #open} hands out a lake
 * to one caller at a time: a kept one of the same store and options, refreshed as a new one would be opened (a
 * listing from the watermarks and the log; the views are rebuilt only when what they read changed), else a new one.
 * {@link Lake#close()} gives it back. At most {@code maxIdle} lakes are kept; the least recently used is closed.
 */
public final class LakePool implements AutoCloseable {
    private final int maxIdle;
    /** Idle lakes, the most recently given back first. */
    private final Deque<Lake> idle = new ArrayDeque<>();

    private boolean closed;

    public LakePool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A lake over {@code uri} as {@link Lake#open(URI, LakeOptions, Mirror.Progress)} would open it. */
    public Lake open(URI uri, LakeOptions options, Mirror.Progress progress) {
        Lake kept = take(uri, options);
        if (kept == null) return Lake.open(uri, options, progress).pooledIn(this);
        try {
            kept.refresh(progress);
            return kept;
        } catch (RuntimeException e) {
            kept.closeSession();
            throw e;
        }
    }

    private synchronized Lake take(URI uri, LakeOptions options) {
        for (Iterator<Lake> i = idle.iterator(); i.hasNext(); ) {
            Lake l = i.next();
            if (l.uri().equals(uri) && l.options().equals(options)) {
                i.remove();
                return l;
            }
        }
        return null;
    }

    void giveBack(Lake lake) {
        List<Lake> evicted = new ArrayList<>();
        synchronized (this) {
            if (idle.contains(lake)) return; // closed twice
            if (closed) {
                evicted.add(lake);
            } else {
                idle.addFirst(lake);
                while (idle.size() > maxIdle) evicted.add(idle.removeLast());
            }
        }
        evicted.forEach(Lake::closeSession);
    }

    /** Lakes kept now (tests). */
    synchronized int idle() {
        return idle.size();
    }

    @Override
    public void close() {
        List<Lake> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        }
        all.forEach(Lake::closeSession);
    }
}
