package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query daemon as the launcher uses it: {@link DaemonClient} in a JVM of its own starts a {@link QueryDaemon}
 * (another JVM) and relays its answer. Every answer (stdout, stderr, exit code) must be the one a process of its own
 * ({@link Main}) prints, also after the store changed, for a store named relative to the caller's folder, and for a
 * command that fails; commands it must not answer are left to a process; {@code runlake daemon stop} ends it.
 */
class QueryDaemonTest {
    @TempDir
    static Path tmp;

    static Path store;

    @BeforeAll
    static void writeStore() throws Exception {
        store = Files.createDirectories(tmp.resolve("work").resolve("store"));
        writeRuns("first", "second", "third");
    }

    @AfterAll
    static void stopDaemons() throws Exception {
        run(tmp, Main.class, "daemon", "stop");
    }

    static void writeRuns(String... names) {
        TrackerOptions options = TestTrackers.options(tmp.resolve("spill"));
        try (Tracker t = Tracker.open(store.toUri(), options)) {
            double lr = 0.1;
            for (String name : names) {
                Run r = t.newRun("daemon").name(name).param("lr", lr).start();
                r.log("loss", 1 - lr, 0);
                r.finish();
                lr += 0.1;
            }
        }
    }

    record Answer(int code, String out, String err) {}

    /** {@code main} with {@code args} in a JVM of its own, in {@code dir}, with this test's cache folder. */
    static Answer run(Path dir, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out-" + System.nanoTime()), err = tmp.resolve("err-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("RUNLAKE_"));
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        env.put(DaemonProtocol.IDLE_ENV, "1"); // gone a minute after the tests, whatever happens to them
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "ended: " + cmd);
        return new Answer(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The daemon's answer, which must be there (not left to a process) and equal a process's own. */
    static Answer sameAsAProcess(Path dir, String... args) throws Exception {
        Answer daemon = run(dir, DaemonClient.class, args);
        assertTrue(daemon.code() != DaemonProtocol.NOT_ANSWERED, "answered by the daemon: " + daemon);
        assertEquals(run(dir, Main.class, args), daemon, String.join(" ", args));
        return daemon;
    }

    @Test
    void answersAsAProcessOfItsOwn() throws Exception {
        String uri = store.toString();
        Answer runs = sameAsAProcess(tmp, "runs", "--uri", uri, "-e", "daemon");
        assertTrue(runs.out().contains("second"), runs.out());
        sameAsAProcess(tmp, "experiments", "--uri", uri);
        sameAsAProcess(tmp, "--uri", uri, "leaderboard", "-e", "daemon", "-m", "loss", "-d", "min");
        sameAsAProcess(tmp, "runs", "--uri=" + uri, "--format", "json");
        Answer failed = sameAsAProcess(tmp, "show", "--uri", uri, "no-such-run");
        assertEquals(Main.FAILED, failed.code());
        assertTrue(failed.err().startsWith("runlake: "), failed.err());
        Answer usage = sameAsAProcess(tmp, "leaderboard", "--uri", uri, "--no-such-option");
        assertEquals(Main.USAGE, usage.code());
        Answer status = run(tmp, Main.class, "daemon", "status");
        assertTrue(status.out().contains("commands answered"), status.out());
    }

    @Test
    void aStoreNamedRelativeToTheCallerIsTheCallersOwn() throws Exception {
        Path work = store.getParent();
        Answer relative = sameAsAProcess(work, "runs", "--uri", "store", "-e", "daemon");
        assertEquals(0, relative.code(), relative.err());
        assertEquals(run(tmp, DaemonClient.class, "runs", "--uri", store.toString(), "-e", "daemon"), relative);
        // no --uri: ./runlake-data of the caller's folder, which does not exist there
        Answer none = sameAsAProcess(work, "experiments");
        assertTrue(none.err().contains("runlake-data"), none.err());
    }

    @Test
    void aRunWrittenAfterAnAnswerIsInTheNext() throws Exception {
        String uri = store.toString();
        assertFalse(sameAsAProcess(tmp, "runs", "--uri", uri).out().contains("late-run"));
        writeRuns("late-run");
        assertTrue(sameAsAProcess(tmp, "runs", "--uri", uri).out().contains("late-run"));
    }

    @Test
    void commandsItMustNotAnswerAreLeftToAProcess() throws Exception {
        String uri = store.toString();
        for (String[] args : List.of(
                new String[] {"sql", "--uri", uri},
                new String[] {"-v", "experiments", "--uri", uri},
                new String[] {"experiments", "@args.txt"},
                new String[] {"--version"},
                new String[] {"compact", "--uri", uri})) {
            Answer a = run(tmp, DaemonClient.class, args);
            assertEquals(new Answer(DaemonProtocol.NOT_ANSWERED, "", ""), a, String.join(" ", args));
        }
    }

    @Test
    void aSocketFolderOthersCouldWriteToIsMadePrivateAndItsSocketsAreNotTrusted() throws Exception {
        Path open = Files.createDirectories(tmp.resolve("open-folder"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path planted = Files.writeString(open.resolve("daemon-0123.sock"), "anyone's");
        assertTrue(DaemonClient.ownPrivateFolderOrNone(open));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(open));
        assertFalse(Files.exists(planted), "a socket found in a folder others could write to is removed");
        Path kept = Files.writeString(open.resolve("daemon-4567.sock"), "ours");
        assertTrue(DaemonClient.ownPrivateFolderOrNone(open));
        assertTrue(Files.exists(kept), "in a private folder, sockets are left alone");
        assertTrue(DaemonClient.ownPrivateFolderOrNone(tmp.resolve("no-such-folder")));
    }

    @Test
    void stopEndsTheDaemon() throws Exception {
        sameAsAProcess(tmp, "experiments", "--uri", store.toString());
        Answer stopped = run(tmp, Main.class, "daemon", "stop");
        Matcher pid = Pattern.compile("stopped pid (\\d+)").matcher(stopped.out());
        assertTrue(pid.find(), stopped.out());
        Optional<ProcessHandle> daemon = ProcessHandle.of(Long.parseLong(pid.group(1)));
        if (daemon.isPresent()) daemon.get().onExit().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), DaemonProtocol.sockets(tmp.resolve("cache").resolve("runlake")), "its socket is gone");
        assertEquals(
                "no query daemon is running\n",
                run(tmp, Main.class, "daemon", "status").out());
        sameAsAProcess(tmp, "experiments", "--uri", store.toString()); // the next command starts another
    }
}
