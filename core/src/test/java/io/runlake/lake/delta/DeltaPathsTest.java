package io.runlake.lake.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.runlake.format.Layout;
import org.junit.jupiter.api.Test;

class DeltaPathsTest {
    @Test
    void anEscapedExperimentFolderIsEncodedOnceMore() {
        String key = Layout.experimentSegment("my exp%") + "/01J.parquet";

        assertEquals("experiment=my%20exp%25/01J.parquet", key);
        assertEquals("experiment=my%2520exp%2525/01J.parquet", DeltaPaths.encode(key));
        assertEquals(key, DeltaPaths.decode(DeltaPaths.encode(key)));
    }

    @Test
    void nonAsciiAndReservedCharactersAreEncodedAsUtf8Bytes() {
        assertEquals("a%20b%3Ac/%C3%A9.parquet", DeltaPaths.encode("a b:c/é.parquet"));
        assertEquals("a b:c/é.parquet", DeltaPaths.decode("a%20b%3Ac/%C3%A9.parquet"));
    }

    @Test
    void absolutePathsAreNotRunLakePaths() {
        assertThrows(IllegalArgumentException.class, () -> DeltaPaths.decode("s3://bucket/lake/metrics/a.parquet"));
        assertThrows(IllegalArgumentException.class, () -> DeltaPaths.decode("/lake/metrics/a.parquet"));
    }
}
