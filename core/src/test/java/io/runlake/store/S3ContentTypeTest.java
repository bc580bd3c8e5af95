package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Reports must open in a browser straight from the bucket: S3 must serve them as text/html. */
class S3ContentTypeTest {
    @Test
    void mediaTypeIsStoredWithTheObject() {
        S3ProxyServer server = S3ProxyServer.shared();
        String bucket = "ctype-" + System.nanoTime();
        URI uri = server.newBucketUri(bucket, "lake");
        try (ObjectStore store = StoreUris.open(uri);
                S3Client s3 = server.client()) {
            byte[] page = "<html><body>hi</body></html>".getBytes(StandardCharsets.UTF_8);
            assertTrue(store.putIfAbsent("reports/x/leaderboard.html", page, "text/html; charset=utf-8"));
            assertFalse(store.putIfAbsent("reports/x/leaderboard.html", page, "text/html; charset=utf-8"));
            store.putIfAbsentIdempotent("reports/x/leaderboard.html", page, "text/html; charset=utf-8");
            // S3Proxy drops the optional space after ';'
            assertEquals(
                    "text/html;charset=utf-8",
                    s3.headObject(r -> r.bucket(bucket).key("lake/reports/x/leaderboard.html"))
                            .contentType()
                            .replace("; ", ";"));
        }
    }
}
