package io.runlake.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;

/**
 * The bytes of Parquet pages built in bulk from primitive arrays, for RunLake's writers that encode a page at a time
 * (the client's shard encoder, the compactor's run-by-run writer) and hand the pages to parquet-java's page writer.
 * Only the plain layouts and the RLE/bit-packing hybrid of the Parquet spec, through parquet-java's encoder where it
 * has one.
 */
public final class PageValues {
    private static final int PAGE_BYTES = 1 << 20;

    private PageValues() {}

    /** PLAIN BYTE_ARRAY values: each a 4-byte little-endian length, then its bytes (a dictionary page's body). */
    public static BytesInput plainBinaries(List<Binary> values) {
        int size = 0;
        for (Binary b : values) size += 4 + b.length();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Binary b : values) {
            out.putInt(b.length());
            out.put(b.getBytesUnsafe());
        }
        return BytesInput.from(out.array());
    }

    /** PLAIN INT32 values {@code values[0, count)}. */
    public static BytesInput plainInts(int[] values, int count) {
        ByteBuffer out = ByteBuffer.allocate(count * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asIntBuffer().put(values, 0, count);
        return BytesInput.from(out.array());
    }

    /** PLAIN DOUBLE values {@code values[from, to)}. */
    public static BytesInput plainDoubles(double[] values, int from, int to) {
        ByteBuffer out = ByteBuffer.allocate((to - from) * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asDoubleBuffer().put(values, from, to - from);
        return BytesInput.from(out.array());
    }

    /** An RLE_DICTIONARY / PLAIN_DICTIONARY data page's values: the bit width, then the ids {@code ids[from, to)}. */
    public static BytesInput dictionaryIds(int bitWidth, int[] ids, int from, int to) {
        try (RunLengthBitPackingHybridEncoder encoder = encoder(bitWidth)) {
            for (int i = from; i < to; i++) encoder.writeInt(ids[i]);
            return BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth}), BytesInput.copy(encoder.toBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The definition levels of a V1 page of an OPTIONAL column with no null: {@code rows} ones, RLE-encoded with bit
     * width 1 and prefixed by their byte length (4 bytes, little-endian), as the V1 layout has them.
     */
    public static BytesInput allPresentV1(int rows) {
        try (RunLengthBitPackingHybridEncoder encoder = encoder(1)) {
            for (int i = 0; i < rows; i++) encoder.writeInt(1);
            byte[] levels = encoder.toBytes().toByteArray();
            ByteBuffer out = ByteBuffer.allocate(4 + levels.length).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(levels.length).put(levels);
            return BytesInput.from(out.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RunLengthBitPackingHybridEncoder encoder(int bitWidth) {
        return new RunLengthBitPackingHybridEncoder(bitWidth, 64 * 1024, PAGE_BYTES, new HeapByteBufferAllocator());
    }
}
