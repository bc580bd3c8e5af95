package io.runlake.format;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Run and writer ids: 26-character ULIDs (48-bit millisecond time, 80 random bits, Crockford base32,
 * lower case). They sort by creation time and are unique without coordination (FORMAT.md, "Identifiers").
 */
public final class RunIds {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    /**
     * One generator per thread: the default {@code SecureRandom} (NativePRNG) serialises every caller on one lock and
     * reads {@code /dev/urandom} each time, so a run start on the training thread waited for the store's threads
     * naming their temporary files. DRBG instances are seeded once from the system's entropy source.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RunIds::newGenerator);

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private RunIds() {}

    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    static String newId(long millis) {
        byte[] random = new byte[10];
        RANDOM.get().nextBytes(random);
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits -> 16 base32 chars
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (random[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (random[i] & 0xff);
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        return new String(out);
    }

    /**
     * A fresh id that sorts after {@code previous} (null: any fresh id). When the clock has not passed
     * {@code previous}'s millisecond, it is {@code previous} with a random amount (1 to 2^32) added to its random
     * part, ULID's monotonic form: a writer's ids then keep the order it took them in (FORMAT.md §4).
     */
    public static String after(String previous) {
        String fresh = newId();
        if (previous == null || fresh.compareTo(requireValid(previous)) > 0) return fresh;
        long time = 0;
        for (int i = 0; i < 10; i++) time = (time << 5) | indexOf(previous.charAt(i));
        long hi = 0, lo = 0; // the 80 random bits: the 40 of characters 10-17 and the 40 of characters 18-25
        for (int i = 10; i < 18; i++) hi = (hi << 5) | indexOf(previous.charAt(i));
        for (int i = 18; i < 26; i++) lo = (lo << 5) | indexOf(previous.charAt(i));
        lo += 1 + (RANDOM.get().nextInt() & 0xffffffffL);
        hi += lo >>> 40;
        lo &= (1L << 40) - 1;
        if (hi >>> 40 != 0) return newId(time + 1); // the millisecond's ids are used up: its successor's are greater
        char[] out = previous.toCharArray();
        for (int i = 25; i >= 18; i--, lo >>>= 5) out[i] = ALPHABET[(int) (lo & 31)];
        for (int i = 17; i >= 10; i--, hi >>>= 5) out[i] = ALPHABET[(int) (hi & 31)];
        return new String(out);
    }

    /**
     * The smallest id of the millisecond {@code millis}: every id taken at that time or later sorts at or after it,
     * every id taken earlier before it.
     */
    public static String floorOf(long millis) {
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        java.util.Arrays.fill(out, 10, 26, '0');
        return new String(out);
    }

    public static boolean isValid(String id) {
        if (id == null || id.length() != 26) return false;
        for (int i = 0; i < 26; i++) {
            if (indexOf(id.charAt(i)) < 0) return false;
        }
        return indexOf(id.charAt(0)) <= 7;
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(
                    "run id '" + id + "' is not a RunLake id (26 lower-case Crockford base32 characters)");
        }
        return id;
    }

    /** The creation time encoded in an id. */
    public static Instant timeOf(String id) {
        requireValid(id);
        long t = 0;
        for (int i = 0; i < 10; i++) t = (t << 5) | indexOf(id.charAt(i));
        return Instant.ofEpochMilli(t);
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) if (ALPHABET[i] == c) return i;
        return -1;
    }
}
