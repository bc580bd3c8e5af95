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
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The settled watermark of a runs index (FORMAT.md §13.3, "Listing from the watermark"): every run of the experiment
 * with an id below {@code below} was listed by the indexer and is either settled for good or named in {@code open}.
 * A reader then lists only the runs at or above {@code below}, the open runs and the reopened runs (annotations of
 * kind {@code reopen} that landed at or after {@code reopensFromMs}, §8.4), and takes every other run from the index
 * without listing its objects. The one home of the three parts of the rule: the indexer's choice ({@link #choose},
 * {@link #settledForGood}), the reader's test ({@link #skips}) and the writer's obligation ({@link #mustAnnounce}).
 *
 * @param below the watermark W, a run id (runs with a smaller id may be skipped)
 * @param marginMs the index margin M the indexer judged "settled" with; a reader with a larger margin lists everything
 * @param reopensFromMs a {@code reopen} annotation that landed (store time) before this was seen by the indexer and
 *     judged with the run; {@link Long#MIN_VALUE} in watermarks written before it (every reopen counts)
 * @param open the runs below W that are not settled, ascending
 */
public record SettledWatermark(String below, long marginMs, long reopensFromMs, SortedSet<String> open) {
    /** The runs-table {@code add} tag holding it (JSON text). */
    public static final String TAG = "runlake.settled";
    /**
     * At most this many open runs: past it, W stops at the first open run that does not fit, so a reader never makes
     * more than this many per-run LISTs for one experiment on account of the index.
     */
    public static final int MAX_OPEN = 500;

    /** The index margin M (FORMAT.md §13.3) the indexer judges with, and readers' default. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(10);

    /**
     * The settle age S (FORMAT.md §12.7): a CRASHED run whose newest object is older than this is settled for good,
     * and a {@code reopen} annotation older than this is consumed by the next index. At least R + 2·M + twice the
     * longest store request (5 min), so a writer that obeys {@link #mustAnnounce} never adds to a run an index settled.
     */
    public static final Duration DEFAULT_SETTLE_AGE = Duration.ofMinutes(60);

    /**
     * The resume silence R (FORMAT.md §10.1): a writer that adds to a run's folder more than this after its previous
     * object of the run landed, or that has not written any yet to a run older than this, announces a reopen first.
     */
    public static final Duration DEFAULT_RESUME_SILENCE = Duration.ofMinutes(5);

    public SettledWatermark {
        RunIds.requireValid(below);
        open = Collections.unmodifiableSortedSet(new TreeSet<>(open));
    }

    /**
     * The indexer's choice, from the runs' {@link #settledForGood} verdicts. W is at most the first id of {@code
     * listedMs - marginMs}, so a run created since (whose start manifest may still be on its way) is always listed;
     * reopens that landed before {@code listedMs - settleAgeMs} were judged with their runs.
     *
     * @param settledForGood every run the indexer listed → whether it is settled for good
     * @param listedMs when the indexer listed its inputs (§13.3's T)
     */
    public static SettledWatermark choose(
            SortedMap<String, Boolean> settledForGood, long listedMs, long marginMs, long settleAgeMs) {
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
        return new SettledWatermark(below, marginMs, listedMs - settleAgeMs, open);
    }

    /**
     * What the indexer saw of one run at its listing.
     *
     * @param state the fold of the run's manifests and events
     * @param status its status at the listing
     * @param newestObjectMs the newest last-modified time of its listed raw objects ({@link Long#MAX_VALUE}: unknown)
     * @param uncoveredShard whether a raw shard of it is in no live lake file
     * @param quarantined whether the indexer quarantined an object of it
     * @param newestReopenMs the newest last-modified time of its {@code reopen} annotations; null if none
     */
    public record Observed(
            RunState state,
            RunStatus status,
            long newestObjectMs,
            boolean uncoveredShard,
            boolean quarantined,
            Long newestReopenMs) {
        /** Time can settle it at all: it has a start manifest, no uncovered shard, nothing quarantined. */
        boolean judgeable() {
            return state.start().isPresent() && !uncoveredShard && !quarantined;
        }
    }

    /**
     * Whether the indexer may leave {@code run} below W without naming it open. Always: it has a start manifest, no
     * uncovered shard, nothing of it quarantined (readers would derive it from its raw JSON) and no {@code reopen}
     * annotation that landed at or after {@code listedMs - settleAgeMs}. Moreover either it <em>ended</em> (a final
     * status, every writer that started it has an end manifest, no raw object modified at or after {@code listedMs -
     * marginMs}: after its writers' end manifests nothing more is written into its folder, §10.1) or it is
     * <em>silent</em> (a writer without an end manifest, not RUNNING — CRASHED, or FAILED or KILLED by another writer —
     * and no raw object modified at or after {@code listedMs - settleAgeMs}: a writer that resumes after such a
     * silence announces it first, {@link #mustAnnounce}).
     *
     */
    public static boolean settledForGood(Observed run, long listedMs, long marginMs, long settleAgeMs) {
        RunStatus status = run.status();
        long newestObjectMs = run.newestObjectMs();
        boolean finalStatus = RunRules.hasEnded(status);
        boolean everyWriterEnded = run.state().everyWriterEnded();
        boolean ended = finalStatus && everyWriterEnded && newestObjectMs < listedMs - marginMs;
        boolean silent = !everyWriterEnded && status != RunStatus.RUNNING && newestObjectMs < listedMs - settleAgeMs;
        boolean reopened = run.newestReopenMs() != null && run.newestReopenMs() >= listedMs - settleAgeMs;
        return run.judgeable() && !reopened && (ended || silent);
    }

    /**
     * When a run the indexer did not settle would be settled by time alone if nothing more lands (the index is built
     * again then, FORMAT.md §12.7); empty when time alone cannot settle it.
     */
    public static Optional<Long> settlesAt(Observed run, long crashedAtMs, long marginMs, long settleAgeMs) {
        if (!run.judgeable() || run.newestObjectMs() == Long.MAX_VALUE) return Optional.empty();
        RunStatus status = run.status();
        boolean finalStatus = RunRules.hasEnded(status);
        long at = finalStatus && run.state().everyWriterEnded()
                ? run.newestObjectMs() + marginMs
                : Math.max(status == RunStatus.RUNNING ? crashedAtMs : 0, run.newestObjectMs() + settleAgeMs);
        if (run.newestReopenMs() != null) at = Math.max(at, run.newestReopenMs() + settleAgeMs);
        return Optional.of(at + 1);
    }

    /**
     * The writer's obligation (FORMAT.md §10.1, "Adding to a run that may be settled"): whether a writer about to add
     * an object to a run's folder must first write a {@code reopen} annotation of the run.
     *
     * @param sinceLastLandedNanos how long ago (monotonic clock) the writer's previous object of the run — an object
     *     of its folder or a {@code reopen} annotation — was acknowledged as newly created; negative if it has none
     * @param runAgeMs the writer's clock minus the time of the run id
     * @param resumeSilenceMs R
     */
    public static boolean mustAnnounce(long sinceLastLandedNanos, long runAgeMs, long resumeSilenceMs) {
        if (sinceLastLandedNanos < 0) return runAgeMs > resumeSilenceMs;
        return sinceLastLandedNanos > resumeSilenceMs * 1_000_000L;
    }

    /**
     * Whether a reader may take {@code runId} from the index without listing its objects: below W, not open, not
     * reopened since the index.
     *
     * @param reopenedAt run id → the newest last-modified time of its {@code reopen} annotations (store time)
     */
    public boolean skips(String runId, Map<String, Long> reopenedAt) {
        return runId.compareTo(below) < 0 && !open.contains(runId) && !reopenedSince(reopenedAt.get(runId));
    }

    /** Whether a {@code reopen} annotation that landed at {@code landedMs} (null: none) was not judged by the index. */
    public boolean reopenedSince(Long landedMs) {
        return landedMs != null && landedMs >= reopensFromMs;
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

    /**
     * The tag's JSON text: {@code {"below": W, "margin_ms": M, "reopens_from_ms": T - S, "open": [ids ascending]}}.
     */
    public String toTag() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("below", below);
        n.put("margin_ms", marginMs);
        if (reopensFromMs != Long.MIN_VALUE) n.put("reopens_from_ms", reopensFromMs);
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
            JsonNode reopensFrom = n.get("reopens_from_ms");
            if (below == null || !below.isTextual() || margin == null || !margin.canConvertToLong())
                return Optional.empty();
            if (reopensFrom != null && !reopensFrom.canConvertToLong()) return Optional.empty();
            if (open == null || !open.isArray()) return Optional.empty();
            List<String> ids = new ArrayList<>();
            for (JsonNode id : open) {
                if (!id.isTextual() || !RunIds.isValid(id.asText())) return Optional.empty();
                ids.add(id.asText());
            }
            if (!RunIds.isValid(below.asText())) return Optional.empty();
            long from = reopensFrom == null ? Long.MIN_VALUE : reopensFrom.asLong(); // older tags: every reopen counts
            return Optional.of(new SettledWatermark(below.asText(), margin.asLong(), from, new TreeSet<>(ids)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
