package io.runlake.client.internal;

import io.runlake.store.LocalPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects a run start must not lose (shared environment, start manifest, run-id pointer), appended to a file in
 * the spill folder before {@code start()} returns, so that starting a run costs one append instead of store requests
 * or an fsync (FORMAT.md §10.1); likewise a run's events when they are logged, and a short run's last shard and end
 * manifest when it ends (see {@link RunCloser}). An append is in the kernel's page cache when it returns, so it survives the death of
 * this process at once; a background fsync, a few milliseconds later, makes it survive a host crash too. The run's
 * writer thread then writes the objects to the store as usual, before anything else of the run; a journal whose
 * process died before they were all written is uploaded by the next process that opens the store (its spill drain).
 *
 * <p>Each process appends to journal files of its own ({@code .starts/<random>.journal}) and holds an OS lock on
 * them while it lives: a file that can be locked belongs to a process that has gone. Records are {@code magic,
 * key length, data length, key, data, CRC-32}; reading stops at the first incomplete or damaged record (a torn
 * append after a host crash).
 */
public final class StartJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartJournal.class);
    /** The dot folder of the spill that holds journals (never an object key: §11 ignores dot segments). */
    static final String FOLDER = ".starts";

    /**
     * Journals this version writes: {@code .journal.2}, since they may hold packed shards, which writers that read
     * only {@code .journal} files would take for damage and delete with the journal. Both are read.
     */
    private static final String SUFFIX = ".journal.2";

    private static final String FIRST_VERSION_SUFFIX = ".journal";
    private static final int MAGIC = 0x524c534a; // "RLSJ"
    /** A record whose data are a shard's points, packed (PendingShard): encoded into the shard when written. */
    private static final int MAGIC_PACKED_SHARD = 0x524c5350; // "RLSP"

    private static final int HEADER = 12;
    /** A segment this large is closed for appends; it is deleted once every object in it has been written. */
    private static final long SEGMENT_BYTES = 4L << 20;
    /**
     * Least time between the end of one background fsync and the start of the next. Back-to-back fsyncs of the file
     * being appended to made appends wait for the file system's journal commits (1–10 ms stalls of start() and
     * finish() in a loop of short runs); a host crash can cost at most this much more of the latest appends.
     */
    private static final long SYNC_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * One object to journal and then write. {@code packedShard}: {@code data} are the points of the shard at
     * {@code key}, packed by {@link PendingShard}; the object is their encoding.
     */
    public record Entry(String key, byte[] data, boolean packedShard) {
        public Entry(String key, byte[] data) {
            this(key, data, false);
        }

        /** The object's bytes as the store gets them (a packed shard is encoded here). */
        public byte[] object() {
            return packedShard ? PendingShard.encode(data) : data;
        }
    }

    /** An open journal file of this process. */
    private static final class Segment {
        final Path file;
        final FileChannel channel;
        final FileLock lock;
        long outstanding;
        boolean sealed;

        Segment(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }
    }

    /** Which appended objects a run still has to write; hand it back with {@link #written}. */
    public static final class Ticket {
        private final Segment segment;
        private final int objects;

        private Ticket(Segment segment, int objects) {
            this.segment = segment;
            this.objects = objects;
        }
    }

    /**
     * Journals of this process, never opened by {@link #recover}: closing any channel of a file drops this process's
     * lock on it (POSIX record locks), which would let another process take over a live journal.
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final List<Segment> open = new ArrayList<>();
    private Segment current;
    private final ScheduledExecutorService syncer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "runlake-journal-sync");
        t.setDaemon(true);
        return t;
    });
    /** When the last fsync ended (System.nanoTime). */
    private volatile long lastSyncEnded = System.nanoTime() - SYNC_GAP_NANOS;

    private final AtomicBoolean syncQueued = new AtomicBoolean();

    StartJournal(Path spillDir) {
        this.dir = folder(spillDir);
    }

    /**
     * Appends {@code entries} in order. When this returns they survive the death of this process; a host crash once
     * the fsync queued here has run.
     */
    synchronized Ticket append(List<Entry> entries) throws IOException {
        Segment s = current();
        ByteBuffer buf = encode(entries);
        while (buf.hasRemaining()) s.channel.write(buf);
        s.outstanding += entries.size();
        if (s.channel.position() >= SEGMENT_BYTES) {
            s.sealed = true;
            current = null;
        }
        requestSync();
        return new Ticket(s, entries.size());
    }

    /** The objects of {@code ticket} are in the store or fsynced in the spill: the journal no longer needs them. */
    void written(Ticket ticket) {
        Segment s = ticket.segment;
        synchronized (this) {
            s.outstanding -= ticket.objects;
            if (!s.sealed || s.outstanding != 0) return;
            open.remove(s);
        }
        // deleting 4 MiB is not done under the monitor: start() appends meanwhile
        closeSegment(s, true);
    }

    private Segment current() throws IOException {
        if (current != null) return current;
        LocalPaths.createPrivateDirectories(dir);
        // locked under a temporary name, then renamed: a journal is never seen unlocked while its process lives
        Path tmp = dir.resolve("." + LocalPaths.uniqueName() + ".tmp");
        Files.createFile(tmp, LocalPaths.privateFileAttributes(tmp));
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.lock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        Path file = dir.resolve(tmp.getFileName().toString().substring(1).replace(".tmp", SUFFIX));
        OWNED.add(file);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        current = new Segment(file, ch, lock);
        open.add(current);
        return current;
    }

    private static ByteBuffer encode(List<Entry> entries) {
        int size = 0;
        List<byte[]> keys = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            byte[] k = e.key().getBytes(StandardCharsets.UTF_8);
            keys.add(k);
            size += HEADER + k.length + e.data().length + 4;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (int i = 0; i < entries.size(); i++) {
            byte[] k = keys.get(i);
            byte[] d = entries.get(i).data();
            buf.putInt(entries.get(i).packedShard() ? MAGIC_PACKED_SHARD : MAGIC)
                    .putInt(k.length)
                    .putInt(d.length)
                    .put(k)
                    .put(d);
            CRC32 crc = new CRC32();
            crc.update(k);
            crc.update(d);
            buf.putInt((int) crc.getValue());
        }
        return buf.flip();
    }

    /** One fsync for every append since the last one: appends are cheap, fsyncs are not (≈ 0.5 ms here). */
    private void requestSync() {
        if (!syncQueued.compareAndSet(false, true)) return;
        try {
            long wait = lastSyncEnded + SYNC_GAP_NANOS - System.nanoTime();
            syncer.schedule(this::syncOpenSegments, Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            syncQueued.set(false);
        }
    }

    private void syncOpenSegments() {
        syncQueued.set(false);
        List<Segment> toSync;
        synchronized (this) {
            toSync = List.copyOf(open);
        }
        for (Segment s : toSync) {
            try {
                s.channel.force(false);
            } catch (IOException | RuntimeException e) {
                // closed meanwhile (its objects were all written), or a failing disk the next append reports
                LOG.debug("journal fsync failed", e);
            }
        }
        lastSyncEnded = System.nanoTime();
    }

    /** Closes a segment no longer {@link #open} or current; deletes its file first if {@code delete}. */
    private void closeSegment(Segment s, boolean delete) {
        try {
            if (delete) Files.deleteIfExists(s.file); // before the lock goes: nobody recovers a file being deleted
            s.lock.release();
            s.channel.close();
        } catch (IOException e) {
            LOG.warn("RunLake: cannot close start journal {}: {}", s.file, e.toString());
        }
        OWNED.remove(s.file);
    }

    /**
     * Deletes the journals whose objects were all written; keeps the others (fsynced) for the next process on this
     * store, which uploads them.
     */
    @Override
    public synchronized void close() {
        current = null;
        for (Segment s : List.copyOf(open)) {
            open.remove(s);
            if (s.outstanding > 0) {
                try {
                    s.channel.force(false);
                } catch (IOException e) {
                    LOG.warn("RunLake: cannot sync start journal {}: {}", s.file, e.toString());
                }
            }
            closeSegment(s, s.outstanding == 0);
        }
        syncer.shutdown();
    }

    /** Absolute, so that the journals of this process are recognised whatever path named the spill root. */
    private static Path folder(Path spillDir) {
        return spillDir.toAbsolutePath().normalize().resolve(FOLDER);
    }

    /** Uploads one journaled object; throws to stop the recovery (the store failed). */
    @FunctionalInterface
    interface Upload {
        void upload(Entry entry) throws IOException;
    }

    /**
     * Uploads, in order, the objects of every journal whose process has gone (its lock can be taken), then deletes
     * the journal; stops at the first failure.
     *
     * @return objects still waiting in such journals
     */
    static int recover(Path spillDir, Upload upload) {
        Path dir = folder(spillDir);
        if (!Files.isDirectory(dir)) return 0;
        List<Path> journals;
        try (Stream<Path> s = Files.list(dir)) {
            journals = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)
                            || p.getFileName().toString().endsWith(FIRST_VERSION_SUFFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return 0;
        }
        int left = 0;
        for (Path journal : journals) {
            if (OWNED.contains(journal)) continue; // this process's: its runs write their objects themselves
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    continue; // locked by this process after all
                }
                if (lock == null) continue; // its process is alive
                List<Entry> entries = read(ch);
                int done = 0;
                try {
                    for (Entry e : entries) {
                        upload.upload(e);
                        done++;
                    }
                } catch (IOException | RuntimeException e) {
                    left += entries.size() - done;
                    continue;
                }
                Files.deleteIfExists(journal);
                LOG.info("RunLake: uploaded {} run start objects left by an ended process", entries.size());
            } catch (NoSuchFileException e) {
                // another process recovered it meanwhile
            } catch (IOException e) {
                LOG.warn("RunLake: cannot read start journal {}: {}", journal, e.toString());
            }
        }
        return left;
    }

    /** The whole records of a journal, in order; stops at the first torn or damaged one. */
    static List<Entry> read(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // read(dst, position) does not move the channel
        }
        buf.flip();
        List<Entry> out = new ArrayList<>();
        while (buf.remaining() >= HEADER) {
            int magic = buf.getInt();
            int keyLen = buf.getInt();
            int dataLen = buf.getInt();
            if ((magic != MAGIC && magic != MAGIC_PACKED_SHARD)
                    || keyLen <= 0
                    || dataLen < 0
                    || (long) keyLen + dataLen + 4 > buf.remaining()) break;
            byte[] k = new byte[keyLen];
            byte[] d = new byte[dataLen];
            buf.get(k).get(d);
            CRC32 crc = new CRC32();
            crc.update(k);
            crc.update(d);
            if (buf.getInt() != (int) crc.getValue()) break;
            out.add(new Entry(new String(k, StandardCharsets.UTF_8), d, magic == MAGIC_PACKED_SHARD));
        }
        return out;
    }
}
