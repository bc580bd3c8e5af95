package io.runlake.runs;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How a run id is shown to a person, stated once (FORMAT.md §13.5): the shortest prefix of at least
 * {@link #MIN_SHOWN} characters that no other run id in the store starts with, as git abbreviates commits.
 * Every command that takes a run accepts such a prefix, so a table, a legend and a report all show the same
 * text for the same run, and that text can be pasted into the next command. Run ids are time-ordered (ULIDs),
 * so the runs of one sweep share their first 7–9 characters; a prefix of a fixed length would not tell them
 * apart.
 */
public final class RunIds {
    /** Never fewer characters than this, even when a shorter prefix is unique (it stays unique as runs arrive). */
    public static final int MIN_SHOWN = 8;

    /** The shortest prefix a command accepts as a run id (below it, a prefix is refused as too short). */
    public static final int MIN_ACCEPTED = 6;

    /** Content hashes (SHA-256, 64 hex digits) are shown by the same rule with at least this many characters. */
    public static final int MIN_HASH_SHOWN = 12;

    private RunIds() {}

    /**
     * The shown form of each id in {@code ids}, unique among {@code all} (which should contain {@code ids}; ids
     * outside it are compared with it too). Linear after sorting: an id's shortest unique prefix is decided by its
     * two neighbours in sorted order.
     */
    public static Map<String, String> abbreviate(Collection<String> ids, Collection<String> all) {
        return abbreviate(ids, all, MIN_SHOWN);
    }

    /** The shown form of each SHA-256 in {@code hashes} among {@code all} the hashes of the store (§13.5). */
    public static Map<String, String> abbreviateHashes(Collection<String> hashes, Collection<String> all) {
        return abbreviate(hashes, all, MIN_HASH_SHOWN);
    }

    private static Map<String, String> abbreviate(Collection<String> ids, Collection<String> all, int minShown) {
        TreeSet<String> sorted = new TreeSet<>(all);
        sorted.addAll(ids);
        Map<String, String> shown = new HashMap<>();
        for (String id : ids) {
            int common = Math.max(commonPrefix(id, sorted.lower(id)), commonPrefix(id, sorted.higher(id)));
            int length = Math.min(id.length(), Math.max(minShown, common + 1));
            shown.put(id, id.substring(0, length));
        }
        return shown;
    }

    /** The shown form of one id among {@code all}. */
    public static String abbreviate(String id, Collection<String> all) {
        return abbreviate(List.of(id), all).get(id);
    }

    private static int commonPrefix(String a, String b) {
        if (b == null) return 0;
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return i;
    }
}
