package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.functions.core.Reporter;
import io.runlake.functions.core.ReporterOptions;
import io.runlake.report.Direction;
import io.runlake.report.Leaderboard;
import io.runlake.report.RankingRule;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published leaderboard (the Lambda's reporter over the runs index) and the CLI's (the query views) rank the
 * same store the same way (FORMAT.md §12.8): the FAILED run with the best value, the run whose last value is NaN
 * and the run without the metric are not ranked; KILLED is; equal values go by run id; the direction of
 * {@code val/accuracy} is inferred as max on both paths.
 */
class LeaderboardTwinsTest {
    static final String EXP = "twins", METRIC = "val/accuracy";

    @TempDir
    Path tmp;

    @Test
    void reporterAndLakeRankTheSameRuns() throws Exception {
        URI uri = Files.createDirectories(tmp.resolve("store")).toUri();
        Map<String, String> ids = writeRuns(uri);
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact(EXP);
            new Indexer(store, IndexerOptions.defaults().withWorkDir(tmp.resolve("work"))).index(EXP);
        }
        Leaderboard published;
        try (ObjectStore store = StoreUris.open(uri)) {
            ReporterOptions options =
                    ReporterOptions.defaults().withWorkDir(tmp.resolve("work")).withMetric(METRIC, null);
            Reporter.Result r = new Reporter(store, options).report(EXP);
            assertTrue(r.written(), String.valueOf(r.reason()));
            published = r.leaderboard();
        }
        Leaderboard queried;
        Table cli;
        try (Lake lake = Lake.open(uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")))) {
            queried = lake.leaderboard(EXP, RankingRule.of(METRIC, null), null);
            cli = lake.leaderboard(EXP, METRIC, null, 10, null);
        }
        String tieFirst = ids.get("b").compareTo(ids.get("tie")) < 0 ? "b" : "tie";
        String tieSecond = tieFirst.equals("b") ? "tie" : "b";
        List<String> expected = List.of(ids.get(tieFirst), ids.get(tieSecond), ids.get("killed"), ids.get("a"));
        assertEquals(expected, published.runIds(), "published ranking");
        assertEquals(expected, queried.runIds(), "query ranking");
        assertEquals(expected, cli.rows().stream().map(row -> row.get(1)).toList(), "CLI table");
        assertEquals(Direction.MAX, published.direction());
        assertEquals(Direction.MAX, queried.direction());
        assertEquals(summary(published), summary(queried));
        assertEquals(4, published.runsRanked());
        assertEquals(7, published.runsTotal());
        assertEquals(List.of("lr", "layers"), published.paramColumns(), "the varying param first");
        assertEquals(published.paramColumns(), queried.paramColumns());
    }

    /** Per leader: rank, run, status, value, best, step, points. */
    private static List<List<Object>> summary(Leaderboard b) {
        List<List<Object>> out = new ArrayList<>();
        for (Leaderboard.Leader l : b.leaders()) {
            out.add(List.of(l.rank(), l.runId(), l.status(), l.value(), l.best(), l.step(), l.points()));
        }
        out.add(List.of(b.runsRanked(), b.runsTotal()));
        return out;
    }

    /** Seven runs; returns their ids by name. */
    private Map<String, String> writeRuns(URI uri) {
        Map<String, String> ids = new LinkedHashMap<>();
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            ids.put("a", logged(t, "a", 0.1, 0.80).id());
            ids.put("b", logged(t, "b", 0.01, 0.90).id());
            ids.put("tie", logged(t, "tie", 0.02, 0.90).id());
            Run failed = logged(t, "failed", 0.5, 0.99);
            failed.fail(new IllegalStateException("diverged"));
            ids.put("failed", failed.id());
            Run killed = logged(t, "killed", 0.03, 0.85);
            killed.kill();
            ids.put("killed", killed.id());
            ids.put("nan", logged(t, "nan", 0.04, Double.NaN).id());
            Run other = t.newRun(EXP)
                    .name("other")
                    .param("lr", 0.05)
                    .param("layers", 2)
                    .start();
            other.log("loss", 0.1, 0);
            other.finish();
            ids.put("other", other.id());
        }
        return ids;
    }

    /** A run whose accuracy climbs, then ends at {@code last}; finished unless the caller fails or kills it. */
    private static Run logged(Tracker t, String name, double lr, double last) {
        Run r = t.newRun(EXP).name(name).param("lr", lr).param("layers", 2).start();
        for (int s = 0; s < 10; s++) r.log(METRIC, 0.5 + s * 0.01, s);
        r.log(METRIC, last, 10);
        r.flush();
        if (!name.equals("failed") && !name.equals("killed")) r.finish();
        return r;
    }
}
