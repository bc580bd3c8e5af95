package io.runlake.parquet;

import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The UNCOMPRESSED codec without Hadoop: parquet-java's own CodecFactory loads Hadoop's codec classes even for
 * uncompressed pages, which the query engine and the functions do not ship. Refuses every other codec.
 */
public final class UncompressedCodecs implements CompressionCodecFactory {
    public static final UncompressedCodecs INSTANCE = new UncompressedCodecs();

    private UncompressedCodecs() {}

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        requireUncompressed(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) {
                return bytes;
            }

            @Override
            public CompressionCodecName getCodecName() {
                return CompressionCodecName.UNCOMPRESSED;
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        requireUncompressed(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
                return bytes;
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
                ByteBuffer page = input.duplicate();
                page.limit(page.position() + compressedSize);
                output.put(page);
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public void release() {}

    private static void requireUncompressed(CompressionCodecName codec) {
        if (codec != CompressionCodecName.UNCOMPRESSED) {
            throw new IllegalArgumentException("only uncompressed Parquet is read and written here, not " + codec);
        }
    }
}
