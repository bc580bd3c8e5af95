package io.runlake.format;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for keeping secrets out of the bucket (FORMAT.md §7.2, "Redaction"). Everything the client
 * captures on its own (JVM flags, git remote, data input and artifact reference URIs, error messages) goes
 * through here before it is written:
 *
 * <ul>
 *   <li>A <b>secret name</b> is one that contains {@code secret}, {@code password}, {@code passwd},
 *       {@code passphrase}, {@code token}, {@code credential}, {@code auth}, {@code session}, {@code signature},
 *       {@code cookie}, {@code apikey}/{@code api_key}, {@code accesskey}/{@code access_key},
 *       {@code privatekey}/{@code private_key} (case-insensitive), or has a word (split at {@code . _ -} and
 *       camelCase) that is {@code key}, {@code keys}, {@code pwd}, {@code pass}, {@code sig} or {@code jwt}
 *       or ends in {@code key}.
 *   <li>Flags {@code -Dname=value}, {@code --name=value}, {@code -name=value} and environment-style
 *       {@code NAME=value} with a secret name keep the name and get the value {@value #MASK}; the value of
 *       a flag {@code --name} with a secret name that is the next argument is masked too.
 *   <li>URLs ({@code scheme://...}) lose their user info: everything before the <b>last</b> {@code @} of
 *       the authority (so a password containing {@code @} goes too). Query and fragment parameters with a
 *       secret name ({@code X-Amz-Signature}, {@code X-Amz-Credential}, {@code token}, {@code sig}, ...) get
 *       the value {@value #MASK}; URLs nested in parameter values are redacted the same way. An scp-like git
 *       remote ({@code user@host:path}) keeps a plain user name ({@code git}) and loses anything else.
 *   <li>Free text (error messages, other flags) gets all of the above for every URL and {@code name=value}
 *       or {@code name: value} in it, and {@code Bearer <token>} becomes {@code Bearer ***}.
 * </ul>
 */
public final class Redaction {
    /** What a secret value is replaced with. */
    public static final String MASK = "***";

    private static final List<String> SECRET_PARTS = List.of(
            "secret",
            "password",
            "passwd",
            "passphrase",
            "token",
            "credential",
            "auth",
            "session",
            "signature",
            "cookie",
            "apikey",
            "api_key",
            "api-key",
            "accesskey",
            "access_key",
            "access-key",
            "privatekey",
            "private_key",
            "private-key");
    private static final Set<String> SECRET_WORDS = Set.of("key", "keys", "pwd", "pass", "sig", "jwt");
    private static final Pattern WORDS = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s\"'<>`]+");
    private static final Pattern FLAG = Pattern.compile("(-D|--|-)?([A-Za-z_][A-Za-z0-9_.\\-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern BARE_FLAG = Pattern.compile("--?([A-Za-z_][A-Za-z0-9_.\\-]*)");
    /** {@code name=}, {@code name: } or {@code "name": }; a colon needs a space or quote after it (not {@code Auth.java:12}). */
    private static final Pattern NAME_SEP =
            Pattern.compile("(?<![A-Za-z0-9_.\\-])([A-Za-z_][A-Za-z0-9_.\\-]*)(\"?\\s*(?:=|:(?=[\\s\"]))\\s*\"?)");

    private static final String VALUE_END = " \t\r\n&;,\"'<>`";
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=\\-]+");
    private static final Pattern SIMPLE_USER = Pattern.compile("[A-Za-z0-9._\\-]{1,32}");

    private Redaction() {}

    /** Whether a flag, variable, parameter or field of this name holds a secret (the rule above). */
    public static boolean isSecretName(String name) {
        if (name == null || name.isEmpty()) return false;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String p : SECRET_PARTS) if (lower.contains(p)) return true;
        for (String w : WORDS.split(name)) {
            String word = w.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.contains(word) || (word.length() > 3 && word.endsWith("key"))) return true;
        }
        return false;
    }

    /** Command-line or JVM arguments, each redacted; the value after a bare secret flag ({@code --token x}) too. */
    public static List<String> redactArgs(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean maskNext = false;
        for (String a : args) {
            if (a == null) {
                out.add(null);
                continue;
            }
            if (maskNext && !a.startsWith("-")) {
                out.add(MASK);
                maskNext = false;
                continue;
            }
            Matcher bare = BARE_FLAG.matcher(a);
            maskNext = bare.matches() && isSecretName(bare.group(1));
            out.add(redactArg(a));
        }
        return out;
    }

    /** One argument: {@code -Dname=value}, {@code --name=value}, {@code NAME=value} or anything else (free text). */
    public static String redactArg(String arg) {
        if (arg == null) return null;
        Matcher m = FLAG.matcher(arg);
        if (m.matches()) {
            String prefix = m.group(1) == null ? "" : m.group(1);
            if (isSecretName(m.group(2))) return prefix + m.group(2) + "=" + MASK;
            return prefix + m.group(2) + "=" + redactText(m.group(3));
        }
        return redactText(arg);
    }

    /** Free text: every URL in it, every secret {@code name=value} / {@code name: value}, and bearer tokens. */
    public static String redactText(String text) {
        if (text == null || text.isEmpty()) return text;
        Matcher u = URL.matcher(text);
        StringBuilder b = new StringBuilder();
        while (u.find()) u.appendReplacement(b, Matcher.quoteReplacement(redactUri(u.group())));
        u.appendTail(b);
        String s = BEARER.matcher(b.toString()).replaceAll("$1 " + Matcher.quoteReplacement(MASK));
        return maskPairs(s);
    }

    /**
     * Masks the value after every secret {@code name=} or {@code name:}. A name that is not secret does not
     * consume what follows, so {@code -javaagent:a.jar=apiKey=x} still finds {@code apiKey=}.
     */
    private static String maskPairs(String s) {
        Matcher m = NAME_SEP.matcher(s);
        StringBuilder b = new StringBuilder(s.length());
        int copied = 0;
        int from = 0;
        while (from < s.length() && m.find(from)) {
            int valueStart = m.end();
            from = valueStart;
            if (!isSecretName(m.group(1))) continue;
            int valueEnd = valueStart;
            while (valueEnd < s.length() && VALUE_END.indexOf(s.charAt(valueEnd)) < 0) valueEnd++;
            if (valueEnd == valueStart) continue;
            String value = s.substring(valueStart, valueEnd);
            if (value.equals(MASK) || value.equalsIgnoreCase("bearer") || value.equalsIgnoreCase("basic")) {
                from = valueEnd; // already masked, or "Authorization: Bearer ***" (token masked above)
                continue;
            }
            b.append(s, copied, valueStart).append(MASK);
            copied = valueEnd;
            from = valueEnd;
        }
        return b.append(s, copied, s.length()).toString();
    }

    /**
     * One URI or location: user info removed (everything before the last {@code @} of the authority), secret
     * query and fragment parameters masked. Strings that are not URLs (local paths) come back unchanged,
     * except an scp-like {@code user:password@host:path}, which loses {@code user:password}.
     */
    public static String redactUri(String uri) {
        if (uri == null || uri.isEmpty()) return uri;
        int sep = uri.indexOf("://");
        if (sep <= 0 || !uri.substring(0, sep).matches("[A-Za-z][A-Za-z0-9+.\\-]*")) return redactScpLike(uri);
        int start = sep + 3;
        int end = indexOfAny(uri, start, "/?#");
        String authority = uri.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        } else if (hasBadPort(authority)) {
            // "user:pa/ss@host/...": a password with '/' ends the authority early; the real host follows the last '@'
            int stop = indexOfAny(uri, start, "?#");
            int lastAt = uri.lastIndexOf('@', stop - 1);
            if (lastAt > start) {
                end = indexOfAny(uri, lastAt + 1, "/?#");
                authority = uri.substring(lastAt + 1, end);
            }
        }
        String rest = uri.substring(end);
        int q = rest.indexOf('?');
        int h = rest.indexOf('#');
        String path = rest, query = null, fragment = null;
        if (h >= 0) {
            fragment = rest.substring(h + 1);
            path = rest.substring(0, h);
        }
        if (q >= 0 && (h < 0 || q < h)) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        StringBuilder b = new StringBuilder(uri.length());
        b.append(uri, 0, start).append(authority).append(path);
        if (query != null) b.append('?').append(redactParams(query));
        if (fragment != null) b.append('#').append(redactParams(fragment));
        return b.toString();
    }

    private static String redactParams(String params) {
        StringBuilder b = new StringBuilder(params.length());
        int i = 0;
        while (i <= params.length()) {
            int j = indexOfAny(params, i, "&;");
            String pair = params.substring(i, j);
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String name = pair.substring(0, eq);
                String value = pair.substring(eq + 1);
                if (isSecretName(decode(name))) value = MASK;
                else if (value.contains("://") || decode(value).contains("://"))
                    value = redactUri(value.contains("://") ? value : decode(value));
                b.append(name).append('=').append(value);
            } else {
                b.append(pair);
            }
            if (j < params.length()) b.append(params.charAt(j));
            i = j + 1;
        }
        return b.toString();
    }

    /** {@code [user[:password]@]host:path} (git's scp-like syntax), or a plain path (unchanged). */
    private static String redactScpLike(String s) {
        if (s.startsWith("/") || s.startsWith(".") || s.startsWith("~")) return s; // a local path
        for (int at = s.lastIndexOf('@'); at > 0; at = s.lastIndexOf('@', at - 1)) {
            int colon = s.indexOf(':', at + 1);
            if (colon <= at + 1 || s.substring(at + 1, colon).matches(".*[/@\\s].*")) continue; // not "@host:"
            String user = s.substring(0, at);
            if (SIMPLE_USER.matcher(user).matches()) return s; // git@host:repo: a user name, no secret
            return s.substring(at + 1);
        }
        return s;
    }

    private static boolean hasBadPort(String authority) {
        if (authority.startsWith("[")) return false; // IPv6 literal
        int colon = authority.lastIndexOf(':');
        return colon >= 0 && !authority.substring(colon + 1).matches("\\d*");
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) return i;
        }
        return s.length();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
