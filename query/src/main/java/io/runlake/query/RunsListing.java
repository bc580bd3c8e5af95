package io.runlake.query;

import io.runlake.format.Annotation;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.lake.LakeLogException;
import io.runlake.lake.LakeSnapshot;
import io.runlake.runs.SettledWatermark;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The listing of {@code runs/} a reader takes (FORMAT.md §13.1, §13.3 "Listing from the watermark"): per experiment,
 * the runs at or above its index's settled watermark, the index's open runs and the runs reopened since; all other runs
 * are taken from the runs index without listing their objects. An experiment without a usable watermark (an index
 * written before watermarks, none at all, or a reader margin larger than the indexer's) is listed in full.
 */
final class RunsListing {
    /** {@code runs/experiment=<esc>/} → the watermark of its current index. */
    private final Map<String, SettledWatermark> watermarks;
    /**
     * Run id → when its newest {@code reopen} annotation landed: listed when that is newer than what its index judged.
     */
    private final Map<String, Long> reopened;

    private RunsListing(Map<String, SettledWatermark> watermarks, Map<String, Long> reopened) {
        this.watermarks = watermarks;
        this.reopened = reopened;
    }

    /** Every run of every experiment is listed (no snapshot to go by). */
    static RunsListing full() {
        return new RunsListing(Map.of(), Map.of());
    }

    /**
     * @param logStore the store to read the lake log from (read BEFORE the listing; the catalog reads it again after)
     * @param reopened run id → when its newest {@code reopen} annotation landed, listed BEFORE any run is listed
     * @param readerMarginMs the reader's index margin
     */
    static RunsListing of(ObjectStore logStore, Map<String, Long> reopened, long readerMarginMs) {
        LakeSnapshot tables;
        try {
            tables = LakeSnapshot.load(logStore, "");
        } catch (LakeLogException e) {
            return full(); // the catalog reports the log's problem; listing everything is always right
        }
        Map<String, SettledWatermark> watermarks = new HashMap<>();
        for (String experiment : tables.experimentsWithFiles()) {
            tables.forExperiment(experiment)
                    .indexWatermark()
                    .filter(w -> w.usableWith(readerMarginMs))
                    .ifPresent(w -> watermarks.put(Layout.experimentPrefix(experiment), w));
        }
        return new RunsListing(watermarks, Map.copyOf(reopened));
    }

    /** Whether the objects of run folder {@code runs/experiment=<esc>/run=<id>} are left out of the listing. */
    boolean skipsFolder(String folderKey) {
        int slash = folderKey.lastIndexOf('/');
        if (slash < 0 || !folderKey.startsWith("run=", slash + 1)) return false;
        SettledWatermark w = watermarks.get(folderKey.substring(0, slash + 1));
        return w != null && w.skips(folderKey.substring(slash + 1 + "run=".length()), reopened);
    }

    /** The listing of a local folder laid out like the store (a {@code file:} store read in place). */
    List<ObjectInfo> listInPlace(Path root) {
        return LocalListing.list(root, Layout.RUNS, folder -> !skipsFolder(folder));
    }

    /**
     * The listing of a remote store: one delimiter LIST of {@code runs/}, then per experiment one listing from its
     * watermark (S3 {@code StartAfter}) plus one LIST per open or reopened run below it, or the whole experiment.
     */
    List<ObjectInfo> list(ObjectStore store) {
        if (watermarks.isEmpty()) return store.list(Layout.RUNS);
        List<ObjectInfo> out = new ArrayList<>();
        for (String experimentPrefix : store.listFolders(Layout.RUNS)) {
            SettledWatermark w = watermarks.get(experimentPrefix);
            if (w == null) {
                out.addAll(store.list(experimentPrefix));
                continue;
            }
            TreeSet<String> below = new TreeSet<>(w.open());
            reopened.forEach((id, at) -> {
                if (id.compareTo(w.below()) < 0 && w.reopenedSince(at)) below.add(id);
            });
            // one LIST per run below W that may have changed (ids are unique across experiments: a reopened run of
            // another experiment lists nothing here)
            for (String id : below) out.addAll(store.list(experimentPrefix + "run=" + id + "/"));
            out.addAll(store.listAfter(experimentPrefix, w.startAfter(experimentPrefix)));
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /**
     * The runs with a {@code reopen} annotation among the annotations copied into {@code root} (FORMAT.md §8.4), each
     * with when its newest one landed (by the store's clock, from the listing; unknown: now or later); unreadable or
     * corrupt ones are reported by the catalog, not here.
     */
    static Map<String, Long> reopenedRuns(Path root, List<ObjectInfo> annotations) {
        Map<String, Long> out = new HashMap<>();
        for (ObjectInfo o : annotations) {
            Optional<Layout.AnnotationKey> key = Layout.parseAnnotation(o.key());
            if (key.isEmpty()) continue;
            long landed = o.landedMs();
            if (out.getOrDefault(key.get().runId(), Long.MIN_VALUE) >= landed) continue;
            try {
                Annotation a = Annotation.read(Files.readAllBytes(root.resolve(o.key())), o.key(), key.get());
                if (Annotation.REOPEN.equals(a.kind())) out.merge(a.runId(), landed, Math::max);
            } catch (Json.MalformedObjectException | IOException e) {
                // skipped here as in the views; the catalog names it
            }
        }
        return out;
    }
}
