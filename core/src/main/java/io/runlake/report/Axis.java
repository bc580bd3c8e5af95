package io.runlake.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of a chart: its range, padded only to the next round tick beyond the data, the ticks and their labels,
 * and the mapping of values onto it (linear or log10). Ticks are 1, 2 or 5 times a power of ten; on time axes,
 * whole seconds, minutes, hours or days.
 */
record Axis(double lo, double hi, boolean log, List<Double> ticks, List<String> labels, String unit) {
    /** Round steps of time, in seconds: the multiples a person reads off a clock. */
    /** Below this many seconds, a relative time axis counts seconds with decimals instead of m:ss. */
    static final int PLAIN_SECONDS = 10;

    private static final long[] TIME_STEPS = {
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800
    };

    /** The position of {@code v} between the ends, 0 to 1 (on a log axis, of its logarithm). */
    double fraction(double v) {
        return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
    }

    /** A linear axis over the data's range [min, max], from the round tick at or below min to the one at or above. */
    static Axis linear(double min, double max) {
        if (!(min <= max)) return linear(0, 1);
        double step = step(min, max);
        long a = (long) Math.floor(min / step + 1e-9), b = (long) Math.ceil(max / step - 1e-9);
        if (a == b) b = a + 1;
        int decimals = decimals(step);
        // tiny or huge values in scientific notation, with the mantissa digits the step needs
        double largest = Math.max(Math.abs(a * step), Math.abs(b * step));
        int exponent = (int) Math.floor(Math.log10(largest));
        boolean scientific = step < 1e-4 || largest >= 1e6;
        String format = scientific
                ? "%." + Math.max(0, exponent - (int) Math.floor(Math.log10(step) + 1e-9)) + "e"
                : "%." + decimals + "f";
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (long i = a; i <= b; i++) {
            ticks.add(i * step);
            labels.add(i == 0 && scientific ? "0" : String.format(Locale.ROOT, format, i * step));
        }
        return new Axis(a * step, b * step, false, ticks, labels, "");
    }

    /**
     * A log10 axis over positive data [min, max], from the power of ten at or below min to the one at or above; ticks
     * at powers of ten, with 2 and 5 times them where the range spans less than two decades.
     */
    static Axis log(double min, double max) {
        if (!(min > 0 && min <= max)) return log(1, 10);
        int a = (int) Math.floor(Math.log10(min) + 1e-9), b = (int) Math.ceil(Math.log10(max) - 1e-9);
        if (a == b) b = a + 1;
        int every = Math.max(1, (int) Math.ceil((b - a) / (double) (ChartStyle.TICKS + 2)));
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int k = a; k <= b; k++) {
            for (int m : b - a < 2 ? new int[] {1, 2, 5} : new int[] {1}) {
                if ((m > 1 && k == b) || (m == 1 && (k - a) % every != 0)) continue;
                double v = m * Math.pow(10, k);
                ticks.add(v);
                labels.add(k < -4 || k > 5 ? m + "e" + k : number(v, Math.max(0, -k)));
            }
        }
        return new Axis(Math.pow(10, a), Math.pow(10, b), true, ticks, labels, "");
    }

    /**
     * Seconds since a run's first point, labelled m:ss (h:mm when the range reaches an hour; plain seconds with
     * decimals below {@value #PLAIN_SECONDS} s, as short runs have). {@link #unit} says which.
     */
    static Axis relativeTime(double maxSeconds) {
        if (maxSeconds < PLAIN_SECONDS) {
            Axis s = linear(0, Math.max(maxSeconds, 0));
            return new Axis(s.lo(), s.hi(), false, s.ticks(), s.labels(), "s");
        }
        double max = maxSeconds;
        long step = timeStep(0, max);
        long b = (long) Math.ceil(max / step - 1e-9);
        boolean hours = b * step >= 3600;
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (long i = 0; i <= b; i++) {
            long s = i * step;
            ticks.add((double) s);
            labels.add(
                    hours
                            ? String.format(Locale.ROOT, "%d:%02d", s / 3600, s % 3600 / 60)
                            : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60));
        }
        return new Axis(0, b * step, false, ticks, labels, hours ? "h:mm" : "m:ss");
    }

    /** Epoch seconds, labelled with UTC clock times (with the date where the range spans more than a day). */
    static Axis wallTime(double minSeconds, double maxSeconds) {
        if (!(minSeconds <= maxSeconds)) return wallTime(0, 1);
        long step = timeStep(minSeconds, Math.max(maxSeconds, minSeconds + 1));
        long a = (long) Math.floor(minSeconds / step), b = (long) Math.ceil(maxSeconds / step);
        if (a == b) b = a + 1;
        String pattern =
                step >= 86400 ? "MM-dd" : (b - a) * step > 86400 ? "MM-dd HH:mm" : step < 60 ? "HH:mm:ss" : "HH:mm";
        DateTimeFormatter f = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (long i = a; i <= b; i++) {
            ticks.add((double) (i * step));
            labels.add(f.format(Instant.ofEpochSecond(i * step)));
        }
        return new Axis(a * step, b * step, false, ticks, labels, "");
    }

    /** A round step (1, 2 or 5 times a power of ten) giving about {@link ChartStyle#TICKS} ticks. */
    static double step(double lo, double hi) {
        double span = hi - lo;
        if (!(span > 0)) span = Math.max(Math.abs(lo), 1);
        double raw = span / ChartStyle.TICKS, power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }

    /** The smallest round step of time that spans [lo, hi], padded to whole steps, in at most TICKS + 1 steps. */
    private static long timeStep(double lo, double hi) {
        for (long s : TIME_STEPS) {
            if (Math.ceil(hi / s - 1e-9) - Math.floor(lo / s) <= ChartStyle.TICKS + 1) return s;
        }
        long days = (long) Math.ceil(step(0, (hi - lo) / 86400));
        return days * 86400;
    }

    /** The decimals that show a multiple of {@code step} exactly: 0.25 → 2, 0.5 → 1, 20 → 0. */
    private static int decimals(double step) {
        for (int d = 0; d < 12; d++) {
            double scaled = step * Math.pow(10, d);
            if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * scaled) return d;
        }
        return 12;
    }

    private static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
