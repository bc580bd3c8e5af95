package io.runlake.sparkcheck;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a RunLake store's two Delta tables with Apache Spark and delta-spark at their default settings (the
 * vectorized Parquet reader on) and prints, per experiment, numbers to compare with {@code ./runlake sql}.
 *
 * <p>Usage: {@code SparkCheck STORE_DIR [METRIC]} (METRIC defaults to {@code val/accuracy}). Data lines are
 * comma-separated, as {@code compare.sh} diffs them with the same numbers from {@code ./runlake sql}; lines
 * starting with {@code #} are information only.
 */
public final class SparkCheck {
    private static final String FINITE = "value IS NOT NULL AND NOT isnan(value) AND abs(value) <> double('Infinity')";

    private SparkCheck() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: SparkCheck STORE_DIR [METRIC]");
            System.exit(2);
        }
        Path store = Path.of(args[0]).toAbsolutePath();
        String metric = args.length > 1 ? args[1] : "val/accuracy";
        SparkSession spark = SparkSession.builder()
                .appName("runlake-spark-check")
                .master("local[2]")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            System.out.println("spark " + spark.version() + ", spark.sql.parquet.enableVectorizedReader="
                    + spark.conf().get("spark.sql.parquet.enableVectorizedReader"));
            spark.read().format("delta").load(store.resolve("lake/metrics").toString()).createOrReplaceTempView("m");
            spark.read().format("delta").load(store.resolve("lake/runs").toString()).createOrReplaceTempView("r");
            printMetrics(spark);
            printRuns(spark, metric);
        } finally {
            spark.stop();
        }
    }

    private static void printMetrics(SparkSession spark) {
        print(
                spark,
                "metrics: experiment, points, distinct (run_id, worker, key, step), sum(finite value),"
                        + " points without runlake/ keys, their sum(finite value)",
                "SELECT experiment, count(*), count(DISTINCT run_id, worker, key, step),"
                        + " sum(CASE WHEN " + FINITE + " THEN value END),"
                        + " count_if(key NOT LIKE 'runlake/%'),"
                        + " sum(CASE WHEN " + FINITE + " AND key NOT LIKE 'runlake/%' THEN value END)"
                        + " FROM m GROUP BY experiment ORDER BY experiment");
        // Shows the escaped folder names Spark resolved from the log's URI-encoded relative paths.
        print(
                spark,
                "# metrics files: experiment, files, first file",
                "SELECT experiment, count(DISTINCT file), min(file)"
                        + " FROM (SELECT experiment, input_file_name() AS file FROM m)"
                        + " GROUP BY experiment ORDER BY experiment");
    }

    private static void printRuns(SparkSession spark, String metric) {
        print(
                spark,
                "runs: experiment, runs",
                "SELECT experiment, count(*) FROM r GROUP BY experiment ORDER BY experiment");
        // Ranked as ./runlake leaderboard ranks: FAILED runs and NaN last values left out, ties by run id.
        print(
                spark,
                "runs: top 3 by last " + metric + " (desc): experiment, rank, run_id, status, last_value",
                "SELECT experiment, rank, run_id, status, last_value FROM ("
                        + " SELECT experiment, run_id, status, m.last_value AS last_value,"
                        + " row_number() OVER (PARTITION BY experiment ORDER BY m.last_value DESC, run_id) AS rank"
                        + " FROM (SELECT experiment, run_id, status, explode(metrics) AS m FROM r)"
                        + " WHERE m.key = '" + metric.replace("'", "''") + "' AND status <> 'FAILED'"
                        + " AND NOT isnan(m.last_value))"
                        + " WHERE rank <= 3 ORDER BY experiment, rank");
    }

    private static void print(SparkSession spark, String title, String sql) {
        System.out.println(title.startsWith("#") ? title : "== " + title);
        List<Row> rows = spark.sql(sql).collectAsList();
        for (Row row : rows) {
            StringBuilder line = new StringBuilder(title.startsWith("#") ? "# " : "");
            for (int i = 0; i < row.length(); i++) {
                line.append(i == 0 ? "" : ",").append(text(row.get(i)));
            }
            System.out.println(line);
        }
    }

    /** Doubles to 12 significant digits, as DuckDB's printf('%.11e') writes them: sums may differ in the last bits. */
    private static String text(Object value) {
        if (!(value instanceof Double d)) return String.valueOf(value);
        if (d.isNaN()) return "nan";
        if (d.isInfinite()) return d > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%.11e", d);
    }
}
