package io.runlake.lake;

import io.runlake.format.Names;

/**
 * A raw object that cannot be read (corrupt Parquet, malformed JSON). Recorded once in a
 * {@code quarantine} (or {@code index}) commit; every reader and maintenance step skips it from then on.
 *
 * @param key the raw key under {@code runs/}
 * @param error what is wrong with it, naming the object
 * @param copy where a copy was kept under {@code lake/quarantine/} (null if the copy failed)
 * @param timeMs when it was quarantined
 */
public record Quarantined(String key, String error, String copy, long timeMs) {
    public Quarantined {
        // error texts quote what was read (a DuckDB message can quote the bad bytes): keep the commit valid JSON text
        error = Names.wellFormed(error);
    }
}
