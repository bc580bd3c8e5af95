/**
 * The compacted lake of an experiment (FORMAT.md, lake log): commit entries ({@link io.runlake.lake.LakeCommit}),
 * their replay into a snapshot ({@link io.runlake.lake.LakeSnapshot}, {@link io.runlake.lake.LakeCheckpoint}),
 * writing commits ({@link io.runlake.lake.LakeLog}) and the read plan of an experiment
 * ({@link io.runlake.lake.LakeView}: which lake files and raw shards hold each point exactly once).
 *
 * <p><b>API</b> of runlake-core for the maintenance functions and the query engine; not for client users.
 */
package io.runlake.lake;
