package io.runlake.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.query.Lake;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every page of {@code runlake ui} in headless Chromium (Debian's chromium and chromium-driver), asserting what a
 * person sees; screenshots under target/ui-screenshots. Skipped only where chromedriver is not installed.
 */
class UiBrowserTest {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    static Path tmp;

    static Path store;
    static UiServer server;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER), "chromedriver is not installed");
        store = Files.createDirectories(tmp.resolve("store"));
        UiStores.write(store.toUri(), tmp);
        server = UiServer.start(store.toUri(), UiStores.lakeOptions(tmp), "127.0.0.1", 0, null, Duration.ofSeconds(10));
        driver = chrome();
        Files.createDirectories(SCREENSHOTS);
    }

    static WebDriver chrome() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1400,1000",
                "--allow-file-access-from-files",
                "--disable-dev-shm-usage");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    /** Opens a page and waits until app.js has drawn it. */
    static void open(WebDriver d, String url) {
        d.get(url);
        d.navigate().refresh(); // a new #fragment on the same page loads it afresh
        new WebDriverWait(d, Duration.ofSeconds(30))
                .until(x -> "false".equals(x.findElement(By.tagName("body")).getAttribute("data-loading")));
    }

    static void open(String hash) {
        open(driver, "http://127.0.0.1:" + server.port() + "/#/" + hash);
    }

    static void shot(WebDriver d, String name) throws Exception {
        Path png = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    static void noScriptRan(WebDriver d) {
        try {
            d.switchTo().alert();
            throw new AssertionError("a run name ran as script");
        } catch (NoAlertPresentException expected) {
            // names are text
        }
    }

    @Test
    void sweepPageShowsTrialsBestAndPrunedAsText() throws Exception {
        // from the runs table: the sweep parent's row links to its page
        open("runs?experiment=" + UiStores.SWEEP_EXPERIMENT);
        driver.findElement(By.cssSelector("a.sweep-link")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(x -> "false".equals(x.findElement(By.tagName("body")).getAttribute("data-loading"))
                        && !x.findElements(By.id("trials")).isEmpty());
        assertEquals("Sweep " + UiStores.SWEEP + " · RunLake", driver.getTitle()); // the name as text, not markup
        List<WebElement> trials = driver.findElements(By.cssSelector("#trials tbody tr"));
        assertEquals(3, trials.size());
        assertTrue(trials.get(0).getText().contains("0.3"), trials.get(0).getText());
        assertEquals("best", trials.get(0).getAttribute("class"), "the best trial (lr 0.3) is marked");
        assertTrue(text("#sweep-best").startsWith("Best: trial 0"), text("#sweep-best"));
        assertTrue(driver.findElements(By.cssSelector("#trials .pruned")).size() >= 1, "a pruned trial says so");
        assertTrue(text("#sweep-counts").contains("pruned"), text("#sweep-counts"));
        assertTrue(text("main").contains("acc"), "the objective is named");
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(x -> !x.findElements(By.cssSelector("#charts .chart")).isEmpty());
        noScriptRan(driver);
        assertTrue(driver.findElements(By.tagName("b")).isEmpty(), "no markup from the sweep's name");
        shot(driver, "sweep");
    }

    @Test
    void experimentsPage() throws Exception {
        open("");
        List<WebElement> rows = driver.findElements(By.cssSelector("main table tbody tr"));
        assertEquals(3, rows.size());
        assertTrue(rows.get(0).getText().startsWith("mnist 6"), rows.get(0).getText());
        shot(driver, "experiments");
    }

    @Test
    void runsTableShowsStatusesGroupsChildrenAndEscapesNames() throws Exception {
        open("runs?experiment=mnist");
        List<WebElement> rows = driver.findElements(By.cssSelector("#runs tbody tr"));
        assertEquals(6, rows.size());
        String table = text("#runs");
        assertTrue(table.contains("FAILED") && table.contains("FINISHED"), table);
        assertTrue(table.contains(UiStores.ERROR), "a failed run's error is a column: " + table);
        assertTrue(table.contains(UiStores.XSS_NAME), "the name shown as text");
        assertTrue(driver.findElements(By.cssSelector("main img")).isEmpty(), "no <img> made from a name");
        noScriptRan(driver);
        // the sweep's children come right after it, indented
        List<String> names = rows.stream()
                .map(r -> r.findElements(By.tagName("td")).get(1).getText())
                .toList();
        int sweep = names.indexOf("sweep");
        assertEquals(3, driver.findElements(By.cssSelector("#runs td.child")).size());
        assertTrue(rows.get(sweep + 1).findElements(By.cssSelector("td.child")).size() == 1, names.toString());
        // varying params are columns; the header sorts
        assertTrue(text("#runs thead").contains("params.lr"));
        shot(driver, "runs");
        driver.findElement(By.cssSelector("th[data-column='params.lr']")).click();
        List<WebElement> sorted = driver.findElements(By.cssSelector("#runs tbody tr"));
        assertTrue(
                sorted.get(0).getText().contains("long"),
                "lowest lr first: " + sorted.get(0).getText());
    }

    @Test
    void filterUsesTheRunsCommandsSql() throws Exception {
        open("runs?experiment=mnist&where=" + java.net.URLEncoder.encode("params.lr >= 0.03", "UTF-8"));
        assertEquals(2, driver.findElements(By.cssSelector("#runs tbody tr")).size());
        open("runs?experiment=mnist&where=" + java.net.URLEncoder.encode("lrr < 1", "UTF-8"));
        assertTrue(text("#error").contains("malformed filter"), text("#error"));
    }

    @Test
    void columnPickerHidesAColumn() throws Exception {
        open("runs?experiment=mnist");
        driver.findElement(By.cssSelector("details.picker summary")).click();
        driver.findElement(By.cssSelector("input[data-column='params.lr']")).click();
        assertFalse(text("#runs thead").contains("params.lr"));
        driver.findElement(By.cssSelector("input[data-column='params.lr']")).click(); // back for the other tests
        assertTrue(text("#runs thead").contains("params.lr"));
    }

    @Test
    void runPageOfAFailedRunShowsItsErrorAndCharts() throws Exception {
        open("run?id=" + UiStores.FAILED_RUN);
        assertTrue(text("#run-error").contains(UiStores.ERROR));
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("#charts canvas")).size() >= 2);
        String page = text("main");
        assertTrue(page.contains("lr") && page.contains("0.1") && page.contains("stage"), page);
        shot(driver, "run-failed");
    }

    @Test
    void runPageOfTheOddlyNamedRunShowsArtifactsAndInputs() throws Exception {
        open("run?id=" + java.net.URLEncoder.encode(UiStores.XSS_NAME, "UTF-8"));
        assertEquals(UiStores.XSS_NAME, text("h1"));
        assertTrue(driver.findElements(By.cssSelector("main img")).isEmpty());
        noScriptRan(driver);
        WebElement download = driver.findElement(By.linkText("download"));
        assertTrue(download.getAttribute("href").contains("api/artifact?"), download.getAttribute("href"));
        assertTrue(text("main").contains("train.csv"));
        assertEquals(UiStores.NOTE, text("#run-note")); // the note as its text: no markup from the store
        assertTrue(driver.findElements(By.cssSelector("main b")).isEmpty());
        shot(driver, "run-xss-name");
    }

    @Test
    void modelsPageShowsVersionsAliasesAndTheirHistory() throws Exception {
        open("models");
        assertEquals(UiStores.MODEL, text("h2.model")); // a name with markup, shown as text
        assertTrue(driver.findElements(By.cssSelector("main i, main b")).isEmpty());
        assertEquals("champion → 1", text(".aliases"));
        String page = text("main");
        assertTrue(page.contains("model.txt") && page.contains("loss=0.05"), page);
        assertTrue(page.contains("first <b>one</b>"), page); // the alias move's reason, in the history
        assertFalse(page.contains("null"), page); // a model without a description shows none
        noScriptRan(driver);
        shot(driver, "models");
    }

    @Test
    void compareOverlaysCurvesAndDiffsParams() throws Exception {
        open("runs?experiment=mnist");
        for (WebElement row : driver.findElements(By.cssSelector("#runs tbody tr"))) {
            String t = row.getText();
            if (t.contains("lr-0.01") || t.contains("lr-0.03") || t.contains(UiStores.FAILED_RUN))
                row.findElement(By.cssSelector("input[type=checkbox]")).click();
        }
        driver.findElement(By.id("compare")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(d -> d.findElements(By.cssSelector("#charts canvas")).size() >= 2);
        String diff = text("#param-diff");
        assertTrue(diff.contains("lr") && !diff.contains("batch"), "only the differing param: " + diff);
        assertEquals(
                3,
                driver.findElements(By.cssSelector("#charts .chart"))
                                .get(0)
                                .findElements(By.cssSelector(".u-legend .u-series"))
                                .size()
                        - 1,
                "one series per run");
        driver.findElement(By.id("logy")).click();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("xaxis"))).selectByValue("relative");
        assertTrue(driver.findElements(By.cssSelector("#charts canvas")).size() >= 2);
        shot(driver, "compare");
    }

    @Test
    void leaderboardAndParallelCoordinates() throws Exception {
        open("leaderboard?experiment=mnist&metric=loss");
        String board = text("main table");
        assertTrue(board.contains("lr-0.01") && !board.contains(UiStores.FAILED_RUN), board);
        shot(driver, "leaderboard");
        open("parallel?experiment=mnist&metric=loss");
        assertEquals(
                4, driver.findElements(By.cssSelector("svg.parallel polyline")).size(), "one line per ranked run");
        shot(driver, "parallel");
    }

    @Test
    void snapshotOpensFromAFile() throws Exception {
        Snapshot.Result r;
        try (Lake lake = Lake.open(store.toUri(), UiStores.lakeOptions(tmp));
                ObjectStore s = StoreUris.open(store.toUri())) {
            r = Snapshot.write(lake, s, e -> {});
        }
        String index = store.resolve(r.indexKey()).toUri().toString();
        open(driver, index + "#/runs?experiment=mnist");
        assertEquals(6, driver.findElements(By.cssSelector("#runs tbody tr")).size());
        assertTrue(text("#mode").startsWith("snapshot of"));
        // the snapshot holds each run's page under its id, as the runs table links it
        String href = driver.findElement(By.linkText(UiStores.XSS_NAME)).getAttribute("href");
        open(driver, href);
        assertEquals(UiStores.XSS_NAME, text("h1"));
        noScriptRan(driver);
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("#charts canvas")).size() >= 1);
        shot(driver, "snapshot-run");
        open(driver, index + "#/leaderboard?experiment=mnist&metric=accuracy");
        assertTrue(text("main table").contains("lr-0.03"));
    }

    @Test
    void s3StoreServesTheRunsTable() throws Exception {
        URI s3 = S3ProxyServer.shared().newBucketUri("ui-" + System.nanoTime() % 100000, "lake");
        Path t = Files.createDirectories(tmp.resolve("s3"));
        UiStores.write(s3, t);
        try (UiServer s = UiServer.start(s3, UiStores.lakeOptions(t), "127.0.0.1", 0, null, Duration.ofSeconds(10))) {
            open(driver, "http://127.0.0.1:" + s.port() + "/#/runs?experiment=mnist");
            assertEquals(
                    6, driver.findElements(By.cssSelector("#runs tbody tr")).size());
            assertTrue(text("#runs").contains("FAILED"));
            shot(driver, "runs-s3");
        }
    }
}
