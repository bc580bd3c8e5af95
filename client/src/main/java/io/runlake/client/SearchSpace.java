package io.runlake.client;

import io.runlake.client.internal.ParamValues;
import io.runlake.format.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hyperparameters a {@link Sweep} searches: each a list of choices, an integer range, a uniform float range or a
 * log-uniform float range. Values are param values (strings, numbers, booleans). Immutable: each method returns a
 * new space.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.create()
 *         .logUniform("lr", 1e-4, 1e-1)
 *         .intRange("hidden_units", 16, 64, 16)
 *         .choice("optimizer", "sgd", "adam");
 * }</pre>
 */
public final class SearchSpace {
    /** Points a grid takes from a float range (evenly spaced, geometric for log-uniform) unless told. */
    public static final int DEFAULT_GRID_POINTS = 3;

    /** One hyperparameter: its grid values and how to draw a value at random. */
    public sealed interface Dimension {
        String name();

        List<Object> gridValues();

        Object sample(SplittableRandom random);

        /** Its definition as JSON-ready values, recorded in the sweep's {@code sweep.space} param. */
        Map<String, Object> describe();
    }

    public record Choice(String name, List<Object> values) implements Dimension {
        public List<Object> gridValues() {
            return values;
        }

        public Object sample(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }

        public Map<String, Object> describe() {
            return ordered("type", "choice", "values", values);
        }
    }

    /** Integers from {@code low} to {@code high} inclusive; the grid steps by {@code step}, random draws any. */
    public record IntRange(String name, long low, long high, long step) implements Dimension {
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (long v = low; v <= high; v += step) out.add(v);
            return out;
        }

        public Object sample(SplittableRandom random) {
            return low + random.nextLong(high - low + 1);
        }

        public Map<String, Object> describe() {
            return ordered("type", "int", "low", low, "high", high, "step", step);
        }
    }

    /** Doubles in [{@code low}, {@code high}), uniform or log-uniform; the grid takes {@code gridPoints} values. */
    public record FloatRange(String name, double low, double high, boolean log, int gridPoints) implements Dimension {
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < gridPoints; i++) {
                double f = gridPoints == 1 ? 0 : (double) i / (gridPoints - 1);
                out.add(at(f));
            }
            return out;
        }

        public Object sample(SplittableRandom random) {
            return at(random.nextDouble());
        }

        private double at(double fraction) {
            return log
                    ? Math.exp(Math.log(low) + fraction * (Math.log(high) - Math.log(low)))
                    : low + fraction * (high - low);
        }

        public Map<String, Object> describe() {
            return ordered(
                    "type", log ? "log_uniform" : "uniform", "low", low, "high", high, "grid_points", gridPoints);
        }
    }

    /** Key-value pairs in this order: the description is compared as JSON text when a sweep resumes. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return out;
    }

    private final List<Dimension> dimensions;

    private SearchSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
    }

    public static SearchSpace create() {
        return new SearchSpace(List.of());
    }

    public SearchSpace choice(String name, Object... values) {
        return choice(name, List.of(values));
    }

    public SearchSpace choice(String name, List<?> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("choice '" + name + "' has no values");
        List<Object> normalised = new ArrayList<>();
        for (Object v : values) normalised.add(ParamValues.normalise(name, v));
        return with(new Choice(name, List.copyOf(normalised)));
    }

    public SearchSpace intRange(String name, long low, long high) {
        return intRange(name, low, high, 1);
    }

    public SearchSpace intRange(String name, long low, long high, long step) {
        if (low > high || step < 1)
            throw new IllegalArgumentException("int range '" + name + "' needs low <= high and step >= 1");
        return with(new IntRange(name, low, high, step));
    }

    public SearchSpace uniform(String name, double low, double high) {
        return uniform(name, low, high, DEFAULT_GRID_POINTS);
    }

    public SearchSpace uniform(String name, double low, double high, int gridPoints) {
        return with(floatRange(name, low, high, false, gridPoints));
    }

    public SearchSpace logUniform(String name, double low, double high) {
        return logUniform(name, low, high, DEFAULT_GRID_POINTS);
    }

    public SearchSpace logUniform(String name, double low, double high, int gridPoints) {
        if (!(low > 0)) throw new IllegalArgumentException("log-uniform '" + name + "' needs low > 0");
        return with(floatRange(name, low, high, true, gridPoints));
    }

    private static FloatRange floatRange(String name, double low, double high, boolean log, int gridPoints) {
        if (!(low < high) || !Double.isFinite(low) || !Double.isFinite(high) || gridPoints < 1)
            throw new IllegalArgumentException("range '" + name + "' needs finite low < high and grid points >= 1");
        return new FloatRange(name, low, high, log, gridPoints);
    }

    private SearchSpace with(Dimension d) {
        Names.requireKey("param name", d.name());
        if (dimensions.stream().anyMatch(x -> x.name().equals(d.name())))
            throw new IllegalArgumentException("'" + d.name() + "' is already in the search space");
        List<Dimension> out = new ArrayList<>(dimensions);
        out.add(d);
        return new SearchSpace(out);
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** Every combination of the dimensions' grid values, the last dimension varying fastest. */
    public List<Map<String, Object>> grid() {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Dimension d : dimensions) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (Object v : d.gridValues()) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    q.put(d.name(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points.stream().map(Collections::unmodifiableMap).toList();
    }

    /**
     * {@code count} points drawn at random; the same seed gives the same points, and point {@code i} depends only on
     * the seed and {@code i} (so asking for more points later keeps the first ones).
     */
    public List<Map<String, Object>> random(int count, long seed) {
        List<Map<String, Object>> points = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            SplittableRandom r = root.split(); // one stream per point
            Map<String, Object> p = new LinkedHashMap<>();
            for (Dimension d : dimensions) p.put(d.name(), d.sample(r));
            points.add(Collections.unmodifiableMap(p));
        }
        return points;
    }

    /** The space as JSON-ready values: one entry per dimension, in order. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Dimension d : dimensions) out.put(d.name(), d.describe());
        return out;
    }
}
