package io.runlake.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the CLI's filter shorthand into SQL over the {@code runs} view: {@code params.lr} becomes a
 * typed lookup in the run's params map (DOUBLE when compared with a number, BOOLEAN with true/false, else
 * VARCHAR), {@code tags.stage} the tag's value, {@code metrics.val_loss} the metric's last value. A number or
 * boolean is recognised after a comparison, after {@code in (} / {@code not in (} and after {@code between},
 * so {@code params.lr in (0.1, 0.3)} compares numbers as a user means it.
 */
final class Filters {
    private static final Pattern REF = Pattern.compile(
            "\\b(params|tags|metrics)\\.(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_./-]*[A-Za-z0-9_])"
                    + "(\\s*(?:<=|>=|<>|!=|==|=|<|>|\\bnot\\s+in\\s*\\(|\\bin\\s*\\(|\\bbetween\\b)\\s*"
                    + "([-+]?\\.?\\d|true\\b|false\\b|'))?",
            Pattern.CASE_INSENSITIVE);
    /** DuckDB's binder error for a column the runs view does not have. */
    private static final Pattern UNKNOWN_COLUMN = Pattern.compile("Referenced column \"([^\"]+)\" not found");

    /** A {@code params.NAME}, {@code tags.NAME} or {@code metrics.KEY} in a filter. */
    record Ref(String kind, String name) {
        @Override
        public String toString() {
            return kind + "." + name;
        }
    }

    private Filters() {}

    static String translate(String filter, String runsAlias) {
        if (filter == null || filter.isBlank()) return "TRUE";
        if (filter.contains(";")) throw new QueryException("malformed filter '" + filter + "': ';' is not allowed");
        Matcher m = REF.matcher(filter);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1).toLowerCase(Locale.ROOT);
            String name = unquote(m.group(2));
            String lit = "'" + name.replace("'", "''") + "'";
            String literal = m.group(4);
            String expr = switch (kind) {
                case "params" -> {
                    String v = runsAlias + "params[" + lit + "]";
                    if (literal == null || literal.equals("'")) yield v;
                    if (literal.equalsIgnoreCase("true") || literal.equalsIgnoreCase("false")) {
                        yield "TRY_CAST(" + v + " AS BOOLEAN)";
                    }
                    yield "TRY_CAST(" + v + " AS DOUBLE)";
                }
                case "tags" -> runsAlias + "tags[" + lit + "]";
                default ->
                    "(SELECT ms.last_value FROM metric_summary ms WHERE ms.run_id = " + runsAlias
                            + "run_id AND ms.key = " + lit + ")";
            };
            String rest = m.group(3) == null ? "" : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(expr + rest));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The params, tags and metrics a filter names, in order of appearance. */
    static Set<Ref> references(String filter) {
        Set<Ref> refs = new LinkedHashSet<>();
        if (filter == null) return refs;
        Matcher m = REF.matcher(filter);
        while (m.find()) refs.add(new Ref(m.group(1).toLowerCase(Locale.ROOT), unquote(m.group(2))));
        return refs;
    }

    /** "no param 'lrr' in experiment 'x' (did you mean 'lr'? params: ...)". */
    static String unknownName(Ref ref, String scope, List<String> known) {
        String singular = ref.kind().equals("params") ? "param" : ref.kind().equals("tags") ? "tag" : "metric";
        String what = "filter names " + ref + ", but no run " + scope + " has " + singular + " '" + ref.name() + "'";
        if (known.isEmpty()) return what + " (they have no " + ref.kind() + ")";
        List<String> close = closest(ref.name(), known);
        String hint = close.isEmpty()
                ? ""
                : "did you mean "
                        + String.join(
                                " or ",
                                close.stream().map(n -> ref.kind() + "." + n).toList()) + "? ";
        return what + " (" + hint + ref.kind() + ": " + list(known) + ")";
    }

    /**
     * The name of a column the filter used that the runs view lacks ({@code lr < 0.2}), or null. The caller
     * says {@code params.lr} where such a param exists.
     */
    static String unknownColumn(String error) {
        Matcher m = UNKNOWN_COLUMN.matcher(error == null ? "" : error);
        return m.find() ? m.group(1) : null;
    }

    /** Known names within two edits of {@code name} (or containing it), closest first, at most three. */
    static List<String> closest(String name, List<String> known) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String k : known) {
            String kl = k.toLowerCase(Locale.ROOT);
            if (distance(lower, kl) <= 2 || kl.contains(lower) || lower.contains(kl)) out.add(k);
        }
        out.sort(Comparator.comparingInt(k -> distance(lower, k.toLowerCase(Locale.ROOT))));
        return out.subList(0, Math.min(3, out.size()));
    }

    private static String list(List<String> names) {
        return names.size() <= 20 ? String.join(", ", names) : String.join(", ", names.subList(0, 20)) + ", …";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String unquote(String name) {
        return name.startsWith("\"") ? name.substring(1, name.length() - 1) : name;
    }
}
