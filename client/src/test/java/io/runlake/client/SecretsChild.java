package io.runlake.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A training job started with secrets in its JVM flags, a git checkout whose remote carries a password, a data
 * input and an artifact reference with signed-URL tokens, and a failure whose message names a URL with
 * credentials. {@link SecretsTest} then searches the whole bucket for the secrets.
 */
public final class SecretsChild {
    public static void main(String[] args) throws Exception {
        URI store = URI.create(args[0]);
        try (Tracker tracker = Tracker.open(
                store,
                TrackerOptions.defaults()
                        .withSpillRoot(Path.of(args[1]))
                        .withFlushInterval(Duration.ofSeconds(1))
                        .withShutdownHook(false)
                        .withSystemMetricsInterval(Duration.ZERO)
                        .withCaptureCode(true))) {
            Run run = tracker.startRun("secrets");
            run.logInput("train", args[2], "train");
            run.logArtifactReference("model", URI.create(args[3]), null, 42);
            run.log("loss", 0.5, 0);
            run.fail(new IllegalStateException(args[4]));
            System.out.println("RUN " + run.id());
        }
    }
}
