package io.runlake.lake;

import io.runlake.format.Layout;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reader must read to see every metric point of an experiment exactly once: the live lake files of
 * a snapshot plus the raw shards that snapshot does not cover (and that are not quarantined).
 *
 * <p>Order matters: raw objects are listed FIRST and the log is read SECOND. A shard listed before a
 * compaction committed is either not yet covered (the log read afterwards may or may not include the
 * commit: if it does, the shard is skipped and its points come from the new lake file; if it does not, the
 * shard is read and the new file is not live yet) — never both, never neither. Listing in the other order
 * could miss a shard deleted after the commit. A shard listed here but deleted before it is read (the
 * compactor deletes covered shards after a grace period) means a newer commit covers it: load the view
 * again.
 */
public record LakeView(
        String experiment,
        List<ObjectInfo> rawObjects,
        LakeSnapshot snapshot,
        List<ObjectInfo> uncoveredShards,
        List<DataFile> liveFiles) {

    public static LakeView load(ObjectStore store, String experiment) {
        List<ObjectInfo> raw = store.list(Layout.experimentPrefix(experiment));
        LakeSnapshot snapshot = LakeSnapshot.load(store, experiment);
        return of(experiment, raw, snapshot);
    }

    /** A view from a listing and a snapshot the caller read in that order. */
    public static LakeView of(String experiment, List<ObjectInfo> raw, LakeSnapshot snapshot) {
        List<ObjectInfo> uncovered = new ArrayList<>();
        for (ObjectInfo o : raw) {
            Optional<Layout.RunObject> ro = Layout.parseRunObject(o.key());
            if (ro.isEmpty()
                    || ro.get().kind() != Layout.RunObjectKind.SHARD
                    || !ro.get().experiment().equals(experiment)) continue;
            if (snapshot.isCovered(o.key()) || snapshot.isQuarantined(o.key())) continue;
            uncovered.add(o);
        }
        return new LakeView(experiment, List.copyOf(raw), snapshot, List.copyOf(uncovered), snapshot.liveFiles());
    }

    /** Raw objects that parse as run objects of this experiment (manifests, events, shards), quarantined ones excluded. */
    public List<RawObject> runObjects() {
        List<RawObject> out = new ArrayList<>();
        for (ObjectInfo o : rawObjects) {
            Optional<Layout.RunObject> ro = Layout.parseRunObject(o.key());
            if (ro.isEmpty() || !ro.get().experiment().equals(experiment) || snapshot.isQuarantined(o.key())) continue;
            out.add(new RawObject(o, ro.get()));
        }
        return out;
    }

    /** Every object a reader opens for points: live lake file keys, then uncovered shard keys. */
    public List<String> pointSources() {
        List<String> out = new ArrayList<>();
        liveFiles.forEach(f -> out.add(f.path()));
        uncoveredShards.forEach(o -> out.add(o.key()));
        return out;
    }

    /** A listed raw object and its parsed key. */
    public record RawObject(ObjectInfo info, Layout.RunObject parsed) {}

    /**
     * Per run, the newest last-modified time of its listed objects (§13.3's condition 2); a missing time counts as
     * "just now" (never settled on its account).
     */
    public static java.util.Map<String, Long> newestObjectTimes(List<RawObject> objects) {
        java.util.Map<String, Long> newest = new java.util.HashMap<>();
        for (RawObject o : objects) {
            newest.merge(o.parsed().runId(), o.info().landedMs(), Math::max);
        }
        return newest;
    }
}
