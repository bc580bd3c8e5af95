package io.runlake.cli;

import io.runlake.query.Lake;
import io.runlake.query.LakePool;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A resident process that runs read-only query commands for {@link DaemonClient}s of the same user and key
 * ({@link DaemonProtocol}), so that a command pays neither a JVM's start nor DuckDB's: the floor of a one-shot
 * command. Each command opens the lake as a process of its own would (a listing from the watermarks, the log, the
 * views), in a DuckDB connection of its own, so its answer is what a fresh process would print; only the start-up
 * is shared. The daemon listens on a socket in the user's private cache folder, answers only peers of its own user,
 * and exits after {@link DaemonProtocol#DEFAULT_IDLE_MINUTES} minutes without a command, when asked to
 * ({@code runlake daemon stop}), when its socket is removed, or when its jar is rebuilt.
 */
public final class QueryDaemon {
    private final Path socket;
    private final Duration idle;
    private final Instant started = Instant.now();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong lastDoneNanos = new AtomicLong(System.nanoTime());
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runlake-daemon-command");
        t.setDaemon(true);
        return t;
    });
    /** Lakes kept open between commands, refreshed for each (at most 4: each holds a DuckDB database in memory). */
    private final LakePool lakes = new LakePool(4);

    /** The key of this daemon's class path, JVM and environment when it started ({@link DaemonProtocol#key}). */
    private final String startKey = ownKey();

    private volatile boolean stopping;
    private ServerSocketChannel server;

    QueryDaemon(Path socket, Duration idle) {
        this.socket = socket;
        this.idle = idle;
    }

    /** {@code QueryDaemon SOCKET IDLE_MINUTES}: started by {@link DaemonClient}, not by hand. */
    public static void main(String[] args) throws Exception {
        Lake.preload(); // DuckDB loads while the socket is bound
        QueryDaemon d = new QueryDaemon(Path.of(args[0]), Duration.ofMinutes(Long.parseLong(args[1])));
        if (!d.bind()) {
            System.err.println("runlake daemon: another daemon serves " + args[0]);
            System.exit(0);
        }
        System.err.println("runlake daemon: serving " + args[0] + " (pid "
                + ProcessHandle.current().pid() + ")");
        d.serve();
        System.exit(0);
    }

    /** Binds the socket; false when a live daemon already answers on it. */
    boolean bind() throws IOException {
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                return false; // a daemon answers: leave it be
            } catch (IOException dead) {
                Files.deleteIfExists(socket); // left by a daemon that died
            }
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return true;
    }

    /** Accepts commands until idle, stopped or the socket is gone. */
    void serve() throws IOException {
        Thread watchdog = new Thread(this::watch, "runlake-daemon-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        UserPrincipal me = Files.getOwner(socket);
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (stopping) break;
                throw e;
            }
            running.incrementAndGet();
            workers.execute(() -> {
                try (ch) {
                    if (sameUser(ch, me)) answer(ch);
                } catch (IOException | RuntimeException e) {
                    // the caller went away (Ctrl-C) or spoke nonsense: nothing to answer
                } finally {
                    lastDoneNanos.set(System.nanoTime());
                    running.decrementAndGet();
                }
            });
        }
        workers.shutdown();
        try {
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lakes.close();
    }

    /**
     * Whether the peer is this daemon's user. Where the system does not say who the peer is, the socket's folder
     * (0700, this user's) is what keeps other users out.
     */
    private static boolean sameUser(SocketChannel ch, UserPrincipal me) throws IOException {
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().equals(me);
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    /** Stops when idle, or when the socket file is no longer this daemon's (removed, or replaced by another). */
    private void watch() {
        Object inode;
        try {
            inode = Files.readAttributes(socket, "unix:ino").get("ino");
        } catch (IOException | RuntimeException e) {
            inode = null;
        }
        while (!stopping) {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                return;
            }
            boolean idleLongEnough = running.get() == 0 && System.nanoTime() - lastDoneNanos.get() > idle.toNanos();
            Object now;
            try {
                now = Files.readAttributes(socket, "unix:ino").get("ino");
            } catch (IOException | RuntimeException e) {
                now = null;
            }
            boolean socketGone = now == null || (inode != null && !inode.equals(now));
            // a rebuilt jar: clients now ask a daemon of the new key, so this one would only idle
            boolean rebuilt = !ownKey().equals(startKey);
            if (idleLongEnough || socketGone || rebuilt) stop(!socketGone);
        }
    }

    private static String ownKey() {
        return DaemonProtocol.key(
                System.getProperty("java.class.path"), System.getProperty("java.home"), System.getenv());
    }

    private synchronized void stop(boolean removeSocket) {
        if (stopping) return;
        stopping = true;
        try {
            if (removeSocket) Files.deleteIfExists(socket); // first, so that no new client connects
            server.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }

    private void answer(SocketChannel ch) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
        if (in.readInt() != DaemonProtocol.MAGIC) return;
        byte kind = in.readByte();
        if (kind == DaemonProtocol.STATUS) {
            text(out, status());
        } else if (kind == DaemonProtocol.STOP) {
            text(out, "stopped " + status());
            stop(true);
        } else if (kind == DaemonProtocol.RUN) {
            boolean console = in.readBoolean();
            int width = in.readInt();
            int n = in.readInt();
            if (n < 0 || n > 10_000) return;
            String[] args = new String[n];
            for (int i = 0; i < n; i++) args[i] = DaemonProtocol.readString(in);
            int code = run(out, console, width, args, lakes);
            served.incrementAndGet();
            out.writeByte(DaemonProtocol.EXIT);
            out.writeInt(4);
            out.writeInt(code);
            out.flush();
        }
    }

    /** Runs one command line as {@link Main#main} would, its output framed to the caller. */
    static int run(DataOutputStream out, boolean console, int width, String[] args, LakePool lakes) {
        PrintStream stdout = new PrintStream(
                new BufferedOutputStream(DaemonProtocol.frames(out, DaemonProtocol.OUT), 1 << 15),
                false,
                StandardCharsets.UTF_8);
        PrintStream stderr =
                new PrintStream(DaemonProtocol.frames(out, DaemonProtocol.ERR), true, StandardCharsets.UTF_8);
        int code;
        try {
            code = new Main(stdout, stderr)
                    .withConsole(console, width)
                    .withLakes(lakes)
                    .commandLine(args)
                    .execute(args);
        } catch (RuntimeException | Error e) {
            stderr.println("runlake: " + Main.describe(e));
            code = Main.FAILED;
        }
        stdout.flush();
        stderr.flush();
        return code;
    }

    private String status() {
        return "pid " + ProcessHandle.current().pid() + ", up since " + started + ", " + served.get()
                + " commands answered, " + (running.get() - 1) + " others running, socket " + socket;
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        DaemonProtocol.frame(out, DaemonProtocol.TEXT, b, 0, b.length);
        out.flush();
    }
}
