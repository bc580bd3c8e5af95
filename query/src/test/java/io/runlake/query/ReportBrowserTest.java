package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.report.Direction;
import io.runlake.report.PngChart;
import io.runlake.report.RankingRule;
import io.runlake.report.Series;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report, opened in headless Chromium: the charts' polylines exist with points after rendering. */
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    @Test
    void reportChartsRenderInChromium() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("lake"));
        try (Tracker t = LakeSuite.tracker(store.toUri(), tmp)) {
            for (int i = 0; i < 3; i++) {
                Run r = t.newRun("exp")
                        .name("run-" + i)
                        .param("lr", 0.1 / (i + 1))
                        .start();
                for (int s = 0; s < 100; s++) r.log("loss", Math.exp(-s / (20.0 + i * 10)), s);
                r.finish();
            }
        }
        String html;
        try (Lake lake = Lake.open(store.toUri(), LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            html = Report.html(lake, "exp", RankingRule.of("loss", Direction.MIN));
        }
        Path page = tmp.resolve("report.html");
        Files.writeString(page, html);
        // The PNG renderer works without a browser.
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(PngChart.render(
                "loss", List.of(new Series("a", List.of(new double[] {0, 1}, new double[] {1, 2}))))));
        assertEquals(900, png.getWidth());

        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
        Path profile = Files.createDirectories(tmp.resolve("profile"));
        Path shot = tmp.resolve("shot.png");
        List<String> base = List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile);
        String dom = run(concat(base, "--dump-dom", page.toUri().toString()));
        Matcher m = Pattern.compile("<polyline class=\"series\"[^>]*points=\"([^\"]*)\"")
                .matcher(dom);
        int lines = 0;
        while (m.find()) {
            lines++;
            assertTrue(m.group(1).split(" ").length >= 50, "a rendered polyline has its points");
        }
        assertEquals(3, lines, "one line per run in the loss chart");
        assertTrue(dom.contains("<table id=\"leaderboard\">"));
        run(concat(
                base,
                "--window-size=1000,2400",
                "--screenshot=" + shot,
                page.toUri().toString()));
        BufferedImage img = ImageIO.read(shot.toFile());
        int colored = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80)
                    colored++; // chart lines are the only saturated pixels
            }
        }
        assertTrue(colored > 200, "coloured chart pixels in the screenshot: " + colored);
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        return new String(out, StandardCharsets.UTF_8);
    }
}
