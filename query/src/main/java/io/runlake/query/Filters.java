package io.runlake.query;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the CLI's filter shorthand into SQL over the {@code runs} view: {@code params.lr} becomes a
 * typed lookup in the run's params map (DOUBLE when compared with a number, BOOLEAN with true/false, else
 * VARCHAR), {@code tags.stage} the tag's value, {@code metrics.val_loss} the metric's last value.
 */
final class Filters {
    private static final Pattern REF = Pattern.compile(
            "\\b(params|tags|metrics)\\.(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_./-]*[A-Za-z0-9_])(\\s*(?:<=|>=|<>|!=|=|<|>)\\s*(-?\\d|true\\b|false\\b|'))?",
            Pattern.CASE_INSENSITIVE);

    private Filters() {}

    static String translate(String filter, String runsAlias) {
        if (filter == null || filter.isBlank()) return "TRUE";
        if (filter.contains(";")) throw new QueryException("malformed filter '" + filter + "': ';' is not allowed");
        Matcher m = REF.matcher(filter);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1).toLowerCase();
            String name = m.group(2);
            if (name.startsWith("\"")) name = name.substring(1, name.length() - 1);
            String lit = "'" + name.replace("'", "''") + "'";
            String literal = m.group(4);
            String expr = switch (kind) {
                case "params" -> {
                    String v = runsAlias + "params[" + lit + "]";
                    if (literal == null || literal.equals("'")) yield v;
                    if (literal.equalsIgnoreCase("true") || literal.equalsIgnoreCase("false")) yield "TRY_CAST(" + v + " AS BOOLEAN)";
                    yield "TRY_CAST(" + v + " AS DOUBLE)";
                }
                case "tags" -> runsAlias + "tags[" + lit + "]";
                default -> "(SELECT ms.last_value FROM metric_summary ms WHERE ms.run_id = " + runsAlias + "run_id AND ms.key = " + lit + ")";
            };
            String rest = m.group(3) == null ? "" : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(expr + rest));
        }
        m.appendTail(out);
        return out.toString();
    }
}
