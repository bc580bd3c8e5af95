package io.runlake.format;

import java.nio.charset.StandardCharsets;

/**
 * Validation and escaping of user-supplied names (FORMAT.md, "Names").
 *
 * <p>Experiment names become one path segment of an object key, so they are validated and then
 * percent-escaped: every byte outside {@code [A-Za-z0-9._-]} is written as {@code %XX}. Metric keys,
 * param and tag names live only inside objects, never in keys, so they are validated but not escaped.
 */
public final class Names {
    public static final int MAX_EXPERIMENT_LENGTH = 200;
    public static final int MAX_KEY_LENGTH = 250;
    /** Keeps every object key under S3's 1024-byte limit. */
    public static final int MAX_ESCAPED_EXPERIMENT_LENGTH = 600;
    public static final int MAX_RUN_NAME_LENGTH = 250;
    public static final int MAX_TAG_VALUE_LENGTH = 5000;

    private Names() {}

    public static String requireExperiment(String name) {
        requireText("experiment name", name, MAX_EXPERIMENT_LENGTH);
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("experiment name '" + name + "' is not allowed");
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException("experiment name '" + name + "' has leading or trailing whitespace");
        }
        if (escapeSegment(name).length() > MAX_ESCAPED_EXPERIMENT_LENGTH) {
            throw new IllegalArgumentException("experiment name '" + name + "' is too long once escaped for object keys ("
                    + escapeSegment(name).length() + " > " + MAX_ESCAPED_EXPERIMENT_LENGTH + " characters)");
        }
        return name;
    }

    /** Metric keys, param and tag names: 1..250 chars, no control characters. Slashes are allowed ("system/cpu"). */
    public static String requireKey(String kind, String key) {
        requireText(kind, key, MAX_KEY_LENGTH);
        if (!key.strip().equals(key)) {
            throw new IllegalArgumentException(kind + " '" + key + "' has leading or trailing whitespace");
        }
        return key;
    }

    public static String requireRunName(String name) {
        return requireText("run name", name, MAX_RUN_NAME_LENGTH);
    }

    public static String requireTagValue(String tag, String value) {
        if (value == null) {
            throw new IllegalArgumentException("tag '" + tag + "' has a null value");
        }
        if (value.length() > MAX_TAG_VALUE_LENGTH) {
            throw new IllegalArgumentException("tag '" + tag + "' value is longer than " + MAX_TAG_VALUE_LENGTH + " characters");
        }
        return value;
    }

    private static String requireText(String kind, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(kind + " must not be empty");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(kind + " '" + value.substring(0, 40) + "...' is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(kind + " '" + printable(value) + "' contains a control character at index " + i);
            }
        }
        return value;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** Escapes a validated name into one key segment: bytes outside [A-Za-z0-9._-] become %XX (upper-case hex). */
    public static String escapeSegment(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    public static String unescapeSegment(String segment) {
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || !segment.substring(i + 1, i + 3).matches("[0-9A-F]{2}")) {
                    throw new IllegalArgumentException("'" + segment + "' is not a valid escaped name: bad %XX at index " + i);
                }
                out[n++] = (byte) Integer.parseInt(segment.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
