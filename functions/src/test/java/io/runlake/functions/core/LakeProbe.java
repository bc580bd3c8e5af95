package io.runlake.functions.core;

import io.runlake.lake.LakeView;
import io.runlake.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads an experiment the way a reader must (list raw, then the log) and totals its points with DuckDB. */
final class LakeProbe {
    private LakeProbe() {}

    /** Totals over every point of the view: count, distinct (run, worker, key, step), sum of finite values. */
    record Totals(long count, long distinct, double sum, int liveFiles, int uncoveredShards) {}

    static Totals totals(ObjectStore store, String experiment, Path tmp) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            LakeView view = LakeView.load(store, experiment);
            Path dir = Files.createTempDirectory(tmp, "probe");
            try (LocalFiles local = new LocalFiles(store, dir, 4)) {
                Map<String, Optional<Path>> got = local.fetchAll(view.pointSources());
                if (got.values().stream().anyMatch(Optional::isEmpty))
                    continue; // deleted after a newer commit: read again
                List<Path> files = new ArrayList<>();
                got.values().forEach(p -> files.add(p.get()));
                if (files.isEmpty()) return new Totals(0, 0, 0, 0, 0);
                try (Duck duck = Duck.open(dir.resolve("spill"), "256MB", 1)) {
                    Object[] r = duck.query("SELECT count(*), count(DISTINCT (run_id, worker, key, step)), "
                                    + "sum(value) FILTER (WHERE isfinite(value)) FROM (" + Duck.points(files) + ")")
                            .get(0);
                    return new Totals(
                            ((Number) r[0]).longValue(),
                            ((Number) r[1]).longValue(),
                            r[2] == null ? 0 : ((Number) r[2]).doubleValue(),
                            view.liveFiles().size(),
                            view.uncoveredShards().size());
                }
            }
        }
        throw new AssertionError("the view of " + experiment + " kept changing");
    }

    /** Rows of a query over one local Parquet file. */
    static List<Object[]> query(Path file, String selectFromT) throws Exception {
        try (Duck duck = Duck.open(file.getParent().resolve("spill-q"), "256MB", 1)) {
            duck.exec("CREATE VIEW t AS SELECT * FROM read_parquet(" + Duck.lit(file.toString())
                    + ", hive_partitioning=false)");
            return duck.query(selectFromT);
        }
    }
}
