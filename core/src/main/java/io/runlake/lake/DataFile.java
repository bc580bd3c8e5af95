package io.runlake.lake;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A compacted metrics file of the {@link LakeTable#METRICS} table.
 *
 * @param path key of the file ({@code lake/metrics/experiment=.../<id>.parquet})
 * @param rows points in the file
 * @param bytes size of the object
 * @param minRunId smallest run id in the file (files are sorted by run_id, key, step)
 * @param maxRunId largest run id in the file
 * @param tier 0 for a file made from raw shards, 1 + the highest input tier for a merge of lake files
 * @param covers the raw shards whose points the file holds (a merge holds the union of its inputs')
 */
public record DataFile(
        String path,
        long rows,
        long bytes,
        String minRunId,
        String maxRunId,
        int tier,
        @JsonIgnore ShardSet covers) {
    public DataFile {
        covers = covers == null ? ShardSet.EMPTY : covers;
    }

    public DataFile(String path, long rows, long bytes, String minRunId, String maxRunId, int tier) {
        this(path, rows, bytes, minRunId, maxRunId, tier, ShardSet.EMPTY);
    }

    public DataFile withCovers(ShardSet shards) {
        return new DataFile(path, rows, bytes, minRunId, maxRunId, tier, shards);
    }
}
