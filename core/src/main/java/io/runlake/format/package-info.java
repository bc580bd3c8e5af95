/**
 * The bucket format (FORMAT.md): object keys ({@link io.runlake.format.Layout}, {@link io.runlake.format.LakeLayout}),
 * the records stored as JSON ({@link io.runlake.format.RunStart}, {@link io.runlake.format.WorkerStart},
 * {@link io.runlake.format.RunEvent}, {@link io.runlake.format.RunEnd}, {@link io.runlake.format.RunIdPointer},
 * {@link io.runlake.format.FormatMarker}), the metric Parquet schema ({@link io.runlake.format.MetricSchema}),
 * names, ids, redaction, version rules ({@link io.runlake.format.FormatVersion}) and the checks readers apply to
 * run objects ({@link io.runlake.format.RunObjects}).
 *
 * <p><b>API</b> of runlake-core for RunLake's own modules (client, functions, query): every reader and writer of
 * the bucket uses these instead of repeating a rule. Not meant for users of the client; it follows FORMAT.md,
 * not a Java compatibility promise.
 */
package io.runlake.format;
