package io.runlake.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import io.runlake.query.Lake;
import io.runlake.query.Table;
import io.runlake.runs.SweepTags;
import io.runlake.store.ObjectStore;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The static snapshot (FORMAT.md §12.8.1): the web app with the answers to every request its pages make without a
 * filter, as JavaScript data files loaded by {@code <script>} tags (so it works opened from a file), written
 * put-if-absent under {@code reports/ui/<version>/}, {@code index.html} last.
 */
public final class Snapshot {
    static final String PREFIX = "reports/ui/";
    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    /** What was written: the snapshot's folder (a key prefix ending in /) and how many objects. */
    public record Result(String prefix, int objects) {
        public String indexKey() {
            return prefix + "index.html";
        }
    }

    private Snapshot() {}

    public static Result write(Lake lake, ObjectStore store, Consumer<String> progress) {
        String version = VERSION_TIME.format(Instant.now()) + "-" + random();
        String prefix = PREFIX + version + "/";
        Map<String, JsonNode> answers = answers(lake, progress);
        answers.put(key("models"), UiApi.models(store));
        int n = 0;
        for (String asset : Assets.UPLOT)
            n += put(store, prefix + asset, Assets.read(asset).orElseThrow());
        for (String asset : List.of("app.js", "app.css"))
            n += put(store, prefix + asset, Assets.read(asset).orElseThrow());
        for (Map.Entry<String, JsonNode> a : answers.entrySet()) {
            String js = "(window.RUNLAKE_DATA = window.RUNLAKE_DATA || {})[" + json(a.getKey()) + "] = "
                    + json(a.getValue()) + ";\n";
            n += put(store, prefix + fileName(a.getKey()), js.getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.put("version", version);
        meta.put("store", lake.uri().toString());
        meta.put("generatedAt", Instant.now().toString());
        n += put(
                store,
                prefix + "snapshot.js",
                ("window.RUNLAKE_SNAPSHOT = " + json(meta) + ";\n").getBytes(StandardCharsets.UTF_8));
        n += put(store, prefix + "index.html", Assets.read("index.html").orElseThrow()); // last: the snapshot is whole
        return new Result(prefix, n);
    }

    /** Every request the pages make without a filter, with its answer, keyed as app.js's apiKey(). */
    static Map<String, JsonNode> answers(Lake lake, Consumer<String> progress) {
        Map<String, JsonNode> out = new TreeMap<>();
        out.put(key("experiments"), UiApi.experiments(lake));
        out.put(key("runs"), UiApi.runs(lake, null, null));
        for (String experiment : lake.experiments()) {
            ObjectNode runs = UiApi.runs(lake, experiment, null);
            out.put(key("runs", "experiment", experiment), runs);
            for (JsonNode metric : runs.get("metricKeys")) {
                out.put(
                        key("leaderboard", "experiment", experiment, "metric", metric.asText()),
                        UiApi.leaderboard(lake, experiment, metric.asText(), null));
            }
            progress.accept(experiment);
        }
        Table sweeps = lake.sql("select distinct experiment, tags['" + SweepTags.NAME + "'] from runs where tags['"
                + SweepTags.ROLE + "'] = '" + SweepTags.ROLE_PARENT + "'");
        for (List<Object> s : sweeps.rows()) {
            String experiment = (String) s.get(0), name = (String) s.get(1);
            out.put(key("sweep", "experiment", experiment, "name", name), UiApi.sweep(lake, name, experiment));
        }
        Table ids = lake.runs(null, null, 0, List.of("run_id"));
        for (List<Object> r : ids.rows()) {
            String id = (String) r.get(0);
            ObjectNode run = UiApi.run(lake, id);
            out.put(key("run", "id", id), run);
            for (JsonNode m : run.get("metrics").get("rows")) {
                String metric = m.get(0).asText();
                out.put(key("history", "key", metric, "run", id), UiApi.history(lake, id, metric, UiApi.MAX_POINTS));
            }
        }
        return out;
    }

    /** The request as app.js's apiKey() writes it: the endpoint, then name=value lines in name order. */
    static String key(String endpoint, String... nameValues) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < nameValues.length; i += 2) sorted.put(nameValues[i], nameValues[i + 1]);
        List<String> lines = new ArrayList<>();
        lines.add(endpoint);
        sorted.forEach((k, v) -> lines.add(k + "=" + v));
        return String.join("\n", lines);
    }

    /** The data file of a request: FNV-1a of its key over UTF-16 units with two seeds, as app.js's fileName(). */
    static String fileName(String key) {
        return "data/" + fnv(key, 0x811c9dc5) + fnv(key, 0x9747b28c) + ".js";
    }

    private static String fnv(String s, int seed) {
        int h = seed;
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 16777619;
        return String.format("%08x", h);
    }

    private static int put(ObjectStore store, String key, byte[] data) {
        store.putIfAbsent(key, data, Assets.contentType(key));
        return 1;
    }

    private static String json(Object v) {
        try {
            return Json.MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
