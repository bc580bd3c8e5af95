package io.runlake.report;

/** The one chart style of every chart RunLake draws (CLI plots, reports, published pages): sizes, colours, fonts. */
final class ChartStyle {
    static final int WIDTH = 800, HEIGHT = 450;
    /** Plot area margins; the right one holds the legend. */
    static final int LEFT = 70, RIGHT = 180, TOP = 40, BOTTOM = 50;

    static final int FONT_SIZE = 12, TITLE_SIZE = 16, LEGEND_ROW = 18, LEGEND_CHARS = 22;
    static final String FONT = "sans-serif";
    static final float LINE_WIDTH = 1.5f, LEGEND_LINE_WIDTH = 3f;
    static final String BACKGROUND = "#ffffff", GRID = "#e0e0e0", AXIS = "#444444", TEXT = "#222222";
    /** Okabe-Ito, colour-blind safe, yellow last (faint on white); series i gets {@code PALETTE[i % 10]}. */
    static final String[] PALETTE = {
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999", "#882255", "#F0E442"
    };
    /** About this many ticks per axis, at round numbers (1, 2 or 5 times a power of ten). */
    static final int TICKS = 5;

    private ChartStyle() {}

    static String colour(int seriesIndex) {
        return PALETTE[seriesIndex % PALETTE.length];
    }
}
