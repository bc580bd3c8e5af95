package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.format.DuckSql;
import io.runlake.functions.core.Compactor;
import io.runlake.functions.core.Indexer;
import io.runlake.functions.core.IndexerOptions;
import io.runlake.lake.LakeTable;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.DeltaKernelTables;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs index carries each run's artifacts and inputs (FORMAT.md §12.7): the same items, fields and order as the
 * {@code artifacts} and {@code inputs} views read from the events; Delta Kernel reads them from the runs table; and
 * an index file written before the columns existed is still read.
 */
class RunsIndexLineageTest {
    static final String EXP = "lineage", OLD = "old-index";
    static final String ARTIFACT_COLUMNS = "run_id, name, sha256, size, uri, reference, epoch_ms(time) AS t, worker";
    static final String INPUT_COLUMNS =
            "run_id, name, uri, role, sha256, etag, version_id, size, files, epoch_ms(time) AS t, worker";

    @TempDir
    Path tmp;

    @Test
    void indexHoldsWhatTheViewsSayAndDeltaKernelReadsIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("store"));
        writeRuns(root.toUri(), EXP);
        String indexFile = index(root.toUri(), EXP);

        Table fromIndex;
        Table inputsFromIndex;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement();
                ResultSet order = st.executeQuery("SELECT list_transform(artifacts, x -> x.name)::VARCHAR, "
                        + "list_transform(inputs, x -> x.name)::VARCHAR FROM "
                        + DuckSql.readParquet(lit(root.resolve(indexFile))) + " ORDER BY name")) {
            List<String> lists = new ArrayList<>();
            while (order.next()) lists.add(order.getString(1) + " " + order.getString(2));
            assertEquals(List.of("[weights, imagenet] [train-data]", "[] []", "[model.bin] [eval-data]"), lists);
            fromIndex = unnested(duck, root.resolve(indexFile), "artifacts", ARTIFACT_COLUMNS);
            inputsFromIndex = unnested(duck, root.resolve(indexFile), "inputs", INPUT_COLUMNS);
        }
        try (Lake lake = open(root.toUri())) {
            Table artifacts = lake.sql("SELECT " + ARTIFACT_COLUMNS + " FROM artifacts ORDER BY ALL");
            Table inputs = lake.sql("SELECT " + INPUT_COLUMNS + " FROM inputs ORDER BY ALL");
            assertEquals(3, artifacts.rows().size(), "two artifacts of 'a', one of 'c'");
            assertEquals(2, inputs.rows().size());
            assertEquals(artifacts.rows(), fromIndex.rows(), "the index's artifacts are the view's");
            assertEquals(inputs.rows(), inputsFromIndex.rows(), "the index's inputs are the view's");
        }

        List<List<Object>> kernelArtifacts = new ArrayList<>();
        for (Map<String, Object> run : DeltaKernelTables.rows(root.resolve(LakeTable.RUNS.root()))) {
            for (Object item : (List<?>) run.get("artifacts")) {
                Map<?, ?> a = (Map<?, ?>) item;
                kernelArtifacts.add(List.of(
                        run.get("run_id"),
                        a.get("name"),
                        a.get("sha256") == null ? "" : a.get("sha256"),
                        a.get("size"),
                        a.get("uri"),
                        a.get("reference"),
                        ((Instant) a.get("time")).toEpochMilli(),
                        a.get("worker")));
            }
        }
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> row : fromIndex.rows()) {
            List<Object> r = new ArrayList<>(row);
            if (r.get(2) == null) r.set(2, "");
            expected.add(r);
        }
        assertEquals(
                expected.stream().sorted(RunsIndexLineageTest::byText).toList(),
                kernelArtifacts.stream().sorted(RunsIndexLineageTest::byText).toList(),
                "Delta Kernel reads the runs table's artifacts");
    }

    @Test
    void indexFilesWithoutTheColumnsAreStillRead() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("store"));
        writeRuns(root.toUri(), EXP);
        writeRuns(root.toUri(), OLD);
        index(root.toUri(), EXP);
        Path old = root.resolve(index(root.toUri(), OLD));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            // the index file as an indexer before these columns wrote it
            Path rewritten = tmp.resolve("old.parquet");
            st.execute("COPY (SELECT * EXCLUDE (artifacts, inputs) FROM " + DuckSql.readParquet(lit(old)) + ") TO "
                    + lit(rewritten) + " (FORMAT parquet)");
            Files.move(rewritten, old, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Lake lake = open(root.toUri())) {
            assertEquals(
                    List.of(List.of(EXP, 3L, 3L), List.of(OLD, 3L, 3L)),
                    lake.sql("SELECT experiment, count(*), count(*) FILTER (WHERE source = 'index') FROM runs "
                                    + "GROUP BY ALL ORDER BY ALL")
                            .rows(),
                    "every run of both experiments from its runs index");
            assertEquals(
                    List.of(List.of(EXP, 3L), List.of(OLD, 0L)),
                    lake.sql("SELECT experiment, count(artifacts) FROM _index GROUP BY ALL ORDER BY ALL")
                            .rows(),
                    "the old file's runs have no lineage columns");
            assertEquals(
                    lake.sql("SELECT name, sha256, size FROM artifacts WHERE experiment = '" + EXP + "' ORDER BY ALL")
                            .rows(),
                    lake.sql("SELECT name, sha256, size FROM artifacts WHERE experiment = '" + OLD + "' ORDER BY ALL")
                            .rows(),
                    "the artifacts view reads events either way");
            assertFalse(lake.sql("SELECT * FROM params WHERE experiment = '" + OLD + "'")
                    .rows()
                    .isEmpty());
        }
    }

    @Test
    void aLoneIndexFileWithoutTheColumnsIsStillRead() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("store"));
        writeRuns(root.toUri(), OLD);
        Path old = root.resolve(index(root.toUri(), OLD));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            Path rewritten = tmp.resolve("old.parquet");
            st.execute("COPY (SELECT * EXCLUDE (artifacts, inputs) FROM " + DuckSql.readParquet(lit(old)) + ") TO "
                    + lit(rewritten) + " (FORMAT parquet)");
            Files.move(rewritten, old, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Lake lake = open(root.toUri())) {
            assertEquals(
                    List.of(List.of(3L, 2L)),
                    lake.sql("SELECT (SELECT count(*) FROM artifacts), (SELECT count(*) FROM inputs)")
                            .rows(),
                    "no other index file has the columns: the views still read the events");
        }
    }

    /** Three finished runs: 'a' with a file, a reference and an input; 'b' without lineage; 'c' with both. */
    private void writeRuns(URI uri, String experiment) throws Exception {
        Path model = Files.writeString(
                Files.createDirectories(tmp.resolve(experiment)).resolve("model.bin"), "weights");
        Path data = Files.createDirectories(tmp.resolve(experiment).resolve("data"));
        Files.writeString(data.resolve("part-0.csv"), "x,y\n1,2\n");
        try (Tracker t = LakeSuite.tracker(uri, tmp)) {
            Run a = t.newRun(experiment).name("a").param("lr", 0.1).start();
            a.logInput("train-data", data.toString(), "train");
            a.logArtifact(model, "weights");
            a.logArtifactReference("imagenet", URI.create("s3://datasets/imagenet/"), null, 150_000L);
            a.log("loss", 0.5, 0);
            a.finish();
            Run b = t.newRun(experiment).name("b").param("lr", 0.2).start();
            b.log("loss", 0.4, 0);
            b.finish();
            Run c = t.newRun(experiment).name("c").param("lr", 0.3).start();
            c.logInput("eval-data", data.toString(), "eval");
            c.logArtifact(model);
            c.finish();
        }
    }

    /**
     * Compacts and indexes {@code experiment} as of a minute from now, so the query side takes every run from the
     * index (a run with uncovered shards is never settled).
     */
    private String index(URI uri, String experiment) {
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));
        try (ObjectStore store = StoreUris.open(uri)) {
            new Compactor(store, LakeSuite.compactNow(tmp.resolve("work"))).compact(experiment);
            IndexerOptions options =
                    IndexerOptions.defaults().withWorkDir(tmp.resolve("work")).withClock(later);
            return new Indexer(store, options).index(experiment).indexFile();
        }
    }

    private Lake open(URI uri) {
        return Lake.open(
                uri, LakeOptions.defaults().withCacheDir(tmp.resolve("cache")).withIndexMargin(Duration.ZERO));
    }

    private static Table unnested(Connection duck, Path indexFile, String column, String columns) throws SQLException {
        try (Statement st = duck.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + columns + " FROM (SELECT run_id, unnest(" + column
                        + ", recursive := true) FROM " + DuckSql.readParquet(lit(indexFile)) + ") ORDER BY ALL")) {
            return Table.of(rs);
        }
    }

    private static int byText(List<Object> x, List<Object> y) {
        return x.toString().compareTo(y.toString());
    }

    private static String lit(Path p) {
        return DuckSql.lit(p.toString());
    }
}
