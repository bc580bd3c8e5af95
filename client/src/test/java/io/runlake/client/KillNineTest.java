package io.runlake.client;

import static io.runlake.testing.Lakes.lit;
import static io.runlake.testing.Lakes.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.format.Layout;
import io.runlake.format.MetricSchema;
import io.runlake.store.FileObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process killed with SIGKILL keeps every point it flushed, and its run is visibly stale. */
class KillNineTest {
    @TempDir
    Path tmp;

    @Test
    void pointsFlushedBeforeSigkillSurvive() throws Exception {
        Path lake = tmp.resolve("lake");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        KillNineChild.class.getName(),
                        lake.toString(),
                        tmp.resolve("spill").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String runId = null;
        long flushed = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RUN ")) runId = line.substring(4);
                if (line.startsWith("FLUSHED ")) flushed = Long.parseLong(line.substring(8));
                if (flushed >= 20_000) break;
            }
            long killedAt = System.currentTimeMillis();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertNotNull(runId, "child never started a run");
            assertTrue(flushed >= 20_000, "child stopped early");

            String shards = lit(lake.resolve(Layout.runPrefix("killed", runId) + "metrics/*.parquet"));
            // every point reported as flushed is there exactly once, with its value
            assertEquals(
                    List.of(List.of(flushed, flushed)),
                    query("select count(*), count(distinct step) from read_parquet(" + shards
                            + ") where key = 'loss' and step < " + flushed));
            assertEquals(
                    0L,
                    query("select count(*) from read_parquet(" + shards + ") where key = 'loss' and step < " + flushed
                                    + " and value <> 1.0 / (step + 1)")
                            .get(0)
                            .get(0));
            try (FileObjectStore store = new FileObjectStore(lake)) {
                assertTrue(
                        store.list(Layout.runPrefix("killed", runId) + "end/").isEmpty(),
                        "a killed -9 process writes no end");
                assertTrue(store.head(Layout.startManifest("killed", runId)).isPresent());
            }
            // readers can tell how stale it is: last activity is in every shard's footer
            long lastActivity =
                    Long.parseLong(String.valueOf(query("select max(decode(value)::BIGINT) from parquet_kv_metadata("
                                    + shards + ") where decode(key) = '" + MetricSchema.META_LAST_ACTIVITY + "'")
                            .get(0)
                            .get(0)));
            assertTrue(lastActivity <= killedAt && lastActivity > killedAt - 60_000, "last activity " + lastActivity);
        } finally {
            child.destroyForcibly();
        }
    }
}
