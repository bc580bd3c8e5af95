package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import io.runlake.testing.GoldenAnswers;
import io.runlake.testing.GoldenBucket;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runlake leaderboard} and {@code runlake runs} read the golden bucket (core's test resources) as expected. */
class GoldenBucketCliTest {
    @TempDir
    Path dir;

    @Test
    void leaderboardAndRunsPrintTheExpectedRunsOfEveryExperiment() throws Exception {
        Path copy = GoldenBucket.copyTo(dir.resolve("store"));
        GoldenAnswers expected = GoldenAnswers.of(copy);
        var status = expected.statusOf();
        for (String experiment : expected.experiments()) {
            // EXPECTED ranks the FINISHED runs; asked for exactly those, the whole list must match in order.
            JsonNode board = json(
                    copy,
                    "leaderboard",
                    "-e",
                    experiment,
                    "-m",
                    expected.leaderboardMetric(experiment),
                    "-d",
                    expected.leaderboardDirection(experiment),
                    "-k",
                    "100",
                    "--status",
                    "FINISHED");
            List<String> finished = new ArrayList<>();
            board.forEach(r -> finished.add(r.get("run_id").asText()));
            assertEquals(expected.leaderboardRunIds(experiment), finished, experiment);

            JsonNode runs = json(copy, "runs", "-e", experiment);
            runs.forEach(r -> assertEquals(
                    status.get(r.get("run_id").asText()), r.get("status").asText()));
            // archived runs (FORMAT.md §8.4) are hidden unless --all
            List<String> all = expected.runs().stream()
                    .filter(r -> r.startsWith(experiment + " | "))
                    .map(r -> r.split(" \\| ")[1])
                    .toList();
            assertEquals(
                    all.stream()
                            .filter(id -> !expected.archivedRunIds().contains(id))
                            .count(),
                    runs.size());
            assertEquals(
                    all.size(), json(copy, "runs", "-e", experiment, "--all").size());
        }
    }

    private JsonNode json(Path store, String... command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Main main = new Main(
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--uri", store.toString(), "--format", "json"));
        int code = main.commandLine().execute(args.toArray(String[]::new));
        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
        return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    }
}
