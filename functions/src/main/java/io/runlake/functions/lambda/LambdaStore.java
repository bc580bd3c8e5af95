package io.runlake.functions.lambda;

import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;

/** The store named by {@code RUNLAKE_URI}, opened once per Lambda container and reused across invocations. */
final class LambdaStore {
    private static volatile ObjectStore store;
    private static volatile URI uri;

    private LambdaStore() {}

    static URI uri() {
        if (uri == null) {
            String env = System.getenv(StoreUris.ENV);
            if (env == null || env.isBlank()) {
                throw new IllegalStateException("environment variable " + StoreUris.ENV
                        + " is not set; it must name the RunLake bucket, e.g. s3://my-bucket/runlake");
            }
            uri = StoreUris.parse(env);
        }
        return uri;
    }

    static synchronized ObjectStore store() {
        if (store == null) store = StoreUris.open(uri());
        return store;
    }
}
