/**
 * Hadoop-free plumbing for parquet-java: Parquet files held in memory ({@link io.runlake.parquet.InMemoryOutputFile},
 * {@link io.runlake.parquet.InMemoryInputFile}), the uncompressed codec ({@link io.runlake.parquet.UncompressedCodecs})
 * and read options ({@link io.runlake.parquet.HadoopFreeReadOptions}), so RunLake reads and writes Parquet without a
 * file system or Hadoop on the class path.
 *
 * <p><b>API</b> of runlake-core for RunLake's own modules (client, functions, query); not for client users.
 */
package io.runlake.parquet;
