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

    /** Aligned columns with a header line; long cells are cut at {@code maxWidth} characters. */
    public String toText(int maxWidth) {
        int n = columns.size();
        int[] w = new int[n];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) w[i] = columns.get(i).length();
        for (List<Object> r : rows) {
            String[] c = new String[n];
            for (int i = 0; i < n; i++) {
                String s = text(r.get(i)).replace('\n', ' ');
                if (s.length() > maxWidth) s = s.substring(0, maxWidth - 1) + "…";
                c[i] = s;
                w[i] = Math.max(w[i], s.length());
            }
            cells.add(c);
        }
        StringBuilder b = new StringBuilder();
        line(b, columns.toArray(String[]::new), w);
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) sep.append("  ");
            sep.append("-".repeat(w[i]));
        }
        b.append(sep).append('\n');
        for (String[] c : cells) line(b, c, w);
        return b.toString();
    }

    private static void line(StringBuilder b, String[] c, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            if (i > 0) l.append("  ");
            l.append(c[i]).append(" ".repeat(w[i] - c[i].length()));
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

    private static Object jsonValue(Object v) {
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
            case "table" -> toText(60);
            default -> throw new QueryException("unknown format '" + format + "': use table, csv or json");
        };
    }

    @Override
    public String toString() {
        return toText(60);
    }
}
