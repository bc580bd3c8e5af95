package io.runlake.parquet;

import java.io.ByteArrayInputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A whole Parquet file in memory, read by parquet-java without a file system. */
public final class InMemoryInputFile implements InputFile {
    private final byte[] bytes;

    public InMemoryInputFile(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        SeekableBytes in = new SeekableBytes(bytes);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) {
                in.seek(Math.toIntExact(newPos));
            }
        };
    }

    /** ByteArrayInputStream already tracks its position; this only exposes it. */
    private static final class SeekableBytes extends ByteArrayInputStream {
        SeekableBytes(byte[] bytes) {
            super(bytes);
        }

        long position() {
            return pos;
        }

        void seek(int position) {
            if (position < 0 || position > count) {
                throw new IllegalArgumentException("seek to " + position + " outside a file of " + count + " bytes");
            }
            pos = position;
        }
    }
}
