package io.runlake.cli;

import io.runlake.store.StoreUris;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The launcher's fast path for a query command: hands the command line to this user's {@link QueryDaemon} for the
 * same key ({@link DaemonProtocol}), starting one when there is none, and relays its output and exit code. A small
 * JVM that loads no DuckDB, no picocli and no store code. When no daemon can answer before the command printed
 * anything, it exits with {@link DaemonProtocol#NOT_ANSWERED} and the launcher runs the command in a process of its
 * own, so a daemon that cannot start never costs a command.
 *
 * <p>What depends on where the command was typed is settled here, not in the daemon: the store ({@code --uri}, else
 * {@code RUNLAKE_URI}, else {@code ./runlake-data}) and {@code --cache-dir} become absolute. Command lines the daemon
 * could not answer as a process would ({@code -v}, {@code @argument-files}, timing, a relative cache folder in the
 * environment) are not sent.
 */
public final class DaemonClient {
    private DaemonClient() {}

    /** How long a starting daemon may take to listen (a JVM and DuckDB on a busy machine). */
    private static final long START_WAIT_MS = 60_000;

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        List<String> line = commandLine(args, env);
        if (line == null) return DaemonProtocol.NOT_ANSWERED;
        Path folder = DaemonProtocol.folder(env);
        String key = DaemonProtocol.key(daemonClassPath(), System.getProperty("java.home"), env);
        Path socket = DaemonProtocol.socket(folder, key);
        if (socket.toString().length() > 100) return DaemonProtocol.NOT_ANSWERED; // sun_path holds 108 bytes
        if (!ownPrivateFolderOrNone(folder)) return DaemonProtocol.NOT_ANSWERED; // a socket there could be anyone's
        boolean console = System.console() != null;
        int width = console ? CommandLines.consoleWidth(env.get("COLUMNS")) : 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            SocketChannel connected = connect(socket);
            if (connected == null) connected = start(folder, socket, key, env);
            if (connected == null) return DaemonProtocol.NOT_ANSWERED;
            try (SocketChannel ch = connected) {
                Integer code = send(ch, console, width, line);
                if (code != null) return code;
            } catch (IOException e) {
                return DaemonProtocol.NOT_ANSWERED;
            }
            // the daemon closed the connection before it printed anything (it was exiting, idle): try once more
        }
        return DaemonProtocol.NOT_ANSWERED;
    }

    /**
     * The command line to send, with the store and cache folder made absolute; null when it must not be sent.
     */
    static List<String> commandLine(String[] args, Map<String, String> env) {
        if (env.containsKey("RUNLAKE_TIMING")) return null; // timing is of a process's phases
        for (String v : List.of("RUNLAKE_CACHE_DIR", "XDG_CACHE_HOME")) {
            String dir = env.get(v);
            if (dir != null && !dir.isBlank() && !Path.of(dir).isAbsolute()) return null;
        }
        String command = CommandLines.commandName(args);
        if (command == null || !DaemonProtocol.COMMANDS.contains(command)) return null;
        List<String> out = new ArrayList<>();
        boolean uri = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-v") || a.equals("--verbose") || a.startsWith("@")) return null;
            if (a.equals("--")) {
                for (; i < args.length; i++) out.add(args[i]);
                break;
            }
            if ((a.equals("--uri") || a.equals("--cache-dir")) && i + 1 < args.length) {
                out.add(a);
                out.add(absolute(a, args[++i]));
                uri |= a.equals("--uri");
            } else if (a.startsWith("--uri=") || a.startsWith("--cache-dir=")) {
                String option = a.substring(0, a.indexOf('='));
                out.add(option + "=" + absolute(option, a.substring(option.length() + 1)));
                uri |= option.equals("--uri");
            } else {
                out.add(a);
            }
        }
        if (!uri) {
            try {
                out.addAll(0, List.of("--uri", StoreUris.defaultUri().toString()));
            } catch (RuntimeException e) {
                return null; // a bad RUNLAKE_URI: the command itself says so
            }
        }
        return out;
    }

    private static String absolute(String option, String value) {
        try {
            if (option.equals("--uri")) return StoreUris.parse(value).toString();
            return Path.of(value).toAbsolutePath().toString();
        } catch (RuntimeException e) {
            return value; // not a path or URI: the command reports it
        }
    }

    /**
     * Whether {@code folder} is missing (it is made private when a daemon starts) or this user's alone (0700). A folder
     * of this user's that others could write to is made 0700, and the sockets in it are removed: any of them could
     * have been put there by someone else.
     */
    static boolean ownPrivateFolderOrNone(Path folder) {
        try {
            if (!Files.exists(folder)) return true;
            if (!Files.getOwner(folder).getName().equals(System.getProperty("user.name"))) return false;
            Set<PosixFilePermission> only = PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(folder).equals(only)) {
                Files.setPosixFilePermissions(folder, only);
                for (Path s : DaemonProtocol.sockets(folder)) Files.deleteIfExists(s);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static SocketChannel connect(Path socket) {
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Starts a daemon (one starter at a time per key) and connects to it; null when it does not come up. */
    private static SocketChannel start(Path folder, Path socket, String key, Map<String, String> env) {
        try {
            Files.createDirectories(
                    folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            try (FileChannel lockFile = FileChannel.open(
                            folder.resolve("daemon-" + key + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock ignored = lockFile.lock()) {
                SocketChannel ch = connect(socket); // started by another client meanwhile
                if (ch != null) return ch;
                Process p = spawn(folder, socket, key, env);
                long deadline = System.currentTimeMillis() + START_WAIT_MS;
                while (System.currentTimeMillis() < deadline) {
                    ch = connect(socket);
                    if (ch != null) return ch;
                    if (!p.isAlive() && p.exitValue() != 0) return null;
                    Thread.sleep(20);
                }
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Process spawn(Path folder, Path socket, String key, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) cmd.add("/usr/bin/setsid"); // not in the terminal's job: Ctrl-C
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        cmd.add("-XX:+UseSerialGC");
        String archive = System.getProperty("runlake.cds");
        if (archive != null && Files.isRegularFile(Path.of(archive))) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
            cmd.add("-Xshare:auto");
            cmd.add("-Xlog:cds=off,cds+dynamic=off");
        }
        String javaOpts = env.get("JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank())
            cmd.addAll(List.of(javaOpts.strip().split("\\s+")));
        cmd.add("-cp");
        cmd.add(daemonClassPath());
        cmd.add(QueryDaemon.class.getName());
        cmd.add(socket.toString());
        cmd.add(String.valueOf(idleMinutes(env)));
        Path log = folder.resolve("daemon-" + key + ".log");
        return new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(log.toFile())
                .redirectErrorStream(true)
                .start();
    }

    /**
     * The daemon's class path: the launcher's {@code runlake.jar} ({@code -Drunlake.jar}; the client runs from the
     * small {@code runlake-client.jar}), else this JVM's (tests).
     */
    private static String daemonClassPath() {
        String jar = System.getProperty("runlake.jar");
        return jar != null ? jar : System.getProperty("java.class.path");
    }

    static long idleMinutes(Map<String, String> env) {
        try {
            long m =
                    Long.parseLong(env.getOrDefault(DaemonProtocol.IDLE_ENV, "").strip());
            return m > 0 ? m : DaemonProtocol.DEFAULT_IDLE_MINUTES;
        } catch (NumberFormatException e) {
            return DaemonProtocol.DEFAULT_IDLE_MINUTES;
        }
    }

    /** Sends the command and relays the answer; null when the daemon closed before printing anything. */
    private static Integer send(SocketChannel ch, boolean console, int width, List<String> line) throws IOException {
        DataOutputStream req = new DataOutputStream(Channels.newOutputStream(ch));
        req.writeInt(DaemonProtocol.MAGIC);
        req.writeByte(DaemonProtocol.RUN);
        req.writeBoolean(console);
        req.writeInt(width);
        req.writeInt(line.size());
        for (String a : line) DaemonProtocol.writeString(req, a);
        req.flush();
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        boolean printed = false;
        try {
            while (true) {
                byte type = in.readByte();
                int n = in.readInt();
                if (type == DaemonProtocol.EXIT) return in.readInt();
                byte[] body = in.readNBytes(n);
                if (body.length < n) throw new EOFException();
                printed = true;
                try {
                    (type == DaemonProtocol.ERR ? stderr : stdout).write(body);
                } catch (IOException closed) {
                    // the reader went away (| head): as in a process of its own, the rest is dropped, the code kept
                }
            }
        } catch (IOException e) { // EOF, reset: the daemon ended (it was idle and exiting, or it failed)
            if (!printed) return null; // nothing printed yet: the command can still be run elsewhere
            stderr.write("runlake: the query daemon ended before the command did\n".getBytes());
            return Main.FAILED;
        }
    }

    /** Sends {@code kind} ({@link DaemonProtocol#STATUS} or {@link DaemonProtocol#STOP}) to a daemon; its answer. */
    static String ask(Path socket, byte kind) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream req = new DataOutputStream(Channels.newOutputStream(ch));
            req.writeInt(DaemonProtocol.MAGIC);
            req.writeByte(kind);
            req.flush();
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            if (in.readByte() != DaemonProtocol.TEXT) throw new IOException("an unexpected answer");
            return new String(in.readNBytes(in.readInt()), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
