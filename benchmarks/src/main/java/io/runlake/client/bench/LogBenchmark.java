package io.runlake.client.bench;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@code Run.log} on the training thread, with the real background writer turning points into
 * Parquet shards in a local store. Run with scripts/bench-client.sh (see BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class LogBenchmark {
    private Path dir;
    private Tracker tracker;
    private Run run;
    private long step;
    private double value = 0.5;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("runlake-jmh");
        tracker = Tracker.open(
                dir.resolve("lake").toUri(),
                TrackerOptions.defaults()
                        .withSpillRoot(dir.resolve("spill"))
                        .withShutdownHook(false)
                        .withFlushInterval(Duration.ofSeconds(1))
                        // Big enough that no point is dropped during the short measurement: this measures the cost of
                        // an accepted point, not of the (cheaper) drop path of a full buffer.
                        .withBuffer(2L << 30, 65_536));
        run = tracker.startRun("jmh");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\ndropped because the buffer was full: " + run.droppedPoints());
        run.finish();
        tracker.close();
    }

    @Benchmark
    public void logWithStep() {
        run.log("train/loss", value, step++);
    }

    @Benchmark
    public void logAutoStep() {
        run.log("train/loss", value);
    }
}
