/**
 * Delta Lake log pieces for RunLake's lake tables (Delta PROTOCOL.md): the classic Parquet checkpoint
 * ({@link io.runlake.lake.delta.DeltaCheckpointCodec}) and the encoding of data file paths
 * ({@link io.runlake.lake.delta.DeltaPaths}).
 *
 * <p>Internal to RunLake's lake log: used by the lake log code of runlake-core (and RunLake modules that read the
 * log); not for client users and without a Java compatibility promise.
 */
package io.runlake.lake.delta;
