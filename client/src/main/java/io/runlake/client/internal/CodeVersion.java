package io.runlake.client.internal;

import io.runlake.format.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The code a run executes, captured at start with the {@code git} binary: commit, branch, remote (with
 * credentials removed), and whether the tree is dirty; when dirty, {@code git diff HEAD --binary}. The
 * binary rather than JGit because it is what users already have, understands every repository layout
 * (worktrees, submodules, sparse checkouts) exactly as they do, and adds no dependency. Outside a
 * checkout, or without git, the code version is recorded as unknown; capture is bounded in time.
 */
public final class CodeVersion {
    /** Each git invocation gets this long; at most five run, so start is delayed by at most ~5 s. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    static final int MAX_DIFF_BYTES = 50 * 1024 * 1024;

    /** Captures per folder, once per process: the code of a running JVM does not change under it. */
    private static final Map<Path, Capture> CAPTURED = new ConcurrentHashMap<>();
    /** git processes started by this JVM, for tests that check the capture is not repeated. */
    private static final AtomicLong GIT_CALLS = new AtomicLong();

    private CodeVersion() {}

    /**
     * The captured fields (FORMAT.md "code") and the diff bytes when the tree is dirty.
     *
     * @param diffSha256 the SHA-256 of {@code diff}, null without one
     */
    public record Capture(Map<String, Object> fields, byte[] diff, String diffSha256) {}

    /**
     * The code version of {@code dir}, captured by the first run of this process that asks and reused by every later
     * one: git costs milliseconds per call, and the classes this JVM runs were loaded when it started.
     */
    public static Capture captureOnce(Path dir) {
        return CAPTURED.computeIfAbsent(dir.toAbsolutePath().normalize(), CodeVersion::capture);
    }

    /** git processes this JVM has started. */
    public static long gitCalls() {
        return GIT_CALLS.get();
    }

    static Capture capture(Path dir) {
        Map<String, Object> code = new LinkedHashMap<>();
        Commands.Result top = git(dir, "rev-parse", "--show-toplevel");
        if (!top.ok()) {
            code.put("git_status", top.problem() != null ? top.problem() : "not a git repository");
            return new Capture(Collections.unmodifiableMap(code), null, null);
        }
        code.put("git_root", top.text());
        Commands.firstLine(git(dir, "rev-parse", "HEAD"))
                .ifPresentOrElse(c -> code.put("git_commit", c), () -> code.put("git_commit", null));
        Commands.firstLine(git(dir, "rev-parse", "--abbrev-ref", "HEAD")).ifPresent(b -> code.put("git_branch", b));
        Commands.firstLine(git(dir, "config", "--get", "remote.origin.url"))
                .ifPresent(r -> code.put("git_remote", stripCredentials(r)));
        Commands.Result status = git(dir, "status", "--porcelain", "--untracked-files=normal");
        byte[] diff = null;
        if (status.ok()) {
            List<String> lines = status.text().lines().filter(l -> !l.isBlank()).toList();
            List<String> untracked = lines.stream()
                    .filter(l -> l.startsWith("??"))
                    .map(l -> l.substring(3))
                    .limit(100)
                    .toList();
            boolean dirty = lines.stream().anyMatch(l -> !l.startsWith("??"));
            code.put("git_dirty", dirty);
            if (!untracked.isEmpty()) code.put("git_untracked", untracked);
            if (dirty && code.get("git_commit") != null) {
                Commands.Result d = git(dir, "diff", "HEAD", "--binary");
                if (d.ok() && d.stdout().length > 0 && d.stdout().length <= MAX_DIFF_BYTES) {
                    diff = d.stdout();
                } else if (d.stdout().length > MAX_DIFF_BYTES) {
                    code.put("git_diff_status", "diff larger than " + MAX_DIFF_BYTES + " bytes, not stored");
                }
            }
        } else {
            code.put("git_status", status.problem() != null ? status.problem() : "git status failed");
        }
        if (code.get("git_commit") == null) code.remove("git_commit");
        String diffSha = diff == null ? null : Hashes.sha256(diff);
        if (diffSha != null) code.put("git_diff_sha256", diffSha);
        return new Capture(Collections.unmodifiableMap(code), diff, diffSha);
    }

    private static Commands.Result git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        GIT_CALLS.incrementAndGet();
        return Commands.run(dir, COMMAND_TIMEOUT, cmd);
    }

    /**
     * https://user:token@host/repo -> https://host/repo, also when the password contains '@', and secret query
     * parameters masked: {@link Redaction#redactUri}.
     */
    static String stripCredentials(String remote) {
        return Redaction.redactUri(remote);
    }
}
