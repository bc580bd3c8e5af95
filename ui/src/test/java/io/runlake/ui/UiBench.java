package io.runlake.ui;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Timings for BENCHMARKS.md ("Web UI"), not a test: surefire runs it only when named, and it prints, never asserts
 * a time. {@code -Druntlake.bench.store=DIR}: a store written by ManyRunsStore (10,000 runs); the runs table is
 * drawn in headless Chromium and timed in the page. The million-point curve is written here.
 *
 * <pre>
 * flock /tmp/runlake-mvn.lock mvn -B -o -q -pl ui -am test -Dtest=UiBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drunlake.bench.store=/tmp/ui-runs-10000
 * </pre>
 */
class UiBench {
    @TempDir
    Path tmp;

    @Test
    void runsTableOfManyRuns() throws Exception {
        String dir = System.getProperty("runlake.bench.store");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "-Drunlake.bench.store=DIR not given");
        Assumptions.assumeTrue(Files.isExecutable(UiBrowserTest.CHROMEDRIVER), "chromedriver is not installed");
        try (UiServer s = UiServer.start(
                Path.of(dir).toUri(), UiStores.lakeOptions(tmp), "127.0.0.1", 0, null, Duration.ofMinutes(10))) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 6; i++) {
                // the page's first request (its first rows), then the whole list
                String api =
                        "http://127.0.0.1:" + s.port() + "/api/runs?experiment=sweep" + (i < 3 ? "&limit=100" : "");
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(api)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf(
                        Locale.ROOT,
                        "api/runs (10,000 runs%s): %d, %,d bytes, %.0f ms%n",
                        i < 3 ? ", limit 100" : "",
                        r.statusCode(),
                        r.body().length(),
                        (System.nanoTime() - t0) / 1e6);
            }
            WebDriver d = UiBrowserTest.chrome();
            try {
                for (int i = 0; i < 3; i++) {
                    UiBrowserTest.open(d, "http://127.0.0.1:" + s.port() + "/#/runs?experiment=sweep");
                    long rows = d.findElements(By.cssSelector("#runs tbody tr")).size();
                    Object render = ((JavascriptExecutor) d).executeScript("return window.RUNLAKE_LAST_RENDER_MS;");
                    Object shown = ((JavascriptExecutor) d).executeScript("return window.RUNLAKE_TABLE_SHOWN_AT_MS;");
                    Object first = ((JavascriptExecutor) d).executeScript("return window.RUNLAKE_FIRST_ROWS_AT_MS;");
                    System.out.printf(
                            Locale.ROOT,
                            "runs table: first rows shown %s ms after the page was opened (page clock); all 10,000 "
                                    + "loaded and %d rows drawn in %s ms, at %s ms%n",
                            first,
                            rows,
                            render,
                            shown);
                }
                d.findElement(By.id("more")).click();
                long rows = d.findElements(By.cssSelector("#runs tbody tr")).size();
                Object render = ((JavascriptExecutor) d).executeScript("return window.RUNLAKE_LAST_RENDER_MS;");
                System.out.printf(Locale.ROOT, "after 'Show more': %d rows drawn in %s ms%n", rows, render);
            } finally {
                d.quit();
            }
        }
    }

    @Test
    void millionPointCurve() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        long t0 = System.nanoTime();
        try (Tracker t = UiStores.tracker(store.toUri(), tmp)) {
            Run r = t.newRun("long").name("million").start();
            for (int s = 0; s < 1_000_000; s++) r.log("loss", 1.0 / Math.sqrt(s + 1) + (s % 97) * 1e-4, s);
            r.finish();
        }
        System.out.printf(Locale.ROOT, "1,000,000 points written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        try (UiServer s = UiServer.start(
                store.toUri(), UiStores.lakeOptions(tmp), "127.0.0.1", 0, null, Duration.ofMinutes(10))) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                long t1 = System.nanoTime();
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + s.port() + "/api/history?run=million&key=loss"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.printf(
                        Locale.ROOT,
                        "api/history (1,000,000 points, max 1000): %d, %,d bytes, %.0f ms%n",
                        r.statusCode(),
                        r.body().length(),
                        (System.nanoTime() - t1) / 1e6);
            }
        }
    }
}
