package io.runlake.cli;

import io.runlake.client.TrackerOptions;
import java.nio.file.Path;
import java.time.Duration;

/** Tracker options of the CLI tests' writers: the spill in the test's folder, no hook, no git, no sampler. */
final class TestTrackers {
    private TestTrackers() {}

    static TrackerOptions options(Path spill) {
        return TrackerOptions.defaults()
                .withSpillRoot(spill)
                .withShutdownHook(false)
                .withCaptureCode(false)
                .withSystemMetricsInterval(Duration.ZERO);
    }
}
