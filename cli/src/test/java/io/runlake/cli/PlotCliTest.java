package io.runlake.cli;

import static io.runlake.testing.SvgText.attribute;
import static io.runlake.testing.SvgText.count;
import static io.runlake.testing.SvgText.tags;
import static io.runlake.testing.SvgText.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.runs.RunIds;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runlake plot} as a person publishing a chart uses it (issue 9), checked on the SVG it writes. One sweep of
 * three runs logging val/loss = factor / (step + 1) and val/acc rising from 0.52 to 0.97 over steps 0..49, a run that
 * diverged (val/loss 1, 10, 100, 1000, then FAILED), a run that logged only train/loss (0.5, then 0), and a run with a 20,000-point
 * 0/1 metric (1 nine times in ten).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlotCliTest {
    static final int STEPS = 50;
    static final String[] SWEEP = {"lr-0.1", "lr-0.01", "lr-0.001"};

    Path tmp;
    Path lake;
    final Map<String, String> ids = new LinkedHashMap<>();

    @BeforeAll
    void writeLake(@TempDir Path dir) throws Exception {
        tmp = dir;
        lake = tmp.resolve("lake");
        try (Tracker t = Tracker.open(lake.toUri(), options())) {
            for (int i = 0; i < SWEEP.length; i++) {
                Run r = t.newRun("sweep").name(SWEEP[i]).param("lr", i).start();
                for (int s = 0; s < STEPS; s++) {
                    r.log(Map.of("val/loss", (i + 1.0) / (s + 1), "val/acc", 0.52 + 0.45 * s / (STEPS - 1)), s);
                }
                r.finish();
                ids.put(SWEEP[i], r.id());
            }
            Run diverged = t.newRun("sweep").name("diverged").start();
            for (int s = 0; s < 4; s++) diverged.log("val/loss", Math.pow(10, s), s);
            diverged.fail(new IllegalStateException("loss is 1000"));
            ids.put("diverged", diverged.id());
            Run trainOnly = t.newRun("sweep").name("train-only").start();
            trainOnly.log("train/loss", 0.5, 0);
            trainOnly.log("train/loss", 0, 1);
            trainOnly.finish();
            ids.put("train-only", trainOnly.id());
            Run online = t.newRun("online").name("online").start();
            for (int s = 0; s < 20_000; s++) online.log("correct", s % 10 == 0 ? 0 : 1, s);
            online.finish();
            ids.put("online", online.id());
        }
    }

    TrackerOptions options() {
        return TestTrackers.options(tmp.resolve("spill"));
    }

    Result query(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(
                command,
                "--uri",
                lake.toString(),
                "--cache-dir",
                tmp.resolve("cache").toString()));
        all.addAll(Arrays.asList(args));
        return Result.run(m -> m.withTrackerOptions(options()), all.toArray(String[]::new));
    }

    /** {@code plot ... -o chart.svg} that must succeed; the SVG. Stderr must be {@code expectedErr}. */
    String svg(String expectedErr, String... args) throws Exception {
        Path file = tmp.resolve("chart-" + System.nanoTime() + ".svg");
        List<String> all = new ArrayList<>(List.of("-o", file.toString()));
        all.addAll(Arrays.asList(args));
        Result r = query("plot", all.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertEquals(expectedErr, r.err(), r::toString);
        assertEquals(file.toAbsolutePath().toString(), r.out().strip());
        return Files.readString(file);
    }

    String[] sweep() {
        return Arrays.stream(SWEEP).map(ids::get).toArray(String[]::new);
    }

    @Test
    void theLegendNamesEachRunWithTheIdThatShowAccepts() throws Exception {
        String svg = svg("", with(sweep(), "-m", "val/loss"));
        List<String> legend = texts(svg, "legend");
        assertEquals(3, legend.size(), svg);
        for (int i = 0; i < SWEEP.length; i++) {
            Matcher m = Pattern.compile("(.+) \\((\\w+)\\)").matcher(legend.get(i));
            assertTrue(m.matches(), legend.get(i));
            assertEquals(SWEEP[i], m.group(1));
            String shown = m.group(2);
            assertTrue(ids.get(SWEEP[i]).startsWith(shown) && shown.length() >= 8, shown);
            Result show = query("show", shown);
            assertEquals(0, show.code(), show::toString);
            // show names the same run, and shows its id exactly as the legend does
            assertTrue(
                    Pattern.compile("(?m)^run_id +" + shown + " *$")
                            .matcher(show.out())
                            .find(),
                    show::toString);
            assertTrue(show.out().contains(SWEEP[i]), show::toString);
        }
    }

    @Test
    void roundTicksAndAxesThatEndAtTheTickNextToTheData() throws Exception {
        String svg = svg("", with(sweep(), "-m", "val/acc"));
        assertEquals(List.of("0.5", "0.6", "0.7", "0.8", "0.9", "1.0"), texts(svg, "tick-y"));
        assertEquals(List.of("0", "10", "20", "30", "40", "50"), texts(svg, "tick-x"));
        assertEquals(List.of("step"), texts(svg, "x-label"));
    }

    @Test
    void runsWithoutTheMetricAreSkippedWithANote() throws Exception {
        String trainOnly = ids.get("train-only");
        String svg = svg(
                "runlake: skipped 1 run without val/loss: train-only (" + shown(trainOnly) + ")\n",
                "-m",
                "val/loss",
                ids.get("lr-0.1"),
                trainOnly);
        assertEquals(1, texts(svg, "legend").size(), svg);
        assertFalse(svg.contains("train-only"), "not in the legend");

        Result none = query("plot", "-m", "val/loss", "-o", tmp.resolve("n.svg").toString(), trainOnly, "online");
        assertEquals(Main.FAILED, none.code(), none::toString);
        assertEquals("runlake: none of the 2 runs has metric 'val/loss'\n", none.err(), none::toString);
        Result one = query("plot", "-m", "nope", "-o", tmp.resolve("n.svg").toString(), trainOnly);
        assertEquals(Main.FAILED, one.code(), one::toString);
        assertTrue(one.err().contains("no metric 'nope' (metrics: train/loss)"), one::toString);
        assertFalse(Files.exists(tmp.resolve("n.svg")), "no chart written");
    }

    @Test
    void aFailedRunShowsWhereItEnded() throws Exception {
        String svg = svg("", "-m", "val/loss", ids.get("lr-0.1"), ids.get("diverged"));
        assertEquals(List.of("1000"), texts(svg, "last-value"));
        assertTrue(texts(svg, "legend").get(1).matches("diverged \\(\\w+\\) FAILED"), svg);
        assertEquals(2, count(svg, "class=\"end-failed\""), "a cross at the last point");
        assertTrue(texts(svg, "tick-y").contains("1000"), "the axis reaches the blow-up");
    }

    @Test
    void severalMetricsStackPanelsOverOneXAxis() throws Exception {
        String svg = svg("", with(sweep(), "-m", "val/loss", "-m", "val/acc"));
        assertEquals(2, count(svg, "class=\"panel\""), svg);
        assertTrue(svg.contains("data-metric=\"val/loss\"") && svg.contains("data-metric=\"val/acc\""));
        assertEquals(6, texts(svg, "tick-x").size(), "x tick labels once, under the last panel");
        assertEquals(3, texts(svg, "legend").size(), "one legend entry per run");
        assertEquals(6, count(svg, "class=\"series\""));
    }

    @Test
    void logScaleLeavesOutValuesAtOrBelowZeroWithANote() throws Exception {
        String svg = svg("", with(sweep(), "-m", "val/loss", "--log-y"));
        assertEquals(List.of("0.01", "0.1", "1", "10"), texts(svg, "tick-y"));
        String withZero = svg(
                "runlake: left out 1 value of train/loss at or below 0 for the log scale: train-only ("
                        + shown(ids.get("train-only")) + ")\n",
                "-m",
                "train/loss",
                "--log-y",
                ids.get("train-only"));
        assertEquals(List.of("0.1", "0.2", "0.5", "1"), texts(withZero, "tick-y"));
    }

    @Test
    void smoothingDrawsTheRawLineFaintBehind() throws Exception {
        String svg = svg("", with(sweep(), "-m", "val/loss", "--smooth", "0.8"));
        assertEquals(3, count(svg, "class=\"raw\""));
        assertEquals(3, count(svg, "class=\"series\""));
        assertTrue(svg.contains("stroke-opacity=\"0.25\""), svg);
        Result bad = query("plot", "-m", "val/loss", "-o", tmp.resolve("s.svg").toString(), "--smooth", "1", "lr-0.1");
        assertEquals(Main.FAILED, bad.code(), bad::toString);
        assertTrue(bad.err().contains("--smooth must be at least 0 and below 1"), bad::toString);
    }

    @Test
    void timeAxes() throws Exception {
        String relative = svg("", with(sweep(), "-m", "val/loss", "--x", "relative"));
        // these runs last well under 10 s: plain seconds
        assertEquals(List.of("time since the run's first point (s)"), texts(relative, "x-label"));
        List<String> ticks = texts(relative, "tick-x");
        assertTrue(ticks.size() >= 2 && ticks.get(0).matches("0(\\.0+)?"), ticks::toString);
        String wall = svg("", with(sweep(), "-m", "val/loss", "--x", "wall"));
        assertEquals(List.of("time (UTC)"), texts(wall, "x-label"));
        for (String t : texts(wall, "tick-x")) assertTrue(t.matches("\\d\\d:\\d\\d(:\\d\\d)?"), t);
    }

    @Test
    void aLongZeroOneMetricIsDrawnAsItsRateNotASolidBlock() throws Exception {
        String svg = svg("", "-m", "correct", ids.get("online"));
        List<String> lines = tags(svg, "polyline", "series");
        assertEquals(1, lines.size(), svg);
        String[] points = attribute(lines.get(0), "points").split(" ");
        assertTrue(points.length < 1000, "thinned to the pixel columns: " + points.length);
        List<String> ticks = texts(svg, "tick-y");
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), ticks);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (String p : points) {
            double y = Double.parseDouble(p.split(",")[1]);
            lo = Math.min(lo, y);
            hi = Math.max(hi, y);
        }
        assertTrue(hi - lo < 40, "the mean per column stays near 0.9: " + lo + ".." + hi + " px");
        assertEquals(1, count(svg, "class=\"band\""), "the min/max band behind it");
    }

    @Test
    void pngStillWorks() throws Exception {
        Path png = tmp.resolve("charts/loss.png");
        Result r =
                query("plot", "-m", "val/loss", "-m", "val/acc", "--smooth", "0.5", "-o", png.toString(), sweep()[0]);
        assertEquals(0, r.code(), r::toString);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertTrue(img.getHeight() > 450, "two panels: " + img.getHeight());
    }

    /** A run id as every command shows it (FORMAT.md §13.5). */
    String shown(String id) {
        return RunIds.abbreviate(id, ids.values());
    }

    static String[] with(String[] runs, String... options) {
        List<String> all = new ArrayList<>(Arrays.asList(options));
        all.addAll(Arrays.asList(runs));
        return all.toArray(String[]::new);
    }
}
