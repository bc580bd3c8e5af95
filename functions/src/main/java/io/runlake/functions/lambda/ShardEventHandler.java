package io.runlake.functions.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.runlake.format.Layout;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.store.ObjectStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 ObjectCreated notifications for {@code runs/} (shards and JSON manifests): compacts and re-indexes
 * each experiment the event touches. The event only says which experiments to look at; what to do is
 * read from the store, so duplicated, late or out-of-order events are harmless. Throws if an experiment
 * failed, so Lambda retries the event and finally sends it to the on-failure destination.
 */
public final class ShardEventHandler implements RequestHandler<S3Event, String> {
    private static final Logger LOG = LoggerFactory.getLogger(ShardEventHandler.class);
    /** Stop starting new batches this long before the Lambda timeout. */
    static final Duration SAFETY = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final URI uri;
    private final MaintenanceOptions options;

    /** Used by the Lambda runtime: store from {@code RUNLAKE_URI}, options from the environment. */
    public ShardEventHandler() {
        this(LambdaStore.store(), LambdaStore.uri(), eventOptions(MaintenanceOptions.fromEnv(System.getenv())));
    }

    public ShardEventHandler(ObjectStore store, URI uri, MaintenanceOptions options) {
        this.store = store;
        this.uri = uri;
        this.options = options;
    }

    /**
     * Event-driven compaction commits whatever is uncovered at once, so Delta readers see a new shard within
     * seconds (FORMAT.md §12.10). A burst batches by itself: each invocation takes every uncovered shard, and the
     * invocations it overlaps find theirs covered and have nothing to do. Small files are merged later (§12.4).
     */
    public static MaintenanceOptions eventOptions(MaintenanceOptions o) {
        return o.withCompactor(o.compactor().withMinBatch(0, Duration.ZERO));
    }

    @Override
    public String handleRequest(S3Event event, Context context) {
        Map<String, EnumSet<Layout.RunObjectKind>> touched = EventKeys.experiments(event, uri);
        Instant deadline = deadline(context);
        Map<String, String> done = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (Map.Entry<String, EnumSet<Layout.RunObjectKind>> e : touched.entrySet()) {
            String experiment = e.getKey();
            try {
                Compactor.Result c = new Compactor(store, options.compactor()).compact(experiment, deadline);
                Indexer.Result i = new Indexer(store, options.indexer()).index(experiment);
                done.put(
                        experiment,
                        c.commits() + " compaction commits, " + c.shardsCompacted() + " shards, index "
                                + (i.skipped() ? "unchanged" : "v" + i.version()));
            } catch (RuntimeException ex) {
                LOG.error("experiment '{}' ({} objects) failed", experiment, e.getValue(), ex);
                failed.put(experiment, ex.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("RunLake maintenance failed for " + failed + " (done: " + done + ")");
        }
        return "experiments " + done;
    }

    static Instant deadline(Context context) {
        if (context == null) return Instant.MAX;
        return Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY);
    }
}
