/**
 * <b>Internal</b>: the client's write path behind {@link io.runlake.client.Run}. Public types here are public only
 * so that {@code io.runlake.client} and the benchmarks can reach them; they may change in any release.
 *
 * <p>How a run writes (RELIABILITY.md): {@link io.runlake.client.internal.DefaultRun} validates on the caller's
 * thread ({@code RunArguments}, {@code RunParams}, {@code MetricKeys}) and buffers points
 * ({@link io.runlake.client.internal.MetricBuffer} of {@link io.runlake.client.internal.MetricPage}s); everything
 * else runs on the run's one {@code WriterThread}: {@code EventWriter} (params, tags, artifacts, inputs),
 * {@code ShardWriter} with {@link io.runlake.client.internal.ShardEncoder} (Parquet shards), {@code Heartbeat},
 * {@code ArtifactStager} (artifact copies, hashed while copied) and {@code RunCloser} (last shard and end
 * manifest within the close timeout). {@link io.runlake.client.internal.DurableWriter} puts every object in the
 * store or, when the store is down or slow, in the private local {@link io.runlake.client.internal.Spill}.
 * {@link io.runlake.client.internal.Environment}, {@link io.runlake.client.internal.CodeVersion},
 * {@code DataInputs}, {@code ConfigFiles} and {@code SystemMetricsSampler} capture what a run records about
 * its machine, code, data and config.
 */
package io.runlake.client.internal;
