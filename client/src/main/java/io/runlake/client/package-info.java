/**
 * The RunLake client API: what training code uses to record runs in a bucket.
 *
 * <p><b>API</b> (stable, documented in README.md): {@link io.runlake.client.Tracker} opens a store and starts or
 * joins runs, {@link io.runlake.client.TrackerOptions} tunes the write path, {@link io.runlake.client.RunSpec}
 * describes a run before it starts, {@link io.runlake.client.Run} logs params, tags, metrics, artifacts and inputs,
 * {@link io.runlake.client.ArtifactRef} is what an artifact call recorded, and
 * {@link io.runlake.client.TrackerException} reports a tracking call that cannot be carried out.
 *
 * <p>The write path behind them (buffering, shards, spill, heartbeats, run end) is in
 * {@link io.runlake.client.internal}, which users must not touch. The bucket's format (keys, records, schemas)
 * belongs to runlake-core ({@code io.runlake.format}, {@code io.runlake.store}).
 */
package io.runlake.client;
