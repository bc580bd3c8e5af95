package io.runlake.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A query result held in memory: column names and rows of Java values. Renders as a text table, CSV or JSON. */
public final class Table {
    private final List<String> columns;
    private final List<List<Object>> rows;

    public Table(List<String> columns, List<List<Object>> rows) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
    }

    static Table of(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= n; i++) cols.add(md.getColumnLabel(i));
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) row.add(normalise(rs.getObject(i)));
            rows.add(row);
        }
        return new Table(cols, rows);
    }

    private static Object normalise(Object v) throws SQLException {
        if (v instanceof Array a) {
            Object[] items = (Object[]) a.getArray();
            List<Object> out = new ArrayList<>();
            for (Object o : items) out.add(normalise(o));
            return out;
        }
        if (v instanceof Struct s) {
            return List.of(s.getAttributes());
        }
        if (v instanceof Timestamp t) return t.toInstant().atOffset(ZoneOffset.UTC);
        return v;
    }

    public List<String> columns() {
        return columns;
    }

    public List<List<Object>> rows() {
        return Collections.unmodifiableList(rows);
    }

    public int size() {
        return rows.size();
    }

    public Object get(int row, String column) {
        int i = columns.indexOf(column);
        if (i < 0) throw new IllegalArgumentException("no column '" + column + "' (columns: " + columns + ")");
        return rows.get(row).get(i);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'");

    /** A cell as text: timestamps in UTC, doubles without needless digits, maps as k=v. */
    public static String text(Object v) {
        if (v == null) return "";
        if (v instanceof OffsetDateTime t) return TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) return d.toString();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf(d.longValue());
            String s = String.format("%.6g", d);
            if (s.contains("e")) return s;
            if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            return s;
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (b.length() > 0) b.append(' ');
                b.append(e.getKey()).append('=').append(e.getValue());
            }
            return b.toString();
        }
        return v.toString();
    }

    /**
     * A text table laid out for a screen {@code width} characters wide, and the columns it had to cut.
     *
     * @param cut the names of the columns whose cells were cut with "…" (empty: every cell whole)
     */
    public record Text(String text, List<String> cut) {}

    /** Never cut a column below this many characters (nor its name), however narrow the screen. */
    static final int MIN_CUT_WIDTH = 8;
    /** Never wrap the last column into fewer characters a line than this: past it, the line runs over. */
    static final int MIN_WRAP_WIDTH = 24;

    /** Aligned columns with a header line, nothing cut or wrapped (for a pipe or a file). */
    public String toText() {
        return toText(0).text();
    }

    /**
     * Aligned columns with a header line, fitted into {@code width} characters (0: no limit, nothing cut). To fit,
     * first the columns of maps and lists (params, tags: summaries a person can see whole with {@code show} or
     * {@code --wide}) are cut with "…", the rightmost first and none below {@value #MIN_CUT_WIDTH} characters; then the
     * last column is wrapped onto more lines. Any other cell — an id, a name, a hash, an error — is never cut.
     */
    public Text toText(int width) {
        int n = columns.size();
        int[] w = new int[n];
        boolean[] cuttable = new boolean[n];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) w[i] = columns.get(i).length();
        for (List<Object> r : rows) {
            String[] c = new String[n];
            for (int i = 0; i < n; i++) {
                Object v = r.get(i);
                cuttable[i] |= v instanceof Map<?, ?> || v instanceof List<?>;
                c[i] = text(v).replaceAll("\\R", " ");
                w[i] = Math.max(w[i], c[i].length());
            }
            cells.add(c);
        }
        List<String> cut = new ArrayList<>();
        int over = width <= 0 ? 0 : total(w) - width;
        for (int i = n - 1; i >= 0 && over > 0; i--) { // the rightmost first: tables put what matters most left
            int floor = Math.max(MIN_CUT_WIDTH, columns.get(i).length());
            if (!cuttable[i] || w[i] <= floor) continue;
            int by = Math.min(over, w[i] - floor);
            w[i] -= by;
            over -= by;
            cut.add(0, columns.get(i));
        }
        int wrapAt = 0; // the last column's width when wrapped; 0: not wrapped
        if (over > 0 && n > 0 && !cuttable[n - 1]) {
            int room = w[n - 1] - over;
            if (room >= MIN_WRAP_WIDTH) wrapAt = room;
        }
        StringBuilder b = new StringBuilder();
        line(b, columns.toArray(String[]::new), w);
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) sep.append("  ");
            sep.append("-".repeat(wrapAt > 0 && i == n - 1 ? wrapAt : w[i]));
        }
        b.append(sep).append('\n');
        for (String[] c : cells) {
            for (int i = 0; i < n; i++) {
                if (c[i].length() > w[i] && cuttable[i]) c[i] = c[i].substring(0, w[i] - 1) + "…";
            }
            if (wrapAt == 0 || c[n - 1].length() <= wrapAt) {
                line(b, c, w);
                continue;
            }
            List<String> parts = wrap(c[n - 1], wrapAt);
            for (int p = 0; p < parts.size(); p++) {
                String[] l = p == 0 ? c.clone() : blank(n);
                l[n - 1] = parts.get(p);
                line(b, l, w);
            }
        }
        return new Text(b.toString(), List.copyOf(cut));
    }

    private static int total(int[] w) {
        int sum = 2 * Math.max(0, w.length - 1);
        for (int x : w) sum += x;
        return sum;
    }

    private static String[] blank(int n) {
        String[] l = new String[n];
        Arrays.fill(l, "");
        return l;
    }

    /** {@code s} in lines of at most {@code width} characters, broken after a space where there is one. */
    public static List<String> wrap(String s, int width) {
        List<String> out = new ArrayList<>();
        String rest = s;
        while (rest.length() > width) {
            int at = rest.lastIndexOf(' ', width);
            if (at <= width / 2) at = width; // no space in the second half of the line: break inside the word
            out.add(rest.substring(0, at).stripTrailing());
            rest = rest.substring(at).stripLeading();
        }
        out.add(rest);
        return out;
    }

    private static void line(StringBuilder b, String[] c, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            if (i > 0) l.append("  ");
            l.append(c[i]).append(" ".repeat(Math.max(0, w[i] - c[i].length())));
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }

    /**
     * CSV with a header row (RFC 4180 quoting, {@code \n} line ends as Unix tools expect) and numbers in full
     * precision: a CSV is read by programs, so nothing is rounded.
     */
    public String toCsv() {
        StringBuilder b = new StringBuilder();
        csvLine(b, new ArrayList<>(columns));
        for (List<Object> r : rows) csvLine(b, r);
        return b.toString();
    }

    private static void csvLine(StringBuilder b, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) b.append(',');
            Object v = cells.get(i);
            String s = v instanceof String str ? str : v instanceof Double d ? exact(d) : text(v);
            if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r"))
                s = "\"" + s.replace("\"", "\"\"") + "\"";
            b.append(s);
        }
        b.append('\n');
    }

    /** A double in as many digits as it takes to read back the same value (whole numbers without ".0"). */
    static String exact(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
        return Double.toString(d);
    }

    /** A JSON array of objects, one per row. */
    public String toJson() {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (List<Object> r : rows) {
            ObjectNode o = arr.addObject();
            for (int i = 0; i < columns.size(); i++)
                o.set(columns.get(i), Json.MAPPER.valueToTree(jsonValue(r.get(i))));
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(arr) + "\n";
        } catch (Exception e) {
            throw new QueryException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** A cell as a value Jackson writes as JSON: timestamps as text, NaN and infinities as strings, maps and lists kept. */
    public static Object jsonValue(Object v) {
        if (v instanceof OffsetDateTime t) return text(t);
        if (v instanceof Double d && (d.isNaN() || d.isInfinite())) return d.toString();
        if (v instanceof UUID || v instanceof BigInteger) return v.toString();
        if (v instanceof List<?> l) return l.stream().map(Table::jsonValue).toList();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), jsonValue(x)));
            return out;
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean || v == null) return v;
        return v.toString();
    }

    /** Renders in one of "table", "csv", "json". */
    public String format(String format) {
        return switch (format) {
            case "csv" -> toCsv();
            case "json" -> toJson();
            case "table" -> toText();
            default -> throw new QueryException("unknown format '" + format + "': use table, csv or json");
        };
    }

    @Override
    public String toString() {
        return toText();
    }
}
