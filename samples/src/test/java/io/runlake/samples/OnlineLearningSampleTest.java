package io.runlake.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online learning is evaluated in wall-clock windows with DuckDB's time_bucket over the run's shards. */
class OnlineLearningSampleTest {
    @TempDir
    Path tmp;

    @Test
    void accuracyPerTimeWindowShowsTheDrift() throws Exception {
        String runId;
        Path lake = tmp.resolve("lake");
        try (Tracker tracker = Tracker.open(
                lake.toUri(),
                TrackerOptions.defaults()
                        .withSpillRoot(tmp.resolve("spill"))
                        .withShutdownHook(false)
                        .withFlushInterval(Duration.ofMillis(200))
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO))) {
            runId = OnlineLearningSample.run(tracker, 6_000, 500, new PrintStream(OutputStream.nullOutputStream()));
        }
        String shards = "'" + lake.resolve("runs/experiment=online/run=" + runId + "/metrics/*.parquet") + "'";
        List<double[]> windows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "select time_bucket(interval '250 milliseconds', timestamp) as w, avg(value), count(*),"
                                + " min(step) from read_parquet(" + shards
                                + ") where key = 'online/correct' group by w order by w")) {
            while (rs.next()) windows.add(new double[] {rs.getDouble(2), rs.getLong(3), rs.getLong(4)});
        }
        assertTrue(windows.size() >= 4, "expected several time windows, got " + windows.size());
        assertEquals(6_000, windows.stream().mapToDouble(w -> w[1]).sum(), 0.0);
        // the drift shows as a dip: the first window after it is worse than the last one before it,
        // and the model re-learns by the end of the stream
        double beforeDrift = -1;
        double afterDrift = -1;
        for (double[] w : windows) {
            if (w[2] + w[1] <= 3_000) beforeDrift = w[0];
            if (afterDrift < 0 && w[2] >= 3_000) afterDrift = w[0];
        }
        double last = windows.get(windows.size() - 1)[0];
        assertTrue(beforeDrift > 0.85, "did not learn before the drift: " + beforeDrift);
        assertTrue(
                afterDrift < beforeDrift - 0.03,
                "no dip after the drift: before " + beforeDrift + ", after " + afterDrift);
        assertTrue(last > 0.85, "did not re-learn after the drift: last window accuracy " + last);
    }
}
