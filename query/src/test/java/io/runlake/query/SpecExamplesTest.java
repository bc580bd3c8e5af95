package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.runlake.format.DuckSql;
import io.runlake.format.Json;
import io.runlake.testing.DeltaKernelTables;
import io.runlake.testing.GoldenAnswers;
import io.runlake.testing.GoldenBucket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code json} and {@code sql} example of FORMAT.md and README.md is valid and runs against the golden bucket
 * (core's test resources): each JSON example of FORMAT.md is an object of the bucket, the Athena queries of §12.10 run
 * over its lake, and the plain-DuckDB queries of §14 give the expected answers. A block fenced as
 * {@code json-template} or any other language is not checked.
 */
class SpecExamplesTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Pattern BLOCK =
            Pattern.compile("^```([a-z-]*)\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final String LAKE_EXPERIMENT = "mnist";

    @TempDir
    Path dir;

    record Block(String doc, int line, String language, String text) {
        @Override
        public String toString() {
            return doc + ":" + line;
        }
    }

    @Test
    void everyJsonExampleOfTheSpecIsAnObjectOfTheGoldenBucket() throws IOException {
        Path copy = GoldenBucket.copyTo(dir);
        Set<JsonNode> objects = new HashSet<>();
        for (String key : GoldenBucket.keys(copy)) {
            if (key.contains("/_delta_log/") && key.endsWith(".json")) { // a Delta commit: one action per line
                for (String line : Files.readAllLines(copy.resolve(key))) objects.add(Json.MAPPER.readTree(line));
            } else if (key.endsWith(".json")) {
                objects.add(Json.MAPPER.readTree(Files.readAllBytes(copy.resolve(key))));
            }
        }
        int examples = 0;
        for (Block b : blocks("FORMAT.md", "README.md")) {
            if (!b.language().equals("json")) continue;
            try (MappingIterator<JsonNode> values =
                    Json.MAPPER.readerFor(JsonNode.class).readValues(b.text())) {
                while (values.hasNext()) {
                    JsonNode value = values.next();
                    examples++;
                    assertTrue(objects.contains(value), b + ": no object of the golden bucket: " + value);
                }
            }
        }
        assertTrue(examples >= 15, "only " + examples + " JSON examples found");
    }

    @Test
    void athenaExamplesRunOverTheGoldenLake() throws IOException, SQLException {
        Path copy = GoldenBucket.copyTo(dir);
        List<Block> athena = blocks("FORMAT.md", "README.md").stream()
                .filter(b -> b.language().equals("sql") && b.text().contains("FROM runlake."))
                .toList();
        assertEquals(1, athena.size());
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            // the Glue tables of template.yaml are Delta tables: the files Delta Kernel says are live, the experiment
            // as the partition value (the unescaped name)
            st.execute("CREATE SCHEMA runlake");
            for (String table : List.of("metrics", "runs")) {
                List<String> live = DeltaKernelTables.liveFiles(copy.resolve("lake/" + table)).stream()
                        .map(p -> DuckSql.lit(p.toString()))
                        .toList();
                st.execute("CREATE VIEW runlake." + table + " AS SELECT * EXCLUDE (filename"
                        + (table.equals("runs") ? ", experiment" : "") + "), url_decode(regexp_extract(filename, "
                        + "'/experiment=([^/]*)/[^/]*$', 1)) AS experiment FROM "
                        + DuckSql.readParquet("[" + String.join(", ", live) + "]", "filename = true"));
            }
            for (String sql : statements(athena.get(0))) {
                try (var rs = st.executeQuery(sql)) {
                    int rows = 0;
                    while (rs.next()) rows++;
                    assertTrue(rows > 0 || sql.contains("my exp"), sql); // the golden lake is mnist's
                }
            }
        }
    }

    @Test
    void plainDuckDbExamplesGiveTheExpectedAnswersOnANeverCompactedStore() throws Exception {
        Path copy = GoldenBucket.copyTo(dir.resolve("store"));
        GoldenAnswers expected = GoldenAnswers.of(copy);
        // §14's queries read raw shards only: the compacted experiment is not theirs to answer
        deleteTree(copy.resolve("lake"));
        deleteTree(copy.resolve("runs/experiment=" + LAKE_EXPERIMENT));
        List<Block> plain = blocks("FORMAT.md", "README.md").stream()
                .filter(b -> b.language().equals("sql") && !b.text().contains("FROM runlake."))
                // the registry's example (§16.6) runs in RegistryViewsSuite: the golden bucket has no models/
                .filter(b -> !b.text().contains("'models/"))
                .toList();
        assertEquals(5, plain.size(), plain.toString());
        for (Block b : plain) {
            List<String> rows = runAtRoot(copy, b);
            if (b.text().contains("annotations/")) {
                assertEquals(project(expected.annotated(), 1, 2, 3), project(rows, 0, 1, 2), b.toString());
            } else if (b.text().contains("url_decode")) {
                assertEquals(sum(expected.points()), rows.size(), b.toString());
            } else if (b.text().contains("arg_max")) {
                assertEquals(project(expected.metricSummary(), 1, 2, 5, 4), rows, b.toString());
            } else if (b.text().contains("params->>'lr'")) {
                assertEquals(project(expected.runs(), 1), project(rows, 1), b.toString());
            } else if (b.text().contains("'CRASHED'")) {
                assertEquals(project(expected.runs(), 1, 3), project(rows, 0, 1), b.toString());
            } else {
                throw new AssertionError(b + ": a new plain-DuckDB example; say here what it must answer");
            }
        }
    }

    /** Runs a block in a child JVM whose working folder is the store root, as §14 says; its rows, sorted. */
    private List<String> runAtRoot(Path root, Block b) throws IOException, InterruptedException {
        Path sql = dir.resolve("example.sql");
        Files.writeString(sql, b.text());
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DuckDbAtRoot.class.getName(),
                        sql.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), b + ": " + out);
        return out.lines()
                .filter(l -> !l.startsWith("-- ") && !l.startsWith("SLF4J"))
                .sorted()
                .toList();
    }

    /** Expected rows without the experiments §14 does not answer for, reduced to some cells. */
    private static List<String> project(List<String> rows, int... cells) {
        List<String> out = new ArrayList<>();
        for (String r : rows) {
            if (r.startsWith(LAKE_EXPERIMENT + " | ")) continue;
            String[] c = r.split(" \\| ", -1);
            Object[] picked = new Object[cells.length];
            for (int i = 0; i < cells.length; i++) picked[i] = c[cells[i]];
            out.add(GoldenAnswers.row(picked));
        }
        return out.stream().sorted().toList();
    }

    private static long sum(List<String> pointRows) {
        return pointRows.stream()
                .filter(r -> !r.startsWith(LAKE_EXPERIMENT + " | "))
                .mapToLong(r -> Long.parseLong(r.substring(r.lastIndexOf(" | ") + 3)))
                .sum();
    }

    static List<Block> blocks(String... docs) throws IOException {
        List<Block> out = new ArrayList<>();
        for (String doc : docs) {
            String text = Files.readString(REPO.resolve(doc));
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).lines().count() + 1;
                out.add(new Block(doc, line, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    private static List<String> statements(Block b) {
        return Stream.of(b.text().split(";\\s*(\\n|$)"))
                .filter(s -> !s.isBlank())
                .toList();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
