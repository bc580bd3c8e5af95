package io.runlake.autolog.dl4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.runlake.testing.Lakes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a file: store back as plain JSON files and DuckDB over the Parquet shards, as any reader would. */
final class StoreReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private final String experiment;

    StoreReader(Path root, String experiment) {
        this.root = root;
        this.experiment = experiment;
    }

    Path runDir(String runId) {
        return root.resolve("runs").resolve("experiment=" + experiment).resolve("run=" + runId);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> startManifest(String runId) throws IOException {
        return JSON.readValue(runDir(runId).resolve("run.json").toFile(), Map.class);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> params(String runId) throws IOException {
        return (Map<String, Object>) startManifest(runId).get("params");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events(String runId, String kind) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path p : files(runDir(runId).resolve("events"))) {
            Map<String, Object> e = JSON.readValue(p.toFile(), Map.class);
            if (kind.equals(e.get("kind"))) out.add(e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> endManifest(String runId) throws IOException {
        List<Path> ends = files(runDir(runId).resolve("end"));
        if (ends.size() != 1) throw new AssertionError("expected one end manifest, found " + ends);
        return JSON.readValue(ends.get(0).toFile(), Map.class);
    }

    /** The artifact events by name: name -> artifact object. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> artifacts(String runId) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> e : events(runId, "artifact")) {
            Map<String, Object> a = (Map<String, Object>) e.get("artifact");
            if (out.put((String) a.get("name"), a) != null)
                throw new AssertionError("artifact " + a.get("name") + " logged twice");
        }
        return out;
    }

    Path blob(Map<String, Object> artifact) {
        return root.resolve((String) artifact.get("uri"));
    }

    String shards() {
        return root.resolve("runs").resolve("experiment=" + experiment) + "/*/metrics/*.parquet";
    }

    /** Rows of a DuckDB query; {@code $shards} stands for read_parquet over this experiment's metric shards. */
    List<List<Object>> query(String sql) {
        return Lakes.query(sql.replace("$shards", "read_parquet('" + shards() + "')"));
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
