package io.runlake.format;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Parquet schema of metric points, shared by raw shards and compacted lake files (FORMAT.md, "Metric
 * shards"). Column order is part of the format.
 */
public final class MetricSchema {
    public static final String RUN_ID = "run_id";
    public static final String WORKER = "worker";
    public static final String KEY = "key";
    public static final String STEP = "step";
    public static final String TIMESTAMP = "timestamp";
    public static final String VALUE = "value";

    /** Footer key-value metadata written into every shard. */
    public static final String META_FORMAT_VERSION = "runlake.format_version";
    public static final String META_EXPERIMENT = "runlake.experiment";
    public static final String META_LAST_ACTIVITY = "runlake.last_activity_ms";
    public static final String META_POINTS = "runlake.points";

    public static final MessageType SHARD = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(RUN_ID)
            .required(PrimitiveTypeName.INT32).named(WORKER)
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(KEY)
            .required(PrimitiveTypeName.INT64).named(STEP)
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(TIMESTAMP)
            .required(PrimitiveTypeName.DOUBLE).named(VALUE)
            .named("runlake_metric");

    private MetricSchema() {}
}
