package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runlake ui} as a user starts it: the real command in its own JVM (it serves until it is stopped), answering
 * the page and the API on the port it printed, loopback by default, token-protected on any other address; and
 * {@code --snapshot}, which writes the app into the store and exits.
 */
class UiCliTest {
    private static final Pattern URL = Pattern.compile("at (http://[^ ]+/)(\\?token=(\\S+))?$");

    @TempDir
    static Path tmp;

    static Path store;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void writeStore() throws Exception {
        store = Files.createDirectories(tmp.resolve("store"));
        TrackerOptions options = TestTrackers.options(tmp.resolve("spill"));
        try (Tracker t = Tracker.open(store.toUri(), options)) {
            Run r = t.newRun("ui-cli").name("first").param("lr", 0.1).start();
            r.log("loss", 0.5, 0);
            r.finish();
        }
    }

    /** A started {@code runlake ui}, its printed URL and token (null when none). */
    record Served(Process process, String base, String token) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook stops the server
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "runlake ui stops when asked");
        }
    }

    static Served serve(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--uri",
                store.toUri().toString(),
                "ui",
                "--port",
                "0",
                "--no-open",
                "--cache-dir",
                tmp.resolve("cache").toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd)
                .redirectError(tmp.resolve("ui-" + System.nanoTime() + ".err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // blocks until the server is up (or the process ended)
        if (line == null) {
            p.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("runlake ui printed nothing and ended with " + p.exitValue());
        }
        Matcher m = URL.matcher(line);
        assertTrue(line.startsWith("runlake ui: serving ") && m.find(), line);
        return new Served(p, m.group(1), m.group(3));
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndTheApiOnLoopback() throws Exception {
        try (Served s = serve()) {
            assertTrue(s.base().startsWith("http://127.0.0.1:"), s.base());
            assertEquals(null, s.token(), "loopback needs no token");
            HttpResponse<String> page = get(s.base());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("app.js"), page.body());
            HttpResponse<String> api = get(s.base() + "api/experiments");
            assertEquals(200, api.statusCode(), api.body());
            assertTrue(api.body().contains("\"ui-cli\""), api.body());
            assertEquals(
                    405,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(s.base() + "api/experiments"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode(),
                    "read-only");
        }
    }

    @Test
    void anyOtherAddressNeedsTheTokenItPrints() throws Exception {
        try (Served s = serve("--bind", "0.0.0.0")) {
            assertTrue(s.token() != null && s.token().length() >= 16, "a generated token in the URL: " + s.base());
            assertEquals(403, get(s.base() + "api/experiments").statusCode(), "no token, no answer");
            HttpResponse<String> api = get(s.base() + "api/experiments?token=" + s.token());
            assertEquals(200, api.statusCode(), api.body());
        }
        try (Served s = serve("--bind", "0.0.0.0", "--token", "our-team-secret-0123456789")) {
            assertEquals("our-team-secret-0123456789", s.token());
            assertEquals(403, get(s.base() + "api/experiments?token=wrong").statusCode());
        }
    }

    @Test
    void snapshotIsWrittenIntoTheStoreAndTheCommandEnds() throws Exception {
        Result r = Result.run(
                m -> m,
                "--uri",
                store.toUri().toString(),
                "ui",
                "--snapshot",
                "--cache-dir",
                tmp.resolve("c2").toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().trim().endsWith("/index.html"), r.out());
        try (Stream<Path> files = Files.walk(store.resolve("reports/ui"))) {
            List<Path> index = files.filter(f -> f.getFileName().toString().equals("index.html"))
                    .toList();
            assertEquals(1, index.size(), index::toString);
            assertTrue(Files.exists(index.get(0).resolveSibling("app.js")));
        }
    }
}
