package io.runlake.functions.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.runlake.functions.core.Maintenance;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.store.ObjectStore;
import java.net.URI;

/**
 * EventBridge schedule: sweeps every experiment — compacts whatever events missed, rebuilds indexes whose
 * RUNNING runs went quiet (they become CRASHED), writes leaderboards, deletes what commits made obsolete.
 */
public final class ScheduledHandler implements RequestHandler<ScheduledEvent, String> {
    private final ObjectStore store;
    private final MaintenanceOptions options;

    public ScheduledHandler() {
        this(LambdaStore.store(), LambdaStore.uri(), MaintenanceOptions.fromEnv(System.getenv()));
    }

    public ScheduledHandler(ObjectStore store, URI uri, MaintenanceOptions options) {
        this.store = store;
        this.options = options;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        Maintenance.SweepResult r = Maintenance.sweep(store, options, ShardEventHandler.deadline(context));
        String summary = r.experiments().size() + " experiments maintained, failures " + r.failures()
                + ", left for the next sweep " + r.notReached();
        if (!r.failures().isEmpty()) throw new IllegalStateException("RunLake sweep: " + summary);
        return summary;
    }
}
