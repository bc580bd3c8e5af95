package io.runlake.lake.legacy;

import io.runlake.format.FormatVersion;
import io.runlake.lake.DataFile;
import io.runlake.lake.Quarantined;
import java.util.List;

/**
 * An entry of the lake log RunLake used before its lake became Delta tables
 * ({@code lake/_log/experiment=<esc>/<version>.json}); read only to upgrade a store.
 */
public record LegacyEntry(
        int formatVersion,
        long version,
        String kind,
        long timeMs,
        String writer,
        List<DataFile> add,
        List<String> remove,
        List<String> coveredShards,
        String index,
        String indexFingerprint,
        Long indexValidUntilMs,
        List<Quarantined> quarantined)
        implements FormatVersion.Versioned {

    public static final String COMPACTION = "compaction";
    public static final String INDEX = "index";
    public static final String QUARANTINE = "quarantine";
    /** The kinds a reader of this format accepts. */
    public static final List<String> KINDS = List.of(COMPACTION, INDEX, QUARANTINE);
    /** The version of an entry not committed yet. */
    public static final long UNASSIGNED = -1;

    public LegacyEntry {
        add = add == null ? List.of() : List.copyOf(add);
        remove = remove == null ? List.of() : List.copyOf(remove);
        coveredShards = coveredShards == null ? List.of() : List.copyOf(coveredShards);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
    }
}
