package io.runlake.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API of {@code runlake ui} over a file: store, asked with the JDK's HTTP client. */
class UiApiTest {
    @TempDir
    static Path tmp;

    static UiServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        UiStores.write(store.toUri(), tmp);
        server = UiServer.start(store.toUri(), UiStores.lakeOptions(tmp), "127.0.0.1", 0, null, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Json.MAPPER.readTree(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> column(JsonNode table, String column) {
        int i = -1;
        for (int c = 0; c < table.get("columns").size(); c++)
            if (table.get("columns").get(c).asText().equals(column)) i = c;
        List<String> out = new ArrayList<>();
        for (JsonNode r : table.get("rows"))
            out.add(r.get(i).isNull() ? null : r.get(i).asText());
        return out;
    }

    @Test
    void aRunThatLandsShowsUpOnRefreshAndNothingElseChanges() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("refresh-store"));
        try (io.runlake.client.Tracker t = UiStores.tracker(store.toUri(), tmp.resolve("refresh-spill"))) {
            t.newRun("refresh").name("first").start().finish();
        }
        try (UiServer own = UiServer.start(
                store.toUri(),
                UiStores.lakeOptions(tmp.resolve("refresh")),
                "127.0.0.1",
                0,
                null,
                Duration.ofHours(1))) {
            String runs = "http://127.0.0.1:" + own.port() + "/api/runs?experiment=refresh";
            JsonNode before = Json.MAPPER.readTree(
                    http.send(HttpRequest.newBuilder(URI.create(runs)).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            assertEquals(List.of("first"), column(before.get("runs"), "name"));
            try (io.runlake.client.Tracker t = UiStores.tracker(store.toUri(), tmp.resolve("refresh-spill"))) {
                t.newRun("refresh").name("second").start().finish();
            }
            JsonNode kept = Json.MAPPER.readTree(
                    http.send(HttpRequest.newBuilder(URI.create(runs)).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            assertEquals(List.of("first"), column(kept.get("runs"), "name"), "within the refresh interval: as it was");
            JsonNode refreshed = Json.MAPPER.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(runs + "&refresh=1"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertEquals(
                    List.of("first", "second"),
                    column(refreshed.get("runs"), "name").stream().sorted().toList(),
                    "a page's Refresh reads what landed");
        }
    }

    @Test
    void experimentsListsBoth() throws Exception {
        JsonNode e = json("/api/experiments").get("experiments");
        assertEquals(List.of("mnist", "other", "sweeps"), column(e, "experiment"));
        assertEquals(List.of("6", "1", "4"), column(e, "runs")); // the sweep: its parent and three trials
    }

    @Test
    void aLimitedAnswerHasTheFirstRunsAndTheTotal() throws Exception {
        JsonNode all = json("/api/runs?experiment=mnist");
        JsonNode first = json("/api/runs?experiment=mnist&limit=2");
        assertEquals(2, first.get("runs").get("rows").size());
        assertEquals(6, first.get("total").asInt());
        assertEquals(6, all.get("total").asInt());
        assertEquals(column(all.get("runs"), "run_id").subList(0, 2), column(first.get("runs"), "run_id"));
        assertEquals(400, get("/api/runs?limit=-1").statusCode());
    }

    @Test
    void sweepAnswersAttemptsAndTrialsAsTheCliReadsThem() throws Exception {
        JsonNode s = json("/api/sweep?" + "experiment=" + UiStores.SWEEP_EXPERIMENT + "&name=" + enc(UiStores.SWEEP));
        assertEquals(UiStores.SWEEP, s.get("name").asText());
        assertEquals(List.of("0", "1", "2"), column(s.get("trials"), "trial"));
        assertTrue(column(s.get("trials"), "pruned").contains("true"), s.toString());
        assertEquals(1, s.get("attempts").get("rows").size());
        assertEquals("0", column(s.get("attempts"), "best_trial").get(0));
        assertEquals(400, get("/api/sweep?name=nope").statusCode(), "no such sweep is the user's mistake");
    }

    @Test
    void runsHaveStatusesParentsAndVaryingParamsFirst() throws Exception {
        JsonNode r = json("/api/runs?experiment=mnist");
        JsonNode runs = r.get("runs");
        assertEquals(6, runs.get("rows").size());
        List<String> names = column(runs, "name");
        List<String> statuses = column(runs, "status");
        assertEquals("FAILED", statuses.get(names.indexOf(UiStores.FAILED_RUN)));
        assertTrue(column(runs, "error").get(names.indexOf(UiStores.FAILED_RUN)).contains(UiStores.ERROR));
        String parent = column(runs, "run_id").get(names.indexOf("sweep"));
        assertEquals(parent, column(runs, "parent_run_id").get(names.indexOf("lr-0.01")));
        // both vary (batch 32 in one run), so both come first, by name; the parent has no params to compare
        assertEquals("[\"batch\",\"lr\"]", r.get("paramOrder").toString());
        assertEquals(0, r.get("constantParams").size());
        assertEquals(
                List.of("accuracy", "loss"),
                List.of(
                        r.get("metricKeys").get(0).asText(),
                        r.get("metricKeys").get(1).asText()));
        String failedId = column(runs, "run_id").get(names.indexOf(UiStores.FAILED_RUN));
        assertTrue(r.get("metrics").get(failedId).get("loss").isNumber());
    }

    @Test
    void whereIsTheRunsCommandsFilter() throws Exception {
        JsonNode runs = json("/api/runs?experiment=mnist&where=" + enc("params.lr < 0.05 and status = 'FINISHED'"))
                .get("runs");
        assertEquals(
                List.of(UiStores.XSS_NAME, "long", "lr-0.01", "lr-0.03"),
                column(runs, "name").stream().sorted().toList());
        HttpResponse<String> bad = get("/api/runs?experiment=mnist&where=" + enc("lrr < 1"));
        assertEquals(400, bad.statusCode());
        assertTrue(Json.MAPPER.readTree(bad.body()).get("error").asText().contains("malformed filter"), bad.body());
        HttpResponse<String> unknown = get("/api/runs?experiment=mnist&where=" + enc("params.lrr < 1"));
        assertTrue(unknown.body().contains("did you mean params.lr"), unknown.body());
    }

    @Test
    void runPageHasEverything() throws Exception {
        JsonNode run = json("/api/run?id=" + enc(UiStores.XSS_NAME));
        assertEquals(UiStores.XSS_NAME, run.get("run").get("name").asText());
        assertEquals("0.02", run.get("run").get("params").get("lr").asText());
        assertEquals(List.of("model.txt"), column(run.get("artifacts"), "name"));
        assertTrue(
                column(run.get("inputs"), "uri").get(0).endsWith("train.csv"),
                run.get("inputs").toString());
        assertEquals(List.of("loss"), column(run.get("metrics"), "key"));
        assertTrue(run.get("lineage").has("environment"));
        JsonNode sweep = json("/api/run?id=sweep");
        assertEquals(3, sweep.get("children").get("rows").size());
        JsonNode failed = json("/api/run?id=" + UiStores.FAILED_RUN);
        assertTrue(failed.get("run").get("error").asText().contains(UiStores.ERROR));
    }

    @Test
    void historyIsDownsampledOnTheServer() throws Exception {
        JsonNode h = json("/api/history?run=long&key=loss&max=200");
        assertEquals(UiStores.LONG_POINTS, h.get("totalPoints").asLong());
        assertTrue(
                h.get("step").size() <= 200 && h.get("step").size() > 50,
                "points: " + h.get("step").size());
        assertEquals(h.get("step").size(), h.get("value").size());
        assertEquals(0, h.get("step").get(0).asLong(), "the first point kept");
        assertEquals(1.0, h.get("value").get(0).asDouble());
        JsonNode full = json("/api/history?run=lr-0.01&key=loss");
        assertEquals(50, full.get("step").size());
    }

    @Test
    void leaderboardLeavesFailedRunsOut() throws Exception {
        JsonNode b = json("/api/leaderboard?experiment=mnist&metric=loss");
        List<String> names = new ArrayList<>();
        for (JsonNode l : b.get("leaders")) names.add(l.get("name").asText());
        assertTrue(!names.contains(UiStores.FAILED_RUN) && names.contains("lr-0.01"), names.toString());
        assertEquals("min", b.get("direction").asText());
    }

    @Test
    void artifactDownloads() throws Exception {
        String id = column(json("/api/runs?experiment=mnist").get("runs"), "run_id")
                .get(column(json("/api/runs?experiment=mnist").get("runs"), "name")
                        .indexOf(UiStores.XSS_NAME));
        HttpResponse<String> r = get("/api/artifact?run=" + id + "&name=model.txt");
        assertEquals(200, r.statusCode());
        assertEquals(UiStores.ARTIFACT_TEXT, r.body());
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("model.txt"));
        assertEquals(404, get("/api/artifact?run=" + id + "&name=nothing").statusCode());
    }

    @Test
    void readOnlyAndErrorsAreJson() throws Exception {
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/runs"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<String> unknown = get("/api/run?id=nosuchrun");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown run"), unknown.body());
        assertEquals(404, get("/../pom.xml").statusCode());
        HttpResponse<String> page = get("/");
        assertTrue(page.body().contains("<script src=\"app.js\"></script>"));
        assertTrue(
                page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertEquals(200, get("/uplot/uPlot.iife.min.js").statusCode());
    }
}
