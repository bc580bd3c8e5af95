package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One home for the "never let DuckDB infer Hive partitions" rule (FORMAT.md §14): no production code of any
 * module writes its own {@code read_parquet(}/{@code read_json(}/{@code read_csv(} call (they go through
 * {@code io.runlake.format.DuckSql}), and every such call in the user docs states {@code hive_partitioning = false}.
 * Guards against a new read slipping in without it (its bug only shows under a folder named like a column).
 */
class NoHiveInferenceTest {
    private static final Pattern READ = Pattern.compile("read_(parquet|json|csv)\\(");

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("FORMAT.md"))) p = p.getParent();
        if (p == null)
            throw new IllegalStateException("no FORMAT.md above " + Path.of("").toAbsolutePath());
        return p;
    }

    @Test
    void productionCodeReadsOnlyThroughTheHelper() throws IOException {
        Path root = projectRoot();
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")
                            && p.toString().contains("/src/main/java/")
                            && !p.toString().contains("/target/")
                            && !p.getFileName().toString().equals("DuckSql.java"))
                    .toList()) {
                files++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String t = lines.get(i).trim();
                    boolean comment = t.startsWith("*") || t.startsWith("/*") || t.startsWith("//");
                    if (READ.matcher(t).find() && (!comment || !t.contains("hive_partitioning = false"))) {
                        offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + t);
                    }
                }
            }
        }
        assertTrue(files > 50, "scanned " + files + " files under " + root);
        assertEquals(
                List.of(), offenders, "build DuckDB reads with io.runlake.format.DuckSql (hive_partitioning = false)");
    }

    @Test
    void everyReadInTheDocsStatesItsPartitioning() throws IOException {
        Path root = projectRoot();
        List<String> offenders = new ArrayList<>();
        for (String doc : List.of("FORMAT.md", "README.md")) {
            String text = Files.readString(root.resolve(doc));
            Matcher m = READ.matcher(text);
            while (m.find()) {
                int depth = 0, end = m.end() - 1;
                for (; end < text.length(); end++) {
                    char c = text.charAt(end);
                    if (c == '(') depth++;
                    else if (c == ')' && --depth == 0) break;
                }
                String call = text.substring(m.start(), Math.min(text.length(), end + 1));
                if (!call.contains("hive_partitioning = false"))
                    offenders.add(doc + ": " + call.replaceAll("\\s+", " "));
            }
        }
        assertEquals(List.of(), offenders);
    }
}
