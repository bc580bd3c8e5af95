package io.runlake.parquet;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetMetricsCallback;

/**
 * Read options for parquet-java's {@code ParquetFileReader} that never touch Hadoop. Every public way to build
 * them in parquet-java 1.18 ({@code ParquetReadOptions.builder(...)}) first creates Hadoop's codec factory, even
 * when a codec factory is given, so these call the options' own constructor (package-private, hence reflection)
 * with the defaults that builder uses. A parquet-java upgrade that changes the constructor fails the
 * Hadoop-free checkpoint test.
 */
public final class HadoopFreeReadOptions {
    private static final int MAX_ALLOCATION_BYTES = 8 << 20;
    private static final Constructor<ParquetReadOptions> CONSTRUCTOR = constructor();

    private HadoopFreeReadOptions() {}

    public static ParquetReadOptions with(CompressionCodecFactory codecs) {
        Map<String, String> properties = new HashMap<>();
        try {
            return CONSTRUCTOR.newInstance(
                    false, // useSignedStringMinMax
                    true, // useStatsFilter
                    true, // useDictionaryFilter
                    true, // useRecordFilter
                    true, // useColumnIndexFilter
                    false, // usePageChecksumVerification
                    true, // useBloomFilter
                    false, // useOffHeapDecryptBuffer
                    false, // useHadoopVectoredIo
                    FilterCompat.NOOP,
                    ParquetMetadataConverter.NO_FILTER,
                    codecs,
                    new HeapByteBufferAllocator(),
                    MAX_ALLOCATION_BYTES,
                    properties,
                    null, // no decryption
                    null, // no metrics callback
                    new PlainParquetConfiguration());
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("parquet-java's read options could not be created", e);
        }
    }

    private static Constructor<ParquetReadOptions> constructor() {
        try {
            Constructor<ParquetReadOptions> c = ParquetReadOptions.class.getDeclaredConstructor(
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    boolean.class,
                    FilterCompat.Filter.class,
                    ParquetMetadataConverter.MetadataFilter.class,
                    CompressionCodecFactory.class,
                    ByteBufferAllocator.class,
                    int.class,
                    Map.class,
                    FileDecryptionProperties.class,
                    ParquetMetricsCallback.class,
                    ParquetConfiguration.class);
            c.setAccessible(true);
            return c;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("this parquet-java version has no known Hadoop-free read options", e);
        }
    }
}
