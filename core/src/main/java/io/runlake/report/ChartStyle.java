package io.runlake.report;

/** The one chart style of every chart RunLake draws (CLI plots, reports, published pages): sizes, colours, fonts. */
final class ChartStyle {
    static final int WIDTH = 900;
    /** Plot area margins; the right one holds the legend, outside the data. */
    static final int LEFT = 70, RIGHT = 280, TOP = 40, BOTTOM = 50;
    /** The height of the plot area of a chart of one metric, and of each panel of a chart of several. */
    static final int PANEL_HEIGHT = 360, STACKED_PANEL_HEIGHT = 220, PANEL_GAP = 24;

    static final int FONT_SIZE = 12, TITLE_SIZE = 16, LEGEND_ROW = 18;
    /** Characters of a legend label that fit the right margin (longer ones are cut by the caller's rule). */
    static final int LEGEND_CHARS = 34;

    static final String FONT = "sans-serif";
    static final float LINE_WIDTH = 1.5f, LEGEND_LINE_WIDTH = 3f;
    /** The opacity of the raw series behind a smoothed one, and of a min/max band of thinned points. */
    static final float FAINT = 0.25f, BAND = 0.15f;

    static final String BACKGROUND = "#ffffff", GRID = "#e0e0e0", AXIS = "#444444", TEXT = "#222222";
    /** Okabe-Ito, colour-blind safe, plus two; yellow last (faint on white). */
    static final String[] PALETTE = {
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999", "#882255", "#F0E442"
    };
    /**
     * Dash patterns (SVG {@code stroke-dasharray}, empty: solid): series i gets colour {@code i % 10} and dash
     * {@code i / 10 % 4}, so 40 runs are told apart by colour and line together.
     */
    static final float[][] DASHES = {{}, {6, 3}, {2, 2}, {8, 3, 2, 3}};
    /** About this many ticks per axis, at round numbers (1, 2 or 5 times a power of ten). */
    static final int TICKS = 5;

    private ChartStyle() {}

    static String colour(int seriesIndex) {
        return PALETTE[seriesIndex % PALETTE.length];
    }

    static float[] dash(int seriesIndex) {
        return DASHES[seriesIndex / PALETTE.length % DASHES.length];
    }
}
