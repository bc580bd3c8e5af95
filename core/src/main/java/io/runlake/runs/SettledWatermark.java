package io.runlake.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import io.runlake.format.RunIds;
import io.runlake.format.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The settled watermark of a runs index (FORMAT.md §13.3, "Listing from the watermark"): every run of the experiment
 * with an id below {@code below} was listed by the indexer and is either settled for good or named in {@code open}.
 * A reader then lists only the runs at or above {@code below}, the open runs and the reopened runs (annotations of
 * kind {@code reopen}, §8.4), and takes every other run from the index without listing its objects. The one home of
 * both halves of the rule: the indexer's choice ({@link #choose}) and the reader's test ({@link #skips}).
 *
 * @param below the watermark W, a run id (runs with a smaller id may be skipped)
 * @param marginMs the index margin M the indexer judged "settled" with; a reader with a larger margin lists everything
 * @param open the runs below W that are not settled, ascending
 */
public record SettledWatermark(String below, long marginMs, SortedSet<String> open) {
    /** The runs-table {@code add} tag holding it (JSON text). */
    public static final String TAG = "runlake.settled";
    /**
     * At most this many open runs: past it, W stops at the first open run that does not fit, so a reader never makes
     * more than this many per-run LISTs for one experiment on account of the index.
     */
    public static final int MAX_OPEN = 500;

    /** The index margin M (FORMAT.md §13.3) the indexer judges with, and readers' default. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(10);

    public SettledWatermark {
        RunIds.requireValid(below);
        open = Collections.unmodifiableSortedSet(new TreeSet<>(open));
    }

    /**
     * The indexer's choice. A run counts as settled for good when it is settled by §13.3 (final status, every raw
     * object older than {@code listedMs - marginMs}, no uncovered shard) and moreover every writer that started it
     * has an end manifest, it has no quarantined object and no {@code reopen} annotation: after its writers' end
     * manifests nothing more is written into its folder (§10.1). W is at most the first id of {@code listedMs -
     * marginMs}, so a run created since (whose start manifest may still be on its way) is always listed.
     *
     * @param settledForGood every run the indexer listed → whether it is settled for good
     * @param listedMs when the indexer listed its inputs (§13.3's T)
     */
    public static SettledWatermark choose(SortedMap<String, Boolean> settledForGood, long listedMs, long marginMs) {
        String below = RunIds.floorOf(Math.max(0, listedMs - marginMs));
        SortedSet<String> open = new TreeSet<>();
        for (Map.Entry<String, Boolean> run : settledForGood.headMap(below).entrySet()) {
            if (run.getValue()) continue;
            if (open.size() == MAX_OPEN) {
                below = run.getKey(); // the first open run that does not fit: listed as one above W
                break;
            }
            open.add(run.getKey());
        }
        return new SettledWatermark(below, marginMs, open);
    }

    /**
     * Whether the indexer may leave {@code run} below W without naming it open: settled by §13.3 (a final status, no
     * raw object modified at or after {@code listedMs - marginMs}, no uncovered shard), every writer that started it
     * ended, nothing of it quarantined (readers would derive it from its raw JSON) and no {@code reopen} annotation.
     *
     * @param newestObjectMs the newest last-modified time of the run's listed raw objects
     */
    public static boolean settledForGood(
            RunState run,
            RunStatus status,
            long newestObjectMs,
            boolean uncoveredShard,
            boolean quarantined,
            boolean reopened,
            long listedMs,
            long marginMs) {
        boolean finalStatus = status == RunStatus.FINISHED || status == RunStatus.FAILED || status == RunStatus.KILLED;
        return finalStatus
                && run.start().isPresent()
                && run.everyWriterEnded()
                && newestObjectMs < listedMs - marginMs
                && !uncoveredShard
                && !quarantined
                && !reopened;
    }

    /**
     * Whether a reader may take {@code runId} from the index without listing its objects: below W, not open, not
     * reopened since the index.
     */
    public boolean skips(String runId, Set<String> reopened) {
        return runId.compareTo(below) < 0 && !open.contains(runId) && !reopened.contains(runId);
    }

    /** Whether a reader judging with {@code readerMarginMs} may use this watermark (not if its margin is larger). */
    public boolean usableWith(long readerMarginMs) {
        return readerMarginMs <= marginMs;
    }

    /**
     * The key an experiment's listing starts after (S3 {@code StartAfter}): every key of run W and later runs sorts
     * after it, every key of an earlier run before it.
     *
     * @param experimentPrefix {@code runs/experiment=<esc>/}
     */
    public String startAfter(String experimentPrefix) {
        return experimentPrefix + "run=" + below;
    }

    /** The tag's JSON text: {@code {"below": W, "margin_ms": M, "open": [ids ascending]}}. */
    public String toTag() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("below", below);
        n.put("margin_ms", marginMs);
        ArrayNode ids = n.putArray("open");
        open.forEach(ids::add);
        return n.toString();
    }

    /**
     * The watermark of a tag, or empty when there is none or it cannot be read (a reader then lists the experiment in
     * full, as for an index written before watermarks: never an error).
     */
    public static Optional<SettledWatermark> fromTag(String tag) {
        if (tag == null) return Optional.empty();
        try {
            JsonNode n = Json.MAPPER.readTree(tag.getBytes(StandardCharsets.UTF_8));
            JsonNode below = n.get("below"), margin = n.get("margin_ms"), open = n.get("open");
            if (below == null || !below.isTextual() || margin == null || !margin.canConvertToLong())
                return Optional.empty();
            if (open == null || !open.isArray()) return Optional.empty();
            List<String> ids = new ArrayList<>();
            for (JsonNode id : open) {
                if (!id.isTextual() || !RunIds.isValid(id.asText())) return Optional.empty();
                ids.add(id.asText());
            }
            if (!RunIds.isValid(below.asText())) return Optional.empty();
            return Optional.of(new SettledWatermark(below.asText(), margin.asLong(), new TreeSet<>(ids)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
