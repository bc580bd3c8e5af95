package io.runlake.query.bench;

import io.runlake.format.Names;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.CompactorOptions;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Compacts and indexes every experiment of a {@code file:} lake as the scheduled sweep would some time from now, with
 * a chosen settle age: a way to look at how an index settles crashed runs (FORMAT.md §12.7) without waiting an hour.
 * A settle age longer than any run's age is what indexers before silent runs settled did: a CRASHED run stayed open.
 *
 * <pre>
 * java -cp benchmarks/target/runlake-benchmarks.jar io.runlake.query.bench.IndexLater LAKE LATER_MIN SETTLE_AGE_MIN
 * </pre>
 */
public final class IndexLater {
    public static void main(String[] args) throws Exception {
        Path lake = Path.of(args[0]);
        Duration later = Duration.ofMinutes(Long.parseLong(args[1]));
        Duration settleAge = Duration.ofMinutes(Long.parseLong(args[2]));
        Path work = Files.createTempDirectory("runlake-index-later");
        try (ObjectStore store = new FileObjectStore(lake)) {
            for (String experiment : store.listFolders("runs/")) {
                String name = Names.unescapeSegment(
                        experiment.substring("runs/experiment=".length(), experiment.length() - 1));
                new Compactor(
                                store,
                                CompactorOptions.defaults().withWorkDir(work).withGrace(Duration.ZERO, later))
                        .compact(name);
                Indexer.Result r = new Indexer(
                                store,
                                IndexerOptions.defaults()
                                        .withWorkDir(work)
                                        .withClock(Clock.offset(Clock.systemUTC(), later))
                                        .withSettleTimes(SettledWatermark.DEFAULT_MARGIN, settleAge)
                                        .withForce(true))
                        .index(name);
                System.out.printf("%s: %d runs indexed, statuses %s%n", name, r.runs(), r.statusCounts());
            }
        }
    }
}
