package io.runlake.report;

import static io.runlake.testing.SvgText.attribute;
import static io.runlake.testing.SvgText.count;
import static io.runlake.testing.SvgText.tags;
import static io.runlake.testing.SvgText.texts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlotTest {
    @Test
    void linearAxesEndAtTheRoundTickNextToTheData() {
        Axis acc = Axis.linear(0.52, 0.97);
        assertEquals(List.of("0.5", "0.6", "0.7", "0.8", "0.9", "1.0"), acc.labels());
        assertEquals(0.5, acc.lo(), 1e-12);
        assertEquals(1.0, acc.hi(), 1e-12);
        assertEquals(List.of("0", "5", "10", "15", "20"), Axis.linear(0, 19).labels());
        assertEquals(
                List.of("0.00", "0.05", "0.10", "0.15", "0.20", "0.25"),
                Axis.linear(0.01, 0.24).labels());
        assertEquals(
                List.of("-20", "-10", "0", "10", "20", "30"),
                Axis.linear(-14, 27).labels());
        assertEquals(
                List.of("0", "5.0e-08", "1.0e-07", "1.5e-07", "2.0e-07"),
                Axis.linear(1e-8, 2e-7).labels());
        Axis constant = Axis.linear(3, 3);
        assertTrue(constant.lo() <= 3 && constant.hi() > 3, constant.toString());
    }

    @Test
    void logAxesTickAtPowersOfTen() {
        assertEquals(
                List.of("0.001", "0.01", "0.1", "1", "10"), Axis.log(0.003, 2.5).labels());
        assertEquals(List.of("0.1", "0.2", "0.5", "1"), Axis.log(0.2, 0.9).labels());
        assertEquals(
                List.of("1e-8", "1e-6", "0.0001", "0.01", "1"),
                Axis.log(1e-8, 1).labels());
        Axis a = Axis.log(0.01, 100);
        assertEquals(0.5, a.fraction(1), 1e-12, "1 halfway between 0.01 and 100");
    }

    @Test
    void timeAxesTickAtClockTimes() {
        assertEquals(
                List.of("0:00", "0:30", "1:00", "1:30", "2:00"),
                Axis.relativeTime(95).labels());
        Axis hours = Axis.relativeTime(5400);
        assertEquals(List.of("0:00", "0:15", "0:30", "0:45", "1:00", "1:15", "1:30"), hours.labels());
        assertEquals("h:mm", hours.unit());
        Axis seconds = Axis.relativeTime(0.47);
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3", "0.4", "0.5"), seconds.labels(), "a short run");
        assertEquals("s", seconds.unit());
        long from = Instant.parse("2026-11-28T10:03:10Z").getEpochSecond();
        assertEquals(
                List.of("10:00", "10:05", "10:10", "10:15", "10:20", "10:25", "10:30"),
                Axis.wallTime(from, from + 25 * 60).labels());
        assertEquals(
                List.of("11-28 00:00", "11-28 12:00", "11-29 00:00", "11-29 12:00", "11-30 00:00"),
                Axis.wallTime(from, from + 36 * 3600).labels());
    }

    @Test
    void smoothingIsTheDebiasedMovingAverage() {
        List<double[]> s = Curves.smooth(points(new double[] {0, 10, Double.NaN, 10}), 0.5);
        assertEquals(0, s.get(0)[1], 1e-12);
        assertEquals(5 / 0.75, s.get(1)[1], 1e-12, "(0.5 * 0 + 0.5 * 10) / (1 - 0.5²)");
        assertTrue(Double.isNaN(s.get(2)[1]), "NaN passes through");
        assertEquals(7.5 / 0.875, s.get(3)[1], 1e-12);
        List<double[]> flat = Curves.smooth(points(new double[] {2, 2, 2}), 0.99);
        for (double[] p : flat) assertEquals(2, p[1], 1e-9, "a constant stays put from the first point");
    }

    @Test
    void aLongZeroOneSeriesIsDrawnAsItsRateWithABand() {
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) v[i] = i % 10 == 0 ? 0 : 1;
        Curves.Thinned t = Curves.thin(points(v), 0, v.length - 1, 500);
        assertEquals(500, t.line().size());
        for (double[] p : t.line()) assertEquals(0.9, p[1], 0.03, "each column's mean");
        for (double[] b : t.band()) assertArrayEquals(new double[] {0, 1}, new double[] {b[1], b[2]});
        Curves.Thinned few = Curves.thin(points(new double[] {1, 2, 3}), 0, 2, 500);
        assertEquals(3, few.line().size());
        assertTrue(few.band().isEmpty());
    }

    @Test
    void panelsShareTheXAxisAndTheLegendNamesEveryRunOnce() throws Exception {
        List<Series> loss = List.of(
                new Series("a (01ABCDEFG)", points(new double[] {3, 2, 1})),
                new Series("diverged (01ABCDEFH)", points(new double[] {3, 50, Double.POSITIVE_INFINITY}), true));
        List<Series> acc = List.of(
                new Series("a (01ABCDEFG)", points(new double[] {0.5, 0.7, 0.9, 0.95})),
                new Series("diverged (01ABCDEFH)", List.of(), true));
        Plot plot = new Plot(
                "loss, acc",
                Plot.XAxis.STEP,
                false,
                0.6,
                List.of(new Plot.Panel("loss", loss), new Plot.Panel("acc", acc)));
        String svg = SvgChart.render(plot);
        assertEquals(2, count(svg, "class=\"panel\""), svg);
        assertEquals(List.of("0", "1", "2", "3"), texts(svg, "tick-x"), "x ticks once, under the last panel");
        assertEquals(List.of("a (01ABCDEFG)", "diverged (01ABCDEFH) FAILED"), texts(svg, "legend"));
        assertEquals(List.of("50, then Infinity"), texts(svg, "last-value"), "where the FAILED run ended");
        assertEquals(3, count(svg, "class=\"series\""), "smoothed lines");
        assertEquals(3, count(svg, "class=\"raw\""), "the raw lines behind them");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(PngChart.render(plot)));
        assertEquals(ChartStyle.WIDTH, png.getWidth());
        assertTrue(png.getHeight() > ChartStyle.PANEL_HEIGHT, "two panels: " + png.getHeight());
    }

    @Test
    void manyRunsGetDistinctStylesAndALegendThatFits() {
        List<Series> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) runs.add(new Series("run-" + i, points(new double[] {i, i + 1})));
        String svg = SvgChart.render("m", runs);
        Set<String> styles = new HashSet<>();
        for (String tag : tags(svg, "polyline", "series"))
            styles.add(attribute(tag, "stroke") + " " + attribute(tag, "stroke-dasharray"));
        assertEquals(30, styles.size(), "30 runs, 30 looks: " + styles);
        assertEquals(30, texts(svg, "legend").size());
        Matcher height = Pattern.compile("height=\"(\\d+)\"").matcher(svg);
        assertTrue(height.find());
        int legendBottom = ChartStyle.TOP + 10 + 29 * ChartStyle.LEGEND_ROW;
        assertTrue(Integer.parseInt(height.group(1)) - ChartStyle.BOTTOM >= legendBottom, "the panel grows with it");
    }

    @Test
    void aLogAxisLeavesOutValuesThatAreNotPositive() {
        String svg = SvgChart.render(new Plot(
                "loss",
                Plot.XAxis.STEP,
                true,
                0,
                List.of(new Plot.Panel("loss", List.of(new Series("a", points(new double[] {0, 5, 0.5, 0.02})))))));
        assertEquals(List.of("0.01", "0.1", "1", "10"), texts(svg, "tick-y"));
        assertFalse(svg.contains("NaN"), svg);
    }

    @Test
    void runLabelsKeepTheWholeShownId() {
        assertEquals(
                "a-very-long-run-nam… (01JD4ZQ8X)",
                Series.ofRun("a-very-long-run-name-indeed", "01JD4ZQ8X", List.of(), false)
                        .label());
        assertEquals(
                "01JD4ZQ8X", Series.ofRun(null, "01JD4ZQ8X", List.of(), false).label());
    }

    static List<double[]> points(double[] values) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) out.add(new double[] {i, values[i]});
        return out;
    }
}
