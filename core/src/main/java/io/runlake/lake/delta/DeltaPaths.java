package io.runlake.lake.delta;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The {@code path} of an {@code add} or {@code remove} action: the data file's key relative to the table root,
 * URI-encoded as Delta PROTOCOL.md requires. A lake file under {@code experiment=my%20exp/} (RunLake's escaped
 * folder) therefore has the Delta path {@code experiment=my%2520exp/...}.
 */
public final class DeltaPaths {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private DeltaPaths() {}

    /** Encodes a key relative to the table root: every byte outside {@code [A-Za-z0-9-._~/=]} becomes %XX. */
    public static String encode(String relativeKey) {
        StringBuilder out = new StringBuilder(relativeKey.length() + 16);
        for (byte b : relativeKey.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (unreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** The key relative to the table root that a relative Delta path names. */
    public static String decode(String deltaPath) {
        URI uri = URI.create(deltaPath);
        if (uri.isAbsolute() || deltaPath.startsWith("/")) {
            throw new IllegalArgumentException("RunLake tables use relative paths only, not " + deltaPath);
        }
        return uri.getPath();
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '/'
                || c == '=';
    }
}
