package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runlake.client.Run;
import io.runlake.client.RunSpec;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import io.runlake.functions.core.Maintenance;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.report.Direction;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Any name the API accepts round-trips, everything else is rejected at the API" (FORMAT.md §5), over a list of
 * tricky names, for every kind of name: each is written by the real client into one shared store (every accepted
 * experiment name is its own experiment), read back through the Lake API, then compacted and indexed, and read
 * back again. Rejections must be one IllegalArgumentException naming the problem and the name, before anything is
 * written; and no accepted name may disturb any other run or experiment (the store has no problems, the control
 * experiment reads exactly).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NamesRoundTripSuite {
    static final String SUR_HI = "\uD800", SUR_LO = "\uDC00";
    static final List<String> NAMES = List.of(
            "plain",
            "ünïcödé",
            "日本語の実験",
            "emoji 🚀",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "a" + SUR_HI + "b",
            "a" + SUR_LO + "b",
            SUR_LO + SUR_HI,
            "end" + SUR_HI,
            "a\u0000b",
            "a\nb",
            "a\tb",
            "a\rb",
            "a\u007Fb",
            "a\u0085b",
            "line\u2028sep",
            "\uFEFFbom",
            "zero\u200Bwidth",
            "\uFFFF",
            "\uFFFD",
            "it's",
            "say \"hi\"",
            "back`tick",
            "back\\slash",
            "/",
            "a/b",
            "../..",
            "..",
            ".",
            "/lead",
            "trail/",
            "a//b",
            "%",
            "100%",
            "%2F",
            "%zz",
            "a=b",
            "experiment=x",
            "run=01m8bn15h9hrhmr3bgeh23h52y",
            "x'; DROP TABLE runs; --",
            "$$",
            "{}",
            "[a]",
            "*",
            "?",
            "**",
            "NULL",
            "null",
            "nUlL",
            "__HIVE_DEFAULT_PARTITION__",
            "__hive_default_partition__",
            "2024",
            "-1",
            "NaN",
            "true",
            "a+b",
            "a b",
            "#",
            ",",
            ":",
            "~",
            "a.b",
            "$.a",
            "a[0]",
            "params.lr",
            "runlake/x",
            "",
            " ",
            " lead",
            "trail ",
            "\u3000ideographic space",
            "a".repeat(200),
            "a".repeat(201),
            "a".repeat(250),
            "a".repeat(251),
            "ü".repeat(40),
            "ü".repeat(41),
            "ü".repeat(100),
            "🚀".repeat(20),
            "🚀".repeat(21),
            "🚀".repeat(125),
            "🚀".repeat(126),
            "é".repeat(122),
            "é".repeat(123));

    Path tmp;
    URI uri;
    Path artifactFile;
    final Map<Integer, Outcomes> outcomes = new LinkedHashMap<>();
    String controlRun;
    Lake raw;
    Lake compacted;
    String maintenanceFailures = "";

    abstract URI newStore(Path tmp) throws Exception;

    /** What the API did with one name, per kind: null = accepted, else the exception it threw. */
    static final class Outcomes {
        final Map<String, RuntimeException> rejected = new TreeMap<>();
        final List<String> accepted = new ArrayList<>();
        String experimentRun, specRun, eventRun;
    }

    static Stream<Integer> names() {
        return IntStream.range(0, NAMES.size()).boxed();
    }

    static Tracker tracker(URI uri, Path spill) {
        return Tracker.open(
                uri,
                TrackerOptions.defaults()
                        .withFlushInterval(Duration.ofMillis(200))
                        .withSpillRoot(spill)
                        .withShutdownHook(false)
                        .withCaptureCode(false)
                        .withSystemMetricsInterval(Duration.ZERO));
    }

    @BeforeAll
    void writeEveryNameThenCompact() throws Exception {
        tmp = Files.createTempDirectory("runlake-names-");
        uri = newStore(tmp);
        artifactFile = tmp.resolve("model.bin");
        Files.writeString(artifactFile, "weights");
        try (Tracker t = tracker(uri, tmp.resolve("spill"))) {
            Run c = t.newRun("control")
                    .name("control")
                    .param("lr", 0.5)
                    .tag("team", "a")
                    .start();
            for (int s = 0; s < 5; s++) c.log("loss", s, s);
            c.finish();
            controlRun = c.id();
            for (int i = 0; i < NAMES.size(); i++) outcomes.put(i, write(t, i, NAMES.get(i)));
        }
        raw = open(LakeOptions.defaults().withCacheDir(tmp.resolve("cache-raw")));
        MaintenanceOptions mo = MaintenanceOptions.defaults().withWorkDir(tmp.resolve("work"));
        try (ObjectStore store = StoreUris.open(uri)) {
            StringBuilder failures = new StringBuilder();
            for (String e : Maintenance.experiments(store)) {
                try {
                    Maintenance.runExperiment(store, e, mo, Instant.MAX, true);
                } catch (RuntimeException ex) {
                    failures.append(printable(e)).append(": ").append(ex).append('\n');
                }
            }
            maintenanceFailures = failures.toString();
        }
        compacted = open(LakeOptions.defaults()
                .withCacheDir(tmp.resolve("cache-compacted"))
                .withIndexMargin(Duration.ZERO));
    }

    /** Opens the store; a failure is reported by every test that reads it (one bad name must not break the store). */
    private Lake open(LakeOptions options) {
        try {
            return Lake.open(uri, options);
        } catch (RuntimeException e) {
            openFailures.append(e).append('\n');
            return null;
        }
    }

    final StringBuilder openFailures = new StringBuilder();

    @AfterAll
    void close() {
        if (raw != null) raw.close();
        if (compacted != null) compacted.close();
    }

    private Outcomes write(Tracker t, int i, String name) throws Exception {
        Outcomes o = new Outcomes();
        // the experiment name
        Run inExperiment = attempt(
                o, "experiment", () -> t.newRun(name).name("in-experiment").start());
        if (inExperiment != null) {
            inExperiment.log("m", i, 0);
            inExperiment.finish();
            o.experimentRun = inExperiment.id();
        }
        // names and values in the start manifest
        RunSpec spec = t.newRun("names").name("spec-" + i);
        attempt(o, "run name", () -> spec.name(name));
        attempt(o, "param name (start)", () -> spec.param(name, i));
        attempt(o, "param value (start)", () -> spec.param("value", name));
        attempt(o, "tag name (start)", () -> spec.tag(name, "v"));
        attempt(o, "tag value (start)", () -> spec.tag("value", name));
        Run s = spec.start();
        s.finish();
        o.specRun = s.id();
        // names and values in events and shards
        Run e = t.newRun("names").name("events-" + i).start();
        attempt(o, "param name (event)", () -> e.logParam(name, i));
        attempt(o, "param value (event)", () -> e.logParam("value", name));
        attempt(o, "tag name (event)", () -> e.setTag(name, "v"));
        attempt(o, "tag value (event)", () -> e.setTag("value", name));
        attempt(o, "metric key", () -> {
            e.log(name, 1.5, 7);
            return null;
        });
        attempt(o, "artifact name", () -> e.logArtifact(artifactFile, name));
        attempt(
                o,
                "artifact reference name",
                () -> e.logArtifactReference(name, URI.create("s3://bucket/data"), null, 5));
        attempt(o, "input name", () -> e.logInput(name, artifactFile.toString(), "train"));
        attempt(o, "input role", () -> e.logInput("in", artifactFile.toString(), name));
        e.log("m", 1, 0);
        // an exception message cannot be rejected: it is recorded, with unpaired surrogates replaced (§5)
        e.fail(new IllegalStateException(name));
        o.eventRun = e.id();
        return o;
    }

    private static <T> T attempt(Outcomes o, String kind, Supplier<T> call) {
        try {
            T v = call.get();
            o.accepted.add(kind);
            return v;
        } catch (IllegalArgumentException e) {
            o.rejected.put(kind, e);
            return null;
        } catch (RuntimeException e) {
            o.rejected.put(kind, e); // wrong exception type: reported by the test
            return null;
        }
    }

    // ---- the rules of FORMAT.md §5, written out independently of io.runlake.format.Names ----------------------

    static boolean control(String s) {
        return s.chars().anyMatch(c -> c <= 0x1F || (c >= 0x7F && c <= 0x9F));
    }

    static boolean unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return true;
        }
        return false;
    }

    static int escapedLength(String s) {
        int n = 0;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            n += (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '_'
                            || c == '-'
                    ? 1
                    : 3;
        }
        return n;
    }

    /** The reason a name of this kind must be rejected (a word the message must contain), or null if it must be accepted. */
    static String reason(String kind, String name) {
        boolean value = kind.startsWith("param value") || kind.startsWith("tag value");
        if (value) return unpaired(name) ? "unpaired surrogate" : null;
        if (name.isEmpty()) return "must not be empty";
        int max = kind.equals("experiment") ? 200 : 250;
        if (name.length() > max) return "longer than " + max;
        if (control(name)) return "control character";
        if (unpaired(name)) return "unpaired surrogate";
        if (kind.equals("run name")) return null;
        if (!name.strip().equals(name)) return "whitespace";
        if (kind.equals("metric key") && name.startsWith("runlake/")) return "reserved prefix";
        if (kind.equals("experiment")) {
            if (name.equals(".") || name.equals("..")) return "not allowed";
            if (name.equalsIgnoreCase("null") || name.equalsIgnoreCase("__hive_default_partition__"))
                return "not allowed";
            if ("experiment=".length() + escapedLength(name) > 255) return "too long once escaped";
        }
        return null;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                b.append(c).append(s.charAt(++i));
            } else if (c <= 0x1F || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static final List<String> KINDS = List.of(
            "experiment",
            "run name",
            "param name (start)",
            "param value (start)",
            "tag name (start)",
            "tag value (start)",
            "param name (event)",
            "param value (event)",
            "tag name (event)",
            "tag value (event)",
            "metric key",
            "artifact name",
            "artifact reference name",
            "input name",
            "input role");

    // ---- tests -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] name #{0}")
    @MethodSource("names")
    void acceptedOrRejectedExactlyAsSpecified(int i) {
        String name = NAMES.get(i);
        Outcomes o = outcomes.get(i);
        List<String> wrong = new ArrayList<>();
        for (String kind : KINDS) {
            String why = reason(kind, name);
            RuntimeException e = o.rejected.get(kind);
            if (why == null && e != null) wrong.add(kind + ": rejected but must be accepted: " + e);
            if (why != null && e == null) wrong.add(kind + ": accepted but must be rejected (" + why + ")");
            if (why != null && e != null) {
                String m = String.valueOf(e.getMessage());
                if (!(e instanceof IllegalArgumentException))
                    wrong.add(kind + ": not an IllegalArgumentException: " + e);
                if (!m.contains(why)) wrong.add(kind + ": message does not say '" + why + "': " + m);
                String shown = printable(name.length() > 30 ? name.substring(0, 30) : name);
                if (!name.isEmpty() && !m.contains(shown))
                    wrong.add(kind + ": message does not name '" + shown + "': " + m);
                String kindWord = kind.replace(" (start)", "")
                        .replace(" (event)", "")
                        .replace("param value", "param")
                        .replace("tag value", "tag")
                        .replace("artifact reference name", "artifact name");
                if (!m.contains(kindWord))
                    wrong.add(kind + ": message does not name the kind '" + kindWord + "': " + m);
            }
        }
        assertTrue(wrong.isEmpty(), "name '" + printable(name) + "':\n" + String.join("\n", wrong));
    }

    @ParameterizedTest(name = "[{index}] name #{0}")
    @MethodSource("names")
    void acceptedNamesRoundTripRawAndCompacted(int i) {
        assertEquals("", openFailures.toString(), "opening the store must not fail");
        assertEquals("", maintenanceFailures, "maintenance must not fail");
        roundTrip(raw, i, "raw");
        roundTrip(compacted, i, "compacted");
    }

    private void roundTrip(Lake lake, int i, String phase) {
        String name = NAMES.get(i);
        Outcomes o = outcomes.get(i);
        String where = phase + ", name '" + printable(name) + "'";
        // the experiment
        if (o.experimentRun != null) {
            assertEquals(
                    List.of(List.of(o.experimentRun, "in-experiment")),
                    lake.query("SELECT run_id, name FROM runs WHERE experiment = ?", name)
                            .rows(),
                    where);
            assertEquals(
                    List.of(List.of(name, 1L)),
                    lake.query(
                                    "SELECT experiment, count(*) FROM metrics WHERE run_id = ? GROUP BY ALL",
                                    o.experimentRun)
                            .rows(),
                    where);
            assertTrue(lake.experiments().contains(name), where);
            Table lb = lake.leaderboard(name, "m", Direction.MIN, 5, null);
            assertEquals(o.experimentRun, lb.get(0, "run_id"), where);
        }
        // the start manifest
        Map<String, String> params = new TreeMap<>(), tags = new TreeMap<>();
        if (o.accepted.contains("param name (start)")) params.put(name, Integer.toString(i));
        if (o.accepted.contains("param value (start)")) params.put("value", name);
        if (o.accepted.contains("tag name (start)")) tags.put(name, "v");
        if (o.accepted.contains("tag value (start)")) tags.put("value", name);
        assertEquals(
                List.of(o.accepted.contains("run name") ? name : "spec-" + i),
                lake.query("SELECT name FROM runs WHERE run_id = ?", o.specRun).rows().stream()
                        .map(r -> r.get(0))
                        .toList(),
                where);
        assertEquals(params, kv(lake, "params", o.specRun), where);
        assertEquals(tags, kv(lake, "tags", o.specRun), where);
        // events and shards
        params.clear();
        tags.clear();
        if (o.accepted.contains("param name (event)")) params.put(name, Integer.toString(i));
        if (o.accepted.contains("param value (event)")) params.put("value", name);
        if (o.accepted.contains("tag name (event)")) tags.put(name, "v");
        if (o.accepted.contains("tag value (event)")) tags.put("value", name);
        assertEquals(params, kv(lake, "params", o.eventRun), where);
        assertEquals(tags, kv(lake, "tags", o.eventRun), where);
        List<List<Object>> points = new ArrayList<>();
        points.add(List.of("m", 0L, 1.0));
        if (o.accepted.contains("metric key")) points.add(List.of(name, 7L, 1.5));
        points.sort((a, b) -> ((String) a.get(0)).compareTo((String) b.get(0)));
        List<List<Object>> got =
                new ArrayList<>(lake.query("SELECT key, step, value FROM metrics WHERE run_id = ?", o.eventRun)
                        .rows());
        got.sort((a, b) -> ((String) a.get(0)).compareTo((String) b.get(0)));
        assertEquals(points, got, where);
        if (o.accepted.contains("metric key")) {
            assertEquals(1, lake.history(o.eventRun, name, 0).points().size(), where);
            assertEquals(
                    List.of(List.of(1.5, 1L)),
                    lake.query(
                                    "SELECT last_value, points FROM metric_summary WHERE run_id = ? AND key = ?",
                                    o.eventRun,
                                    name)
                            .rows(),
                    where);
        }
        TreeSet<String> artifacts = new TreeSet<>();
        if (o.accepted.contains("artifact name") || o.accepted.contains("artifact reference name")) artifacts.add(name);
        assertEquals(
                artifacts,
                new TreeSet<>(lake.query("SELECT name FROM artifacts WHERE run_id = ?", o.eventRun).rows().stream()
                        .map(r -> (String) r.get(0))
                        .toList()),
                where);
        List<String> inputs = new ArrayList<>();
        if (o.accepted.contains("input name")) inputs.add(name + " | train");
        if (o.accepted.contains("input role")) inputs.add("in | " + name);
        inputs.sort(null);
        assertEquals(
                inputs,
                lake.query("SELECT name || ' | ' || role FROM inputs WHERE run_id = ?", o.eventRun).rows().stream()
                        .map(r -> (String) r.get(0))
                        .sorted()
                        .toList(),
                where);
        // the failure message is recorded (unpaired surrogates become U+FFFD)
        Object error = lake.query("SELECT status, error FROM runs WHERE run_id = ?", o.eventRun)
                .get(0, "error");
        assertEquals(
                "FAILED",
                lake.query("SELECT status FROM runs WHERE run_id = ?", o.eventRun)
                        .get(0, "status"),
                where);
        String expected = "java.lang.IllegalStateException" + (name.isEmpty() ? "" : ": " + wellFormed(name));
        assertEquals(expected, error, where);
    }

    static String wellFormed(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                b.append(c).append(s.charAt(++i));
            else b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
        }
        return b.toString();
    }

    private static Map<String, String> kv(Lake lake, String view, String runId) {
        Map<String, String> out = new TreeMap<>();
        for (List<Object> r : lake.query("SELECT key, value FROM " + view + " WHERE run_id = ?", runId)
                .rows()) {
            assertNull(out.put((String) r.get(0), (String) r.get(1)), "duplicate " + view + " key " + r.get(0));
        }
        return out;
    }

    @Test
    void noNameDisturbsAnyOtherRunOrExperiment() {
        assertEquals("", openFailures.toString(), "opening the store must not fail");
        for (Lake lake : List.of(raw, compacted)) {
            assertEquals(List.of(), lake.problems(), "every object written by the API is readable");
            assertEquals(
                    List.of(List.of(controlRun, "control", "FINISHED", 5L)),
                    lake.sql(
                                    "SELECT r.run_id, r.name, r.status, (SELECT count(*) FROM metrics WHERE experiment = 'control') FROM runs r "
                                            + "WHERE r.experiment = 'control'")
                            .rows());
            TreeSet<String> experiments = new TreeSet<>(List.of("control", "names"));
            outcomes.forEach((i, o) -> {
                if (o.experimentRun != null) experiments.add(NAMES.get(i));
            });
            assertEquals(
                    new ArrayList<>(experiments),
                    lake.experiments().stream().sorted().toList(),
                    "exactly the accepted experiments");
            long runs = 1
                    + outcomes.values().stream()
                            .mapToLong(o -> o.experimentRun != null ? 3 : 2)
                            .sum();
            assertEquals(
                    runs, ((Number) lake.sql("SELECT count(*) AS n FROM runs").get(0, "n")).longValue());
            assertNotNull(lake.show(controlRun));
        }
        assertTrue(
                ((Number) compacted
                                        .sql("SELECT count(*) AS n FROM runs WHERE source = 'index'")
                                        .get(0, "n"))
                                .longValue()
                        > 0,
                "after maintenance, settled runs come from the runs index");
        if (!maintenanceFailures.isEmpty()) fail(maintenanceFailures);
    }
}
