package io.runlake.lake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Reads and writes classic single-file Parquet checkpoints (Delta PROTOCOL.md, "Checkpoints"). */
final class DeltaCheckpoint {
    private DeltaCheckpoint() {}

    static List<ObjectNode> read(byte[] parquet) {
        throw new UnsupportedOperationException("checkpoint codec not merged yet");
    }

    static byte[] write(List<ObjectNode> actions) {
        throw new UnsupportedOperationException("checkpoint codec not merged yet");
    }
}
