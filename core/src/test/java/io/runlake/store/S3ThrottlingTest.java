package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.testing.FlakyHttpProxy;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** 503 SlowDown from S3 is retried with backoff; endless throttling surfaces as "unavailable" (spillable). */
class S3ThrottlingTest {
    @Test
    void slowDownIsRetried() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        URI direct = s3.newBucketUri("throttled-" + System.nanoTime(), "lake");
        try (FlakyHttpProxy proxy = new FlakyHttpProxy(s3.endpoint())) {
            URI viaProxy = URI.create(direct.toString()
                    .replace(s3.endpoint().toString(), proxy.endpoint().toString()));
            try (ObjectStore store = StoreUris.open(viaProxy)) {
                proxy.failuresLeft.set(2);
                assertTrue(store.putIfAbsent("a.json", "{}".getBytes(StandardCharsets.UTF_8)));
                assertEquals(2, proxy.throttled.get());
                assertEquals("{}", new String(store.get("a.json").orElseThrow(), StandardCharsets.UTF_8));

                proxy.failuresLeft.set(1_000);
                StoreUnavailableException e = assertThrows(
                        StoreUnavailableException.class,
                        () -> store.putIfAbsent("b.json", "{}".getBytes(StandardCharsets.UTF_8)));
                assertTrue(e.getMessage().contains("503") && e.getMessage().contains("SlowDown"), e.getMessage());
                proxy.failuresLeft.set(0);
                assertTrue(store.head("b.json").isEmpty(), "a throttled write must not have landed");
            }
        }
    }
}
