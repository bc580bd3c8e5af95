package io.runlake.lake;

import com.fasterxml.jackson.core.type.TypeReference;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A set of raw metric shards of one experiment, held as sequence ranges per writer stream so that it stays
 * small however many shards a run writes: a writer numbers its shards 0, 1, 2, … (FORMAT.md, "Metric shards"),
 * so the shards a lake file holds are usually one range per writer. Stored as the {@code runlake.covers} tag
 * of a lake file's {@code add} action (FORMAT.md, "Which raw shards a file holds").
 *
 * <p>Text form: a JSON object from stream ({@code <run id>/w<worker:5 digits>-<writer id>}) to ranges
 * ({@code "0-17,19,21-30"}), streams in ascending order. Immutable.
 */
public final class ShardSet {
    public static final ShardSet EMPTY = new ShardSet(new TreeMap<>());

    /** stream → (range start → range end, inclusive), disjoint and not adjacent. */
    private final TreeMap<String, TreeMap<Long, Long>> ranges;

    private ShardSet(TreeMap<String, TreeMap<Long, Long>> ranges) {
        this.ranges = ranges;
    }

    /** The set of the given shard keys; a key that is not a metric shard is rejected. */
    public static ShardSet of(Collection<String> shardKeys) {
        TreeMap<String, TreeMap<Long, Long>> r = new TreeMap<>();
        for (String key : shardKeys) {
            Layout.RunObject o = shard(key)
                    .orElseThrow(() -> new IllegalArgumentException("'" + key + "' is not a raw metric shard key"));
            add(r, stream(o), o.seq(), o.seq());
        }
        return new ShardSet(r);
    }

    /** Parses the text form; throws {@link LakeLogException} naming {@code where} if it is malformed. */
    public static ShardSet parse(String text, String where) {
        TreeMap<String, TreeMap<Long, Long>> r = new TreeMap<>();
        try {
            Map<String, String> streams = Json.MAPPER.readValue(text, new TypeReference<Map<String, String>>() {});
            for (Map.Entry<String, String> e : streams.entrySet()) {
                for (String part : e.getValue().split(",")) {
                    int dash = part.indexOf('-');
                    long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
                    long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
                    if (from < 0 || to < from) throw new NumberFormatException("bad range " + part);
                    add(r, e.getKey(), from, to);
                }
            }
        } catch (Exception e) {
            throw new LakeLogException(where + ": malformed shard set '" + text + "': " + e.getMessage());
        }
        return new ShardSet(r);
    }

    public ShardSet union(ShardSet other) {
        TreeMap<String, TreeMap<Long, Long>> r = copy(ranges);
        other.ranges.forEach((s, m) -> m.forEach((from, to) -> add(r, s, from, to)));
        return new ShardSet(r);
    }

    /** Whether the raw key is a shard in this set (false for any other key). */
    public boolean contains(String key) {
        Optional<Layout.RunObject> o = shard(key);
        if (o.isEmpty()) return false;
        TreeMap<Long, Long> m = ranges.get(stream(o.get()));
        if (m == null) return false;
        Map.Entry<Long, Long> e = m.floorEntry(o.get().seq());
        return e != null && e.getValue() >= o.get().seq();
    }

    /** How many shards the set holds. */
    public long size() {
        long n = 0;
        for (TreeMap<Long, Long> m : ranges.values())
            for (Map.Entry<Long, Long> e : m.entrySet()) n += e.getValue() - e.getKey() + 1;
        return n;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The text form (see the class comment). */
    public String text() {
        Map<String, String> out = new TreeMap<>();
        ranges.forEach((s, m) -> {
            List<String> parts = new ArrayList<>();
            m.forEach((from, to) -> parts.add(from.equals(to) ? Long.toString(from) : from + "-" + to));
            out.put(s, String.join(",", parts));
        });
        return new String(Json.write(out), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardSet s && s.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return text();
    }

    private static Optional<Layout.RunObject> shard(String key) {
        return Layout.parseRunObject(key).filter(o -> o.kind() == Layout.RunObjectKind.SHARD);
    }

    private static String stream(Layout.RunObject o) {
        return o.runId() + "/w" + String.format("%05d", o.worker()) + "-" + o.writerId();
    }

    /** Adds [from, to] to the stream's ranges, merging overlapping and adjacent ones. */
    private static void add(TreeMap<String, TreeMap<Long, Long>> r, String stream, long from, long to) {
        TreeMap<Long, Long> m = r.computeIfAbsent(stream, s -> new TreeMap<>());
        Map.Entry<Long, Long> before = m.floorEntry(from);
        if (before != null && before.getValue() >= from - 1) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
        }
        Map.Entry<Long, Long> next;
        while ((next = m.ceilingEntry(from)) != null && next.getKey() <= to + 1) {
            to = Math.max(to, next.getValue());
            m.remove(next.getKey());
        }
        m.put(from, to);
    }

    private static TreeMap<String, TreeMap<Long, Long>> copy(TreeMap<String, TreeMap<Long, Long>> r) {
        TreeMap<String, TreeMap<Long, Long>> out = new TreeMap<>();
        r.forEach((s, m) -> out.put(s, new TreeMap<>(m)));
        return out;
    }
}
