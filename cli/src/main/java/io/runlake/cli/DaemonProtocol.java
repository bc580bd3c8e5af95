package io.runlake.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link DaemonClient} and a {@link QueryDaemon} say to each other over a Unix domain socket, and where that
 * socket is. One daemon serves one <em>key</em>: the class path it was started from (the jars' sizes and times, so a
 * rebuilt jar gets a new daemon), the JVM, and every environment variable a command reads. A command is answered by a
 * daemon only when the caller's key is the daemon's, so its answer is the one a process started there would print.
 *
 * <p>Request: {@link #MAGIC}, a kind ({@link #RUN}, {@link #STOP}, {@link #STATUS}); for {@link #RUN} whether the caller
 * is a terminal, its width, and the arguments. Answer: frames of a type byte and a length-prefixed body:
 * {@link #OUT} and {@link #ERR} carry the command's bytes as it writes them, {@link #EXIT} ends the answer with the
 * exit code, {@link #TEXT} is the answer to {@link #STATUS} or {@link #STOP}.
 */
final class DaemonProtocol {
    private DaemonProtocol() {}

    static final int MAGIC = 0x524c4431; // "RLD1"
    static final byte RUN = 1;
    static final byte STOP = 2;
    static final byte STATUS = 3;

    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    static final byte TEXT = 'T';

    /** The commands a daemon answers: they only read the store and print; none reads stdin or writes a file. */
    static final Set<String> COMMANDS =
            Set.of("experiments", "runs", "show", "compare", "leaderboard", "history", "lineage");

    /** Exit code of a {@link DaemonClient} that got no answer and printed nothing: the launcher runs the command itself. */
    static final int NOT_ANSWERED = 75; // EX_TEMPFAIL

    /** Minutes a daemon waits for the next command before it exits ({@code RUNLAKE_DAEMON_IDLE_MINUTES}). */
    static final long DEFAULT_IDLE_MINUTES = 30;

    static final String IDLE_ENV = "RUNLAKE_DAEMON_IDLE_MINUTES";

    /** Variables that tell how a command behaves or where it reads, apart from {@code RUNLAKE_*}. */
    private static final Set<String> KEY_VARIABLES = Set.of(
            "HOME",
            "USER",
            "TZ",
            "LANG",
            "XDG_CACHE_HOME",
            "JAVA_HOME",
            "JAVA_OPTS",
            "JDK_JAVA_OPTIONS",
            "JAVA_TOOL_OPTIONS",
            "http_proxy",
            "https_proxy",
            "no_proxy",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "NO_PROXY");

    /** Whether a command reads {@code variable}: it is then part of the daemon's key. */
    static boolean inKey(String variable) {
        if (variable.startsWith("RUNLAKE_DAEMON") || variable.equals("RUNLAKE_T0")) return false; // the client's own
        return variable.startsWith("RUNLAKE_")
                || variable.startsWith("AWS_")
                || variable.startsWith("LC_")
                || KEY_VARIABLES.contains(variable);
    }

    /** The key of a process with this class path, JVM and environment. */
    static String key(String classPath, String javaHome, Map<String, String> env) {
        StringBuilder b = new StringBuilder("java.home=").append(javaHome).append('\n');
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            b.append("cp=").append(entry);
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                b.append(' ')
                        .append(a.size())
                        .append(' ')
                        .append(a.lastModifiedTime().toMillis());
            } catch (IOException | RuntimeException e) {
                b.append(" absent");
            }
            b.append('\n');
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (inKey(e.getKey()))
                b.append("env ")
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue())
                        .append('\n');
        }
        // Two 64-bit FNV-1a hashes, not SHA-256: the key only tells daemons apart, and loading the JDK's security
        // providers would cost the client a sixth of its time.
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().toHexDigits(fnv1a(bytes, 0xcbf29ce484222325L))
                + HexFormat.of().toHexDigits(fnv1a(bytes, 0x84222325cbf29ce4L));
    }

    private static long fnv1a(byte[] bytes, long seed) {
        long h = seed;
        for (byte x : bytes) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The folder of this user's daemons: the launcher's cache folder ({@code $XDG_CACHE_HOME/runlake}). */
    static Path folder(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        return xdg != null && Path.of(xdg).isAbsolute()
                ? Path.of(xdg, "runlake")
                : Path.of(System.getProperty("user.home"), ".cache", "runlake");
    }

    static Path socket(Path folder, String key) {
        return folder.resolve("daemon-" + key + ".sock");
    }

    /** The sockets of every daemon in {@code folder}, whatever their key. */
    static List<Path> sockets(Path folder) {
        List<Path> found = new ArrayList<>();
        try (var s = Files.newDirectoryStream(folder, "daemon-*.sock")) {
            s.forEach(found::add);
        } catch (IOException e) {
            // no folder: no daemon
        }
        return found;
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING) throw new IOException("a string of " + n + " bytes in a daemon request");
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static final int MAX_STRING = 1 << 20;

    /** Writes one frame; frames of several streams share one socket, so each is written whole. */
    static void frame(DataOutputStream out, byte type, byte[] body, int off, int len) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(len);
            out.write(body, off, len);
        }
    }

    /** A stream whose bytes go out as frames of one type (stdout or stderr of a command run by a daemon). */
    static OutputStream frames(DataOutputStream out, byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) frame(out, type, b, off, len);
            }

            @Override
            public void flush() throws IOException {
                synchronized (out) {
                    out.flush();
                }
            }
        };
    }
}
