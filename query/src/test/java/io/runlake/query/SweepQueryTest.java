package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.SearchSpace;
import io.runlake.client.Sweep;
import io.runlake.client.Tracker;
import io.runlake.format.Layout;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep written by the client reads back through the query views: parent, params, statuses, sweep tags (§9.5);
 * its trial claims are not runs.
 */
class SweepQueryTest {
    @TempDir
    Path tmp;

    @Test
    void trialsReadBackAsChildrenOfTheSweepWithTheirPointsAndOutcomes() throws Exception {
        Path store = tmp.resolve("lake");
        SearchSpace space = SearchSpace.create().logUniform("lr", 1e-3, 1.0).intRange("units", 8, 64);
        Sweep.Result result;
        try (Tracker tracker = LakeSuite.tracker(store.toUri(), tmp)) {
            result = Sweep.builder(tracker, "hpo", "lr-units")
                    .space(space)
                    .random(8, 11)
                    .successiveHalving(1, 3)
                    .minimize("val/loss")
                    .build()
                    .run(t -> {
                        // a known curve: the loss falls towards |log10(lr) + 1.5|, so lr near 0.03 wins
                        double floor = Math.abs(Math.log10(t.getDouble("lr")) + 1.5);
                        for (long step = 0; step < 9 && !t.shouldStop(); step++)
                            t.report(step, floor + 1.0 / (step + 1));
                    });
        }
        try (Lake lake = Lake.open(store.toUri(), LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            Table trials = lake.sql("select tags['sweep.trial']::INT, parent_run_id, params['lr']::DOUBLE,"
                    + " params['units']::BIGINT, status, tags['sweep.pruned'], run_id from runs"
                    + " where experiment = 'hpo' and tags['sweep.role'] = 'trial' order by 1");
            assertEquals(8, trials.size());
            List<Map<String, Object>> points = space.random(8, 11);
            for (int i = 0; i < 8; i++) {
                List<Object> row = trials.rows().get(i);
                Sweep.TrialResult t = result.trials().get(i);
                assertEquals(i, row.get(0));
                assertEquals(result.parentRunId(), row.get(1), "trial " + i + " is a child of the sweep");
                assertEquals((double) points.get(i).get("lr"), (double) row.get(2), 0.0);
                assertEquals(points.get(i).get("units"), row.get(3));
                assertEquals(t.pruned() ? "KILLED" : "FINISHED", row.get(4));
                assertEquals(Boolean.toString(t.pruned()), row.get(5));
                assertEquals(t.runId(), row.get(6));
            }
            assertTrue(result.trials().stream().anyMatch(Sweep.TrialResult::pruned), "something was pruned");

            // every trial was claimed (attempt 0) in the store, and claims are not runs: 8 trials and the parent
            try (ObjectStore objects = StoreUris.open(store.toUri())) {
                assertEquals(
                        8,
                        objects.list(Layout.sweepClaimsPrefix("hpo", "lr-units"))
                                .size());
            }
            assertEquals(
                    List.of(List.of(9L, 8L)),
                    lake.sql("select count(*), count(*) filter (where tags['sweep.attempt'] = '0') from runs"
                                    + " where experiment = 'hpo'")
                            .rows());

            Table parent = lake.sql("select name, status, params['sweep.method'], tags['sweep.best_run']"
                    + " from runs where run_id = '" + result.parentRunId() + "'");
            assertEquals("lr-units", parent.rows().get(0).get(0));
            assertEquals("FINISHED", parent.rows().get(0).get(1));
            assertTrue(String.valueOf(parent.rows().get(0).get(2)).contains("\"sampler\":\"random\""));
            assertEquals(
                    result.best(false).orElseThrow().runId(),
                    parent.rows().get(0).get(3));
        }
    }
}
