/**
 * Object storage as RunLake needs it (FORMAT.md, "Storage requirements"): the
 * {@link io.runlake.store.ObjectStore} interface (put-if-absent, strong read-after-write, listing), its S3 and
 * local-folder implementations, URI parsing ({@link io.runlake.store.StoreUris}), the store's exceptions and the
 * rules for local folders RunLake writes ({@link io.runlake.store.LocalPaths}).
 *
 * <p><b>API</b>: {@code ObjectStore}, {@code StoreUris} and the exceptions are what client users may meet (via
 * {@code Tracker.open(ObjectStore, ...)} and {@code Tracker.store()}); the rest serves RunLake's own modules.
 */
package io.runlake.store;
