package io.runlake.functions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runlake.lake.LakeSnapshot;
import io.runlake.lake.LakeTable;
import io.runlake.lake.LakeView;
import io.runlake.store.FileObjectStore;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.testing.DeltaKernelTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Asserts that Delta Kernel, an independent reader, sees in the metrics table exactly the points RunLake's
     * reader takes from the live lake files (FORMAT.md §12.1): same count, same distinct points, same sum. Both
     * read one copy of {@code lake/metrics/}, taken while nothing commits.
     */
    static void assertDeltaAgrees(ObjectStore store, String experiment, Path tmp) throws Exception {
        Path copy = Files.createTempDirectory(tmp, "delta");
        for (ObjectInfo o : store.list(LakeTable.METRICS.root())) {
            Path local = copy.resolve(o.key());
            Files.createDirectories(local.getParent());
            store.download(o.key(), local);
        }
        Path table = copy.resolve(LakeTable.METRICS.root());
        List<Map<String, Object>> rows = Files.isDirectory(table.resolve("_delta_log"))
                ? DeltaKernelTables.rows(table).stream()
                        .filter(r -> experiment.equals(r.get("experiment")))
                        .toList()
                : List.of();
        List<Path> live = new ArrayList<>();
        LakeSnapshot.load(new FileObjectStore(copy), experiment)
                .liveFiles()
                .forEach(f -> live.add(copy.resolve(f.path())));
        long count = 0;
        long distinct = 0;
        double sum = 0;
        if (!live.isEmpty()) {
            try (Duck duck = Duck.open(copy.resolve("spill"), "256MB", 1)) {
                Object[] r = duck.query("SELECT count(*), count(DISTINCT (run_id, worker, key, step)), "
                                + "sum(value) FILTER (WHERE isfinite(value)) FROM (" + Duck.points(live) + ")")
                        .get(0);
                count = ((Number) r[0]).longValue();
                distinct = ((Number) r[1]).longValue();
                sum = r[2] == null ? 0 : ((Number) r[2]).doubleValue();
            }
        }
        Set<List<Object>> kernelDistinct = new HashSet<>();
        double kernelSum = 0;
        for (Map<String, Object> r : rows) {
            kernelDistinct.add(List.of(r.get("run_id"), r.get("worker"), r.get("key"), r.get("step")));
            double v = ((Number) r.get("value")).doubleValue();
            if (Double.isFinite(v)) kernelSum += v;
        }
        assertEquals(count, rows.size(), "points Delta Kernel reads in the metrics table of " + experiment);
        assertEquals(distinct, kernelDistinct.size(), "distinct points Delta Kernel reads");
        assertEquals(sum, kernelSum, Math.abs(sum) * 1e-9 + 1e-9, "sum of values Delta Kernel reads");
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
