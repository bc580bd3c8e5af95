package io.runlake.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one place that validates user-supplied names and text, and escapes experiment names into key
 * segments (FORMAT.md §5, "Names"). Everything the API accepts round-trips exactly through every object,
 * the query views and compaction; everything else is rejected here, before anything is written, with one
 * {@link IllegalArgumentException} that names the kind of name, the problem and the name itself.
 *
 * <p>Experiment names become one path segment of an object key, so they are validated and then
 * percent-escaped: every byte outside {@code [A-Za-z0-9._-]} is written as {@code %XX}. Metric keys,
 * param and tag names, artifact and input names live only inside objects, never in keys, so they are
 * validated but not escaped.
 *
 * <p>All text must be valid Unicode: an unpaired UTF-16 surrogate cannot be encoded as UTF-8 (JSON and
 * Parquet text), so it is rejected rather than silently replaced.
 */
public final class Names {
    public static final int MAX_EXPERIMENT_LENGTH = 200;
    public static final int MAX_KEY_LENGTH = 250;
    /**
     * The segment {@code experiment=<escaped>} is at most 255 bytes, the limit of one path segment on local
     * file systems (a file store, the spill folder, the query mirror); it also keeps every key, quarantine
     * copies included, under S3's 1024-byte limit for a store prefix of up to 400 bytes.
     */
    public static final int MAX_ESCAPED_EXPERIMENT_LENGTH = Layout.maxEscapedExperimentLength();

    public static final int MAX_RUN_NAME_LENGTH = 250;
    public static final int MAX_TAG_VALUE_LENGTH = 5000;
    public static final int MAX_PARAM_VALUE_LENGTH = 5000;

    private Names() {}

    public static String requireExperiment(String name) {
        requireSegmentName("experiment name", name);
        if (name.equalsIgnoreCase("null") || name.equalsIgnoreCase("__HIVE_DEFAULT_PARTITION__")) {
            // key segments are Hive-style partitions (FORMAT.md §6): DuckDB's hive_partitioning, Hive, Spark and
            // Trino/Athena read the value NULL (any case) or this marker as SQL NULL, so such a name would not
            // round-trip
            throw new IllegalArgumentException(
                    "experiment name '" + name + "' is not allowed (query engines read the Hive partition "
                            + "value experiment=" + name + " as NULL)");
        }
        return name;
    }

    /**
     * A registered model's name (FORMAT.md §16): the rules of an experiment name, since it is escaped into one key
     * segment {@code models/<escaped>/} the same way.
     */
    public static String requireModelName(String name) {
        return requireSegmentName("model name", name);
    }

    /**
     * An alias name (FORMAT.md §16): the rules of a model name, and no {@code /} or {@code @}, so that
     * {@code models:/<model>@<alias>} and {@code models:/<model>/<version>} always parse one way.
     */
    public static String requireAliasName(String name) {
        requireSegmentName("alias name", name);
        if (name.indexOf('/') >= 0 || name.indexOf('@') >= 0) {
            throw new IllegalArgumentException(
                    "alias name '" + name + "' must not contain '/' or '@' (they separate a model URI's parts)");
        }
        return name;
    }

    /** A name escaped into one key segment: 1..200 characters, at most 244 once escaped (FORMAT.md §5). */
    private static String requireSegmentName(String kind, String name) {
        requireText(kind, name, MAX_EXPERIMENT_LENGTH);
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(kind + " '" + name + "' is not allowed (a path segment of its own)");
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException(kind + " '" + printable(name) + "' has leading or trailing whitespace");
        }
        int escaped = escapeSegment(name).length();
        if (escaped > MAX_ESCAPED_EXPERIMENT_LENGTH) {
            throw new IllegalArgumentException(kind + " '" + shortened(name)
                    + "' is too long once escaped for object keys (" + escaped + " > " + MAX_ESCAPED_EXPERIMENT_LENGTH
                    + " characters; each byte of its UTF-8 outside [A-Za-z0-9._-] takes 3)");
        }
        return name;
    }

    /**
     * Metric keys, param and tag names, artifact and input names (and input roles): 1..250 chars, no
     * control characters, no whitespace at the ends, valid Unicode. Slashes are allowed ("system/cpu").
     */
    public static String requireKey(String kind, String key) {
        requireText(kind, key, MAX_KEY_LENGTH);
        if (!key.strip().equals(key)) {
            throw new IllegalArgumentException(kind + " '" + printable(key) + "' has leading or trailing whitespace");
        }
        return key;
    }

    public static String requireRunName(String name) {
        return requireText("run name", name, MAX_RUN_NAME_LENGTH);
    }

    /** A tag value: 0..5000 chars of valid Unicode (control characters allowed); never null when setting. */
    public static String requireTagValue(String tag, String value) {
        if (value == null) {
            throw new IllegalArgumentException("tag '" + printable(tag) + "' has a null value");
        }
        if (value.length() > MAX_TAG_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                    "tag '" + printable(tag) + "' value is longer than " + MAX_TAG_VALUE_LENGTH + " characters");
        }
        requireUnicode("value of tag '" + printable(tag) + "'", value);
        return value;
    }

    /** A string param value: 0..5000 chars of valid Unicode (control characters allowed). */
    public static String requireParamValue(String param, String value) {
        if (value.length() > MAX_PARAM_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                    "param '" + printable(param) + "' is longer than " + MAX_PARAM_VALUE_LENGTH + " characters");
        }
        requireUnicode("value of param '" + printable(param) + "'", value);
        return value;
    }

    /** Any other text the API stores (URIs, locations): valid Unicode, no other limit. */
    public static String requireUnicode(String kind, String value) {
        int bad = unpairedSurrogate(value);
        if (bad >= 0) {
            throw new IllegalArgumentException(kind + " '" + shortened(value) + "' contains an unpaired surrogate U+"
                    + String.format("%04X", (int) value.charAt(bad)) + " at index " + bad
                    + " (not valid Unicode, cannot be stored as UTF-8)");
        }
        return value;
    }

    /**
     * Text the API records but cannot reject (an exception's message and stack trace): unpaired surrogates
     * become U+FFFD, so the object stays valid UTF-8 JSON that every reader can parse.
     */
    public static String wellFormed(String s) {
        if (s == null || unpairedSurrogate(s) < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** Index of the first unpaired UTF-16 surrogate in {@code s}, or -1 when it is valid Unicode. */
    public static int unpairedSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) return i;
        }
        return -1;
    }

    private static String requireText(String kind, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(kind + " must not be empty");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(kind + " '" + shortened(value) + "' is longer than " + max
                    + " characters (" + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(kind + " '" + printable(value) + "' contains a control character (U+"
                        + String.format("%04X", (int) c) + ") at index " + i);
            }
        }
        requireUnicode(kind, value);
        return value;
    }

    private static String shortened(String s) {
        return printable(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }

    /** The text with control characters and unpaired surrogates written as backslash-u escapes (as in Java source), for messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (Character.isISOControl(c) || (Character.isSurrogate(c) && !paired))
                b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    /** Escapes a validated name into one key segment: bytes outside [A-Za-z0-9._-] become %XX (upper-case hex). */
    public static String escapeSegment(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Decodes a key segment made by {@link #escapeSegment}. Only the canonical escaping of valid UTF-8 is a
     * name: a bad {@code %XX}, a byte escaped that need not be (or one left bare that must be escaped),
     * or bytes that are not UTF-8 are rejected, so exactly one segment stands for each name and two
     * spellings of a segment never mix into one experiment.
     */
    public static String unescapeSegment(String segment) {
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()
                        || !segment.substring(i + 1, i + 3).matches("[0-9A-F]{2}")) {
                    throw new IllegalArgumentException(
                            "'" + segment + "' is not a valid escaped name: bad %XX at index " + i);
                }
                out[n++] = (byte) Integer.parseInt(segment.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("'" + segment + "' is not a valid escaped name: not UTF-8");
        }
        if (!escapeSegment(name).equals(segment)) {
            throw new IllegalArgumentException(
                    "'" + segment + "' is not a valid escaped name: not the canonical escaping of '" + printable(name)
                            + "' (" + escapeSegment(name) + ")");
        }
        return name;
    }
}
