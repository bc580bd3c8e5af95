package io.runlake.lake;

/**
 * A compacted metrics file named in a commit's {@code add} list.
 *
 * @param path key of the file ({@code lake/metrics/experiment=.../<id>.parquet})
 * @param rows points in the file
 * @param bytes size of the object
 * @param minRunId smallest run id in the file (files are sorted by run_id, key, step)
 * @param maxRunId largest run id in the file
 * @param tier 0 for a file made from raw shards, 1 + the highest input tier for a merge of lake files
 */
public record DataFile(String path, long rows, long bytes, String minRunId, String maxRunId, int tier) {}
