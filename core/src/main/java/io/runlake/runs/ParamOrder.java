package io.runlake.runs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The order in which the params of several runs are shown, stated once (FORMAT.md §12.8 rule 6): the params whose
 * values differ between the runs first (they explain why the runs differ; a param absent from some runs differs),
 * then the ones every run has with the same value, each group by name. A run without any params (a sweep's parent,
 * say) is left out: it tells no param apart. Tables, leaderboards and published reports all use it, so a sweep's
 * {@code lr} and {@code hidden_units} lead and a constant {@code data.seed} comes last.
 */
public final class ParamOrder {
    private ParamOrder() {}

    /** The param names of {@code runs} (one map per run), those that vary first, then the constant ones. */
    public static List<String> of(Collection<? extends Map<String, ?>> all) {
        List<Map<String, ?>> runs = withParams(all);
        List<String> varying = new ArrayList<>(), same = new ArrayList<>();
        for (String name : names(runs)) (varies(runs, name) ? varying : same).add(name);
        varying.addAll(same);
        return varying;
    }

    /** The params every one of {@code runs} (with params) has with the same value, by name (none below two runs). */
    public static Map<String, Object> constants(Collection<? extends Map<String, ?>> all) {
        List<Map<String, ?>> runs = withParams(all);
        Map<String, Object> out = new LinkedHashMap<>();
        if (runs.size() < 2) return out;
        for (String name : names(runs)) {
            if (!varies(runs, name)) out.put(name, runs.iterator().next().get(name));
        }
        return out;
    }

    /** {@code params} with its entries in {@code order} (names missing from {@code order} last, by name). */
    public static <V> Map<String, V> sorted(Map<String, V> params, List<String> order) {
        Map<String, V> out = new LinkedHashMap<>();
        for (String name : order) if (params.containsKey(name)) out.put(name, params.get(name));
        for (String name : new TreeSet<>(params.keySet())) out.putIfAbsent(name, params.get(name));
        return out;
    }

    private static List<Map<String, ?>> withParams(Collection<? extends Map<String, ?>> runs) {
        List<Map<String, ?>> out = new ArrayList<>();
        for (Map<String, ?> r : runs) if (r != null && !r.isEmpty()) out.add(r);
        return out;
    }

    private static TreeSet<String> names(Collection<? extends Map<String, ?>> runs) {
        TreeSet<String> names = new TreeSet<>();
        for (Map<String, ?> r : runs) names.addAll(r.keySet());
        return names;
    }

    private static boolean varies(Collection<? extends Map<String, ?>> runs, String name) {
        return runs.stream()
                        .map(r -> r.containsKey(name) ? Objects.toString(r.get(name)) : "\0absent")
                        .distinct()
                        .count()
                > 1;
    }
}
