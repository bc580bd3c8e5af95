package io.runlake.client.internal;

import io.runlake.format.Layout;

/** Which run, worker and writer a process writes as; every object it writes is keyed by these. */
record RunIdentity(String experiment, String runId, int worker, String writerId) {

    String eventKey(long seq) {
        return Layout.event(experiment, runId, worker, writerId, seq);
    }

    String metricShardKey(long seq) {
        return Layout.metricShard(experiment, runId, worker, writerId, seq);
    }

    String endManifestKey() {
        return Layout.endManifest(experiment, runId, worker, writerId);
    }
}
