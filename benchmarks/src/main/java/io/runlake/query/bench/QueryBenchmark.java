package io.runlake.query.bench;

import io.runlake.format.DuckSql;
import io.runlake.format.LakeLayout;
import io.runlake.format.Layout;
import io.runlake.lake.DataFile;
import io.runlake.lake.HistorySummary;
import io.runlake.lake.LakeCommit;
import io.runlake.lake.LakeLog;
import io.runlake.lake.LakeSnapshot;
import io.runlake.query.History;
import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.report.Direction;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.FileObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generates a lake of N runs directly in the documented layout (compacted metric files + a runs index for
 * the older runs, raw run.json / end / shard objects for the newest ones, raw manifests of indexed runs
 * aged by a day) and times the query library on it, cold (empty cache) and warm.
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx8g -cp benchmarks/target/runlake-benchmarks.jar \
 *     io.runlake.query.bench.QueryBenchmark --runs 100000 --raw 2000 --steps 20 --dir /tmp/bench-100k
 * </pre>
 */
public final class QueryBenchmark {
    static final String EXP = "bench";
    static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int runs = 10_000, raw = 1000, steps = 20;
        long historyPoints = 1_000_000;
        Path dir = Path.of("/tmp/runlake-bench");
        boolean regenerate = true, watermark = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--raw" -> raw = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--history-points" -> historyPoints = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--reuse" -> regenerate = false;
                case "--watermark" -> watermark = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path lake = dir.resolve("lake");
        if (regenerate || !Files.exists(lake)) {
            deleteTree(dir);
            long t0 = System.nanoTime();
            generate(lake, runs, raw, steps, historyPoints, watermark);
            System.out.printf(
                    Locale.ROOT,
                    "generated %d runs (%d raw, %d steps x 3 keys, history run %d points) in %.1f s%n",
                    runs,
                    raw,
                    steps,
                    historyPoints,
                    (System.nanoTime() - t0) / 1e9);
        }
        measure(lake, dir.resolve("cache"), runs);
    }

    static String ulid(long ms) {
        char[] out = new char[26];
        long t = ms;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        for (int i = 10; i < 26; i++) out[i] = ALPHABET[RANDOM.nextInt(32)];
        return new String(out);
    }

    /**
     * @param watermark whether the runs index records its settled watermark (FORMAT.md §13.3); either way the index
     *     is dated one index margin after the first raw run's start, as if the indexer listed the store just before the
     *     raw runs began, so they lie above the watermark as on a real store
     */
    /** The summary of the history run's long metric, from its points in step order. */
    private static String historySummary(Statement st, String runId) throws Exception {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT min(step), max(step), count(*) FROM pts WHERE run_id = '"
                + runId + "' AND key = 'long_loss'")) {
            rs.next();
            HistorySummary.Builder b = new HistorySummary.Builder(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            try (java.sql.ResultSet points =
                    st.executeQuery("SELECT step, epoch_ms(timestamp), value FROM pts WHERE run_id = '" + runId
                            + "' AND key = 'long_loss' ORDER BY step")) {
                while (points.next()) b.add(points.getLong(1), points.getLong(2), points.getDouble(3));
            }
            return b.build().encode();
        }
    }

    static void generate(Path lake, int n, int raw, int steps, long historyPoints, boolean watermark) throws Exception {
        Files.createDirectories(lake);
        long now = System.currentTimeMillis();
        long base = now - n * 1000L - 3_600_000L;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) ids[i] = ulid(base + i * 1000L);
        Path idsCsv = lake.getParent().resolve("ids.csv");
        StringBuilder csv = new StringBuilder("idx,run_id,start_ms\n");
        for (int i = 0; i < n; i++)
            csv.append(i)
                    .append(',')
                    .append(ids[i])
                    .append(',')
                    .append(base + i * 1000L)
                    .append('\n');
        Files.writeString(idsCsv, csv);
        int indexed = n - raw;
        String historyRun = ids[0];
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET preserve_insertion_order = true");
            st.execute("CREATE TABLE ids AS SELECT * FROM "
                    + DuckSql.readCsv(
                            DuckSql.lit(idsCsv.toString()),
                            "header = true",
                            "columns = {'idx': 'INTEGER', 'run_id': 'VARCHAR', 'start_ms': 'BIGINT'}"));
            // Realistic params: lr log-uniform, batch size, optimizer, layers, dropout.
            st.execute(
                    "CREATE TABLE params AS SELECT idx, run_id, start_ms, round(pow(10, -4 + 3 * random()), 6) AS lr, "
                            + "[16, 32, 64, 128][1 + (idx % 4)] AS batch_size, ['adam', 'sgd', 'adamw'][1 + (idx % 3)] AS optimizer, "
                            + "1 + (idx % 5) AS layers, round(random() * 0.5, 3) AS dropout FROM ids");
            st.execute("CREATE TABLE pts AS SELECT p.run_id, 0 AS worker, k.key, s.step, "
                    + "make_timestamptz((p.start_ms + s.step * 1000) * 1000) AS timestamp, "
                    + "CASE k.key WHEN 'loss' THEN exp(-s.step * p.lr * 10) + random() * 0.05 "
                    + "WHEN 'val_loss' THEN exp(-s.step * p.lr * 8) + 0.1 + random() * 0.05 "
                    + "ELSE 1 - exp(-s.step * p.lr * 9) * 0.9 END AS value, p.idx "
                    + "FROM params p, (SELECT unnest(['loss', 'val_loss', 'accuracy']) AS key) k, range(" + steps
                    + ") s(step)");
            st.execute("INSERT INTO pts SELECT '" + historyRun + "', 0, 'long_loss', s.step, make_timestamptz((" + base
                    + " + s.step) * 1000), " + "1.0 / (1 + s.step / 1000.0) + random() * 0.01, 0 FROM range("
                    + historyPoints + ") s(step)");
            // Compacted files for the indexed runs: ~1M points each, sorted by run_id, key, step.
            long perFile = Math.max(1, 1_000_000L / (3L * steps));
            List<DataFile> files = new ArrayList<>();
            for (int lo = 0; lo < indexed; lo += (int) perFile) {
                int hi = (int) Math.min(indexed, lo + perFile);
                String key = LakeLayout.metricsFile(EXP, ulid(now - 60_000));
                Path p = lake.resolve(key);
                Files.createDirectories(p.getParent());
                // the history summary the compactor's run-by-run writer puts in the footer (FORMAT.md §12.4.1)
                String summary = lo == 0
                        ? ", KV_METADATA {" + DuckSql.lit(HistorySummary.footerKey(historyRun, "long_loss")) + ": "
                                + DuckSql.lit(historySummary(st, historyRun)) + "}"
                        : "";
                st.execute("COPY (SELECT run_id, worker, key, step, timestamp, value FROM pts WHERE idx >= " + lo
                        + " AND idx < " + hi + " ORDER BY run_id, key, step) TO '" + p
                        + "' (" + DuckSql.PORTABLE_PARQUET + ", ROW_GROUP_SIZE 122880" + summary + ")");
                long rows = ((Number)
                                scalar(st, "SELECT count(*) FROM " + DuckSql.readParquet(DuckSql.lit(p.toString()))))
                        .longValue();
                files.add(new DataFile(key, rows, Files.size(p), ids[lo], ids[hi - 1], 0));
            }
            // Runs index (the functions' schema) for the indexed runs.
            String indexKey = LakeLayout.runsIndexFile(EXP, ulid(now - 30_000));
            long firstRawStart = base + (long) indexed * 1000L;
            long listedMs = Math.min(now - 10_000, firstRawStart + SettledWatermark.DEFAULT_MARGIN.toMillis());
            String settled = null;
            if (watermark) {
                SortedMap<String, Boolean> runsListed = new TreeMap<>();
                for (int i = 0; i < n; i++) runsListed.put(ids[i], i < indexed);
                settled = SettledWatermark.choose(
                                runsListed,
                                listedMs,
                                SettledWatermark.DEFAULT_MARGIN.toMillis(),
                                SettledWatermark.DEFAULT_SETTLE_AGE.toMillis())
                        .toTag();
            }
            Path ip = lake.resolve(indexKey);
            Files.createDirectories(ip.getParent());
            st.execute(
                    "COPY (WITH m AS (SELECT run_id, list({'key': key, 'last_value': last_value, 'min_value': min_value, 'max_value': max_value, "
                            + "'point_count': n, 'last_step': last_step} ORDER BY key) AS metrics, sum(n)::BIGINT AS points FROM ("
                            + "SELECT run_id, key, arg_max(value, step) AS last_value, min(value) AS min_value, max(value) AS max_value, count(*)::BIGINT AS n, "
                            + "max(step) AS last_step FROM pts WHERE idx < " + indexed
                            + " GROUP BY run_id, key) GROUP BY run_id) "
                            + "SELECT '" + EXP
                            + "' AS experiment, p.run_id, 'trial-' || p.idx AS name, NULL::VARCHAR AS parent_run_id, "
                            + "CASE WHEN p.idx % 50 = 7 THEN 'FAILED' ELSE 'FINISHED' END AS status, make_timestamptz(p.start_ms * 1000) AS start_time, "
                            + "make_timestamptz((p.start_ms + 900) * 1000) AS end_time, make_timestamptz((p.start_ms + 900) * 1000) AS last_activity, "
                            + "'bench' AS \"user\", 'host-1' AS host, 'abc1234' AS code_version, NULL::VARCHAR AS error, m.points, "
                            + "map(['batch_size', 'dropout', 'layers', 'lr', 'optimizer'], [p.batch_size::VARCHAR, p.dropout::VARCHAR, p.layers::VARCHAR, "
                            + "p.lr::VARCHAR, p.optimizer]) AS params, map(['team'], ['vision']) AS tags, m.metrics "
                            + "FROM params p JOIN m USING (run_id) WHERE p.idx < " + indexed
                            + " ORDER BY p.run_id) TO '" + ip + "' (" + DuckSql.PORTABLE_PARQUET + ")");
            // The lake tables: one commit adding the metrics files, one making the index current.
            FileObjectStore lakeStore = new FileObjectStore(lake);
            LakeSnapshot empty = LakeSnapshot.load(lakeStore, EXP);
            LakeSnapshot withFiles = empty;
            for (DataFile f : files) {
                withFiles = LakeLog.tryCommit(
                        lakeStore, withFiles, LakeCommit.compaction(EXP, now - 20_000, "bench", f, List.of()));
            }
            LakeLog.tryCommit(
                    lakeStore,
                    withFiles,
                    LakeCommit.index(
                            EXP,
                            listedMs,
                            "bench",
                            new LakeCommit.IndexFile(
                                    indexKey, indexed, Files.size(ip), listedMs, "bench", null, settled),
                            List.of()));
            // Raw objects: manifests of every run (indexed ones aged by a day), one shard per raw run.
            List<Object[]> prm = new ArrayList<>();
            try (var rs = st.executeQuery(
                    "SELECT idx, run_id, start_ms, lr, batch_size, optimizer, layers, dropout FROM params ORDER BY idx")) {
                while (rs.next())
                    prm.add(new Object[] {
                        rs.getInt(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getDouble(4),
                        rs.getInt(5),
                        rs.getString(6),
                        rs.getInt(7),
                        rs.getDouble(8)
                    });
            }
            FileTime old = FileTime.fromMillis(now - 86_400_000L);
            for (Object[] r : prm) {
                int idx = (Integer) r[0];
                String id = (String) r[1];
                long start = (Long) r[2];
                String writer = ulid(start);
                String runJson = String.format(
                        Locale.ROOT,
                        "{\"format_version\":1,\"kind\":\"run_start\",\"experiment\":\"%s\",\"run_id\":\"%s\","
                                + "\"name\":\"trial-%d\",\"start_time_ms\":%d,\"worker\":0,\"writer_id\":\"%s\",\"params\":{\"lr\":%s,\"batch_size\":%d,"
                                + "\"optimizer\":\"%s\",\"layers\":%d,\"dropout\":%s},\"tags\":{\"team\":\"vision\"},\"environment\":{\"host\":\"host-1\","
                                + "\"user\":\"bench\"},\"code\":{\"git_commit\":\"abc1234\"}}",
                        EXP,
                        id,
                        idx,
                        start,
                        writer,
                        r[3],
                        r[4],
                        r[5],
                        r[6],
                        r[7]);
                String status = idx % 50 == 7 ? "FAILED" : "FINISHED";
                String end = String.format(
                        Locale.ROOT,
                        "{\"format_version\":1,\"kind\":\"run_end\",\"experiment\":\"%s\",\"run_id\":\"%s\",\"worker\":0,"
                                + "\"writer_id\":\"%s\",\"status\":\"%s\",\"end_time_ms\":%d,\"points_logged\":%d,\"points_dropped\":0,\"shards_written\":1}",
                        EXP,
                        id,
                        writer,
                        status,
                        start + 900,
                        3 * steps);
                Path rj = lake.resolve(Layout.startManifest(EXP, id));
                Path ej = lake.resolve(Layout.endManifest(EXP, id, 0, writer));
                Files.createDirectories(ej.getParent());
                Files.writeString(rj, runJson, StandardCharsets.UTF_8);
                Files.writeString(ej, end, StandardCharsets.UTF_8);
                if (idx < indexed) {
                    Files.setLastModifiedTime(rj, old);
                    Files.setLastModifiedTime(ej, old);
                } else {
                    Path sp = lake.resolve(Layout.metricShard(EXP, id, 0, writer, 0));
                    Files.createDirectories(sp.getParent());
                    st.execute("COPY (SELECT run_id, worker, key, step, timestamp, value FROM pts WHERE idx = " + idx
                            + " AND run_id = '" + id
                            + "') TO '" + sp
                            + "' (" + DuckSql.PORTABLE_PARQUET
                            + ", KV_METADATA {'runlake.format_version': '1', 'runlake.experiment': '"
                            + EXP + "', 'runlake.last_activity_ms': '" + (start + steps * 1000L)
                            + "', 'runlake.points': '" + 3 * steps + "'})");
                }
            }
            Files.createDirectories(lake.resolve("_runlake"));
            Files.writeString(
                    lake.resolve(Layout.FORMAT_MARKER),
                    "{\"format_version\":1,\"created_by\":\"bench\",\"created_at_ms\":" + now + "}");
        }
    }

    private static Object scalar(Statement st, String sql) throws Exception {
        try (var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    static void measure(Path lakeDir, Path cache, int n) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String phase : List.of("cold", "warm")) {
            if (phase.equals("cold")) deleteTree(cache);
            LakeOptions opts = LakeOptions.defaults().withCacheDir(cache);
            long t0 = System.nanoTime();
            try (Lake lake = Lake.open(lakeDir.toUri(), opts)) {
                double open = ms(t0);
                // What `runlake leaderboard` pays after the open: the first leaderboard, metric summaries included.
                t0 = System.nanoTime();
                var lb = lake.leaderboard(EXP, "val_loss", Direction.MIN, 10, null);
                double firstLb = ms(t0);
                long runs = ((Number) lake.sql("SELECT count(*) AS n FROM runs")
                                .rows()
                                .get(0)
                                .get(0))
                        .longValue();
                String historyRun = (String) lake.sql("SELECT run_id FROM metric_summary WHERE key = 'long_loss'")
                        .rows()
                        .get(0)
                        .get(0);
                double lbMs = median(() -> lake.leaderboard(EXP, "val_loss", Direction.MIN, 10, null));
                List<String> ten =
                        lb.rows().stream().map(r -> (String) r.get(1)).toList();
                double cmp = median(() -> lake.compare(ten, List.of("val_loss", "accuracy")));
                double hist = median(() -> lake.history(historyRun, "long_loss", 1000));
                double histAll = median(() -> {
                    History h = lake.history(historyRun, "long_loss", 0);
                    if (h.points().size() < 1_000_000)
                        throw new IllegalStateException(
                                "history has " + h.points().size());
                });
                double filtered = median(() -> lake.runs(EXP, "params.lr < 0.001 and status = 'FINISHED'", 100));
                double filteredAll = median(() -> lake.runs(EXP, "params.lr < 0.001 and status = 'FINISHED'", 0));
                String line = String.format(
                        Locale.ROOT,
                        "| %s | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f |",
                        phase,
                        runs,
                        open,
                        firstLb,
                        lbMs,
                        cmp,
                        hist,
                        histAll,
                        filtered,
                        filteredAll);
                lines.add(line);
                if (!lake.problems().isEmpty())
                    System.out.println("problems: " + lake.problems().size());
            }
        }
        System.out.println(
                "| phase | runs | open ms (LIST + catalog + views) | first leaderboard ms (summary) | leaderboard ms | compare 10 ms | history 1M->1000 ms | history 1M full ms | runs filter (100) ms | runs filter (all) ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        lines.forEach(System.out::println);
    }

    interface Body {
        void run() throws Exception;
    }

    static double median(Body b) throws Exception {
        double[] t = new double[7];
        b.run(); // first call warms caches
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            b.run();
            t[i] = ms(t0);
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static Map<String, Object> unused() {
        return Map.of();
    }
}
