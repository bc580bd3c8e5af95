package io.runlake.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a helper program (git, nvidia-smi) with a hard time limit; never throws, never hangs. */
final class Commands {
    private Commands() {}

    /** Outcome of a command: empty output and a reason when it could not run. */
    record Result(int exitCode, byte[] stdout, String problem) {
        boolean ok() {
            return problem == null && exitCode == 0;
        }

        String text() {
            return new String(stdout, StandardCharsets.UTF_8).strip();
        }
    }

    static Result run(Path workingDir, Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (workingDir != null) pb.directory(workingDir.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, new byte[0], command[0] + " not found");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(
                () -> {
                    try (InputStream in = p.getInputStream()) {
                        in.transferTo(out);
                    } catch (IOException ignored) {
                        // process killed
                    }
                },
                "runlake-cmd-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new byte[0], command[0] + " timed out after " + timeout.toMillis() + " ms");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, new byte[0], "interrupted");
        }
        synchronized (out) {
            return new Result(p.exitValue(), out.toByteArray(), null);
        }
    }

    static Optional<String> firstLine(Result r) {
        if (!r.ok()) return Optional.empty();
        String t = r.text();
        return t.isEmpty()
                ? Optional.empty()
                : Optional.of(t.lines().findFirst().orElse(""));
    }
}
