package io.runlake.client.internal;

import io.runlake.format.Names;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Params are strings, numbers or booleans (FORMAT.md, "Params"). */
public final class ParamValues {
    private ParamValues() {}

    public static Object normalise(String name, Object value) {
        if (value == null) throw new IllegalArgumentException("param '" + Names.printable(name) + "' has a null value");
        if (value instanceof String s) return Names.requireParamValue(name, s);
        if (value instanceof Boolean) return value;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) return ((Number) value).doubleValue();
        if (value instanceof BigInteger || value instanceof BigDecimal) return value;
        if (value instanceof Enum<?> e) return e.name();
        if (value instanceof CharSequence cs) return Names.requireParamValue(name, cs.toString());
        throw new IllegalArgumentException("param '" + name + "' has type "
                + value.getClass().getName() + "; params must be strings, numbers or booleans");
    }

    public static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (!Double.isFinite(x.doubleValue()) || !Double.isFinite(y.doubleValue())) {
                return Double.compare(x.doubleValue(), y.doubleValue()) == 0; // NaN/Infinity have no BigDecimal
            }
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0
                    || Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a.equals(b);
    }
}
