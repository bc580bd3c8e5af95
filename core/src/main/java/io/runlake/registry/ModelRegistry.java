package io.runlake.registry;

import io.runlake.format.AliasEvent;
import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.Names;
import io.runlake.format.RegisteredModel;
import io.runlake.format.RunEvent;
import io.runlake.format.RunIdPointer;
import io.runlake.format.RunIds;
import io.runlake.format.RunObjects;
import io.runlake.format.RunStart;
import io.runlake.runs.PurgeAudits;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The model registry over an object store (FORMAT.md §16). Every write is a put-if-absent of a new object; nothing
 * is ever rewritten or deleted, so any number of processes may register and move aliases at once without a lock.
 */
public final class ModelRegistry {
    /** How often a registrar re-lists after losing the race for a number; each loss means another registrar won. */
    static final int MAX_NUMBER_ATTEMPTS = 1000;

    private final ObjectStore store;
    private final String actor;

    /**
     * Opens the registry of a store, refusing a store of a newer format (FORMAT.md §3).
     *
     * @param actor who is registering and moving aliases, recorded in every object written (e.g. the user name)
     */
    public ModelRegistry(ObjectStore store, String actor) {
        // a writer refuses a store of a newer format before writing anything (FORMAT.md §3)
        FormatVersion.checkMarker(
                store.get(Layout.FORMAT_MARKER).orElse(null), store.uri().toString());
        this.store = store;
        this.actor = actor == null || actor.isBlank() ? System.getProperty("user.name", "unknown") : actor;
    }

    /** What a new version points to and records; the number is chosen by {@link #registerVersion}. */
    public record NewVersion(
            String model,
            String runId,
            RunEvent.Artifact artifact,
            String description,
            Map<String, String> tags,
            Map<String, Double> metrics) {}

    /** Registers a model, or returns the registration that already exists (its description and tags are kept). */
    public RegisteredModel registerModel(String name, String description, Map<String, String> tags) {
        String key = Layout.modelRecord(name);
        validateTags(tags);
        if (description != null) Names.requireUnicode("model description", description);
        RegisteredModel model = new RegisteredModel(
                FormatVersion.CURRENT,
                RegisteredModel.KIND,
                name,
                description,
                tags == null || tags.isEmpty() ? null : Map.copyOf(tags),
                actor,
                System.currentTimeMillis());
        if (store.putIfAbsent(key, Json.write(model))) return model;
        return read(key, RegisteredModel.class)
                .orElseThrow(
                        () -> new IllegalStateException("model " + name + " exists but " + key + " is unreadable"));
    }

    /**
     * Registers the next version of a model (registering the model first if needed): lists the numbers taken,
     * puts-if-absent on the greatest plus one and, when another registrar got there first, lists again. Numbers
     * are therefore never skipped and never shared.
     *
     * @throws IllegalArgumentException if the run is not in this store, or the artifact blob is missing
     */
    public ModelVersion registerVersion(NewVersion v) {
        Names.requireModelName(v.model());
        validateTags(v.tags());
        if (v.description() != null) Names.requireUnicode("model version description", v.description());
        RunIds.requireValid(v.runId());
        RunIdPointer run = runPointer(v.runId());
        RunEvent.Artifact a = v.artifact();
        if (a == null) throw new IllegalArgumentException("a model version needs an artifact or a reference");
        Names.requireKey("artifact name", a.name());
        if (!a.reference() && store.head(Layout.artifactBlob(a.sha256())).isEmpty()) {
            throw new IllegalArgumentException("artifact " + a.name() + " (sha256 " + a.sha256()
                    + ") is not in this store: log it with Run.logArtifact first");
        }
        if (store.head(Layout.modelRecord(v.model())).isEmpty()) registerModel(v.model(), null, null);
        for (int attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
            long number = lastVersionNumber(v.model()) + 1;
            ModelVersion version = new ModelVersion(
                    FormatVersion.CURRENT,
                    ModelVersion.KIND,
                    v.model(),
                    number,
                    run.experiment(),
                    v.runId(),
                    a,
                    v.description(),
                    v.tags() == null || v.tags().isEmpty() ? null : Map.copyOf(v.tags()),
                    v.metrics() == null || v.metrics().isEmpty() ? null : Map.copyOf(v.metrics()),
                    actor,
                    System.currentTimeMillis());
            if (store.putIfAbsent(Layout.modelVersion(v.model(), number), Json.write(version))) return version;
            backOff(attempt);
        }
        throw new IllegalStateException("could not register a version of " + v.model() + " after " + MAX_NUMBER_ATTEMPTS
                + " attempts: too many concurrent registrations");
    }

    /** The greatest version number taken (0 if none); a corrupt object still takes its number. */
    private long lastVersionNumber(String model) {
        long max = 0;
        for (ObjectInfo o : store.list(Layout.modelVersionsPrefix(model))) {
            Optional<Layout.ModelObject> parsed = Layout.parseModelObject(o.key());
            if (parsed.isPresent() && parsed.get().kind() == Layout.ModelObjectKind.VERSION) {
                max = Math.max(max, parsed.get().version());
            }
        }
        return max;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2 + Math.min(attempt, 50)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering a model version", e);
        }
    }

    /**
     * Points {@code alias} at {@code version}, appending an event. With a {@code condition}, the move happens only
     * if the version's metric is strictly better than the current holder's; otherwise nothing is written.
     *
     * @throws PromotionRefusedException if the condition fails
     * @throws NoSuchElementException if the version does not exist
     */
    public AliasEvent setAlias(String model, String alias, long version, String reason, Promotion condition) {
        Names.requireAliasName(alias);
        ModelVersion candidate = resolve(ModelUri.ofVersion(model, version));
        AliasLog log = aliasLog(model, alias, new ArrayList<>());
        Long previous = log.current().map(AliasEvent::version).orElse(null);
        AliasEvent.Condition checked = condition == null ? null : check(condition, candidate, alias, previous);
        return append(model, alias, version, previous, reason, checked, log.lastId());
    }

    /** Removes an alias (an event with no version); the history keeps every earlier move. */
    public AliasEvent removeAlias(String model, String alias, String reason) {
        Names.requireAliasName(alias);
        AliasLog log = aliasLog(model, alias, new ArrayList<>());
        Long previous = log.current().map(AliasEvent::version).orElse(null);
        if (previous == null) throw new NoSuchElementException("model " + model + " has no alias " + alias);
        return append(model, alias, null, previous, reason, null, log.lastId());
    }

    private AliasEvent.Condition check(Promotion p, ModelVersion candidate, String alias, Long holderVersion) {
        String what = "models:/" + candidate.model() + "/" + candidate.version();
        Double mine = candidate.metrics() == null ? null : candidate.metrics().get(p.metric());
        if (mine == null || mine.isNaN()) {
            throw new PromotionRefusedException("refused to move " + alias + " to " + what + ": it has no recorded "
                    + p.metric() + " (register it with its metrics)");
        }
        if (holderVersion == null) {
            return new AliasEvent.Condition(
                    p.metric(), p.direction().text(), mine, null, true, alias + " had no holder");
        }
        ModelVersion holder = resolve(ModelUri.ofVersion(candidate.model(), holderVersion));
        Double theirs = holder.metrics() == null ? null : holder.metrics().get(p.metric());
        if (theirs == null || theirs.isNaN()) {
            return new AliasEvent.Condition(
                    p.metric(),
                    p.direction().text(),
                    mine,
                    null,
                    true,
                    "holder version " + holderVersion + " has no recorded " + p.metric());
        }
        String comparison = p.metric() + " " + mine + " vs " + theirs + " of version " + holderVersion + " ("
                + p.direction().meaning() + ")";
        if (!p.isBetter(mine, theirs)) {
            throw new PromotionRefusedException(
                    "refused to move " + alias + " to " + what + ": not better than the current holder, " + comparison);
        }
        return new AliasEvent.Condition(p.metric(), p.direction().text(), mine, theirs, true, "better: " + comparison);
    }

    private AliasEvent append(
            String model,
            String alias,
            Long version,
            Long previous,
            String reason,
            AliasEvent.Condition condition,
            String lastId) {
        if (reason != null) Names.requireUnicode("alias reason", reason);
        while (true) {
            AliasEvent event = new AliasEvent(
                    FormatVersion.CURRENT,
                    AliasEvent.KIND,
                    model,
                    alias,
                    version,
                    previous,
                    reason,
                    condition,
                    actor,
                    System.currentTimeMillis());
            // the greatest key is the latest move, so the key sorts after every event this move read, even one
            // written in the same millisecond (fresh ids of one millisecond sort randomly)
            if (store.putIfAbsent(Layout.aliasEvent(model, alias, RunIds.after(lastId)), Json.write(event))) {
                return event;
            }
        }
    }

    /** The latest event of an alias, if the alias points to a version now. */
    public Optional<AliasEvent> currentAlias(String model, String alias) {
        return aliasLog(model, alias, new ArrayList<>()).current();
    }

    /** Every move of an alias, oldest first; corrupt events are skipped and named in {@code problems}. */
    public List<AliasEvent> aliasHistory(String model, String alias, List<String> problems) {
        return aliasLog(model, alias, problems).events();
    }

    /** An alias's valid events in key order, and the greatest event id listed (a corrupt event's too). */
    private record AliasLog(List<AliasEvent> events, String lastId) {
        Optional<AliasEvent> current() {
            return events.isEmpty()
                    ? Optional.empty()
                    : Optional.of(events.get(events.size() - 1)).filter(e -> e.version() != null);
        }
    }

    private AliasLog aliasLog(String model, String alias, List<String> problems) {
        List<AliasEvent> events = new ArrayList<>();
        String lastId = null;
        String prefix = Layout.aliasEventsPrefix(model, alias);
        for (ObjectInfo o : store.list(prefix)) {
            String id = o.key().substring(prefix.length()).replace(Layout.JSON_SUFFIX, "");
            if (RunIds.isValid(id) && (lastId == null || id.compareTo(lastId) > 0)) lastId = id;
            readChecked(o.key(), problems).ifPresent(x -> {
                if (x instanceof AliasEvent e) events.add(e);
            });
        }
        return new AliasLog(events, lastId);
    }

    /** The version a URI names. */
    public ModelVersion resolve(ModelUri uri) {
        long version = uri.version();
        if (uri.alias() != null) {
            version = currentAlias(uri.model(), uri.alias())
                    .map(AliasEvent::version)
                    .orElseThrow(
                            () -> new NoSuchElementException("model " + uri.model() + " has no alias " + uri.alias()));
        }
        String key = Layout.modelVersion(uri.model(), version);
        List<String> problems = new ArrayList<>();
        Optional<Object> found = store.get(key).flatMap(bytes -> checked(key, bytes, problems));
        if (!problems.isEmpty()) throw new IllegalStateException(problems.get(0));
        return (ModelVersion)
                found.orElseThrow(() -> new NoSuchElementException("no " + uri + " (" + key + " does not exist)"));
    }

    /** The exact bytes of a stored artifact, checked against the version's SHA-256. */
    public byte[] readArtifact(ModelVersion v) {
        String key = blobKey(v);
        byte[] bytes = store.get(key)
                .orElseThrow(
                        () -> new NoSuchElementException("artifact blob " + key + " of " + uriOf(v) + " is missing"));
        requireSha256(v, sha256(bytes), key);
        return bytes;
    }

    /** Copies a stored artifact to {@code target} (replacing it) only if its SHA-256 matches the version's. */
    public void downloadArtifact(ModelVersion v, Path target) {
        String key = blobKey(v);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = Files.createTempFile(parent, ".runlake-", ".partial");
            try {
                if (store.download(key, partial).isEmpty()) {
                    throw new NoSuchElementException("artifact blob " + key + " of " + uriOf(v) + " is missing");
                }
                MessageDigest digest = sha256Digest();
                try (InputStream in = new DigestInputStream(Files.newInputStream(partial), digest)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                requireSha256(v, HexFormat.of().formatHex(digest.digest()), key);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static String blobKey(ModelVersion v) {
        if (v.artifact().reference()) {
            throw new IllegalStateException(uriOf(v) + " is a reference to "
                    + v.artifact().uri() + ", not a stored artifact: fetch it from there");
        }
        return Layout.artifactBlob(v.artifact().sha256());
    }

    private static void requireSha256(ModelVersion v, String actual, String key) {
        if (!actual.equals(v.artifact().sha256())) {
            throw new IllegalStateException("artifact blob " + key + " of " + uriOf(v) + " has SHA-256 " + actual
                    + ", not the registered " + v.artifact().sha256() + ": refusing to return other bytes");
        }
    }

    private static String uriOf(ModelVersion v) {
        return ModelUri.ofVersion(v.model(), v.version()).toString();
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    /**
     * The run behind a version: its start manifest and the inputs and artifacts of its events. Corrupt run objects
     * are skipped and named in the lineage's problems, as every reader does (FORMAT.md §11).
     */
    public ModelLineage lineage(ModelVersion v) {
        return runLineage(v, v.experiment(), v.runId());
    }

    /**
     * The artifact named {@code name} that run {@code runId} logged (its latest, if logged twice), for registering it
     * by name.
     */
    public Optional<RunEvent.Artifact> loggedArtifact(String runId, String name) {
        RunIdPointer run = runPointer(runId);
        List<RunEvent.Artifact> logged =
                runLineage(null, run.experiment(), runId).artifacts();
        return logged.stream().filter(a -> a.name().equals(name)).reduce((first, later) -> later);
    }

    /** The run-id pointer of a run (FORMAT.md §7.7), which names its experiment. */
    private RunIdPointer runPointer(String runId) {
        String pointerKey = Layout.runIdPointer(RunIds.requireValid(runId));
        return read(pointerKey, RunIdPointer.class)
                .orElseThrow(() ->
                        new IllegalArgumentException("run " + runId + " is not in this store (no " + pointerKey + ")"));
    }

    private ModelLineage runLineage(ModelVersion v, String experiment, String runId) {
        List<String> problems = new ArrayList<>();
        RunStart start = null;
        String startKey = Layout.startManifest(experiment, runId);
        Optional<byte[]> startBytes = store.get(startKey);
        String purgedBy = null;
        if (startBytes.isEmpty()) {
            // a purged run is gone on purpose: say so instead of reporting a missing manifest (FORMAT.md §12.11)
            purgedBy = purgeOf(runId).orElse(null);
            if (purgedBy == null) problems.add("run " + runId + " has no start manifest " + startKey);
        } else start = (RunStart) readRunObject(startKey, startBytes.get(), problems);
        List<RunEvent.Input> inputs = new ArrayList<>();
        List<RunEvent.Artifact> artifacts = new ArrayList<>();
        for (ObjectInfo o : store.list(Layout.runPrefix(experiment, runId) + "events/")) {
            Optional<byte[]> bytes = store.get(o.key());
            if (bytes.isEmpty()) continue;
            if (readRunObject(o.key(), bytes.get(), problems) instanceof RunEvent e) {
                if (e.input() != null) inputs.add(e.input());
                if (e.artifact() != null) artifacts.add(e.artifact());
            }
        }
        return new ModelLineage(v, start, inputs, artifacts, problems, purgedBy);
    }

    /** The audit entry of the purge of a run (FORMAT.md §12.11), if it was purged. */
    public Optional<String> purgeOf(String runId) {
        return PurgeAudits.latest(store, runId).map(PurgeAudits.Entry::key);
    }

    /** Run id → the audit entry of its purge, for every purged run. */
    public Map<String, String> purgedRuns() {
        Map<String, String> purged = new TreeMap<>();
        PurgeAudits.latestByRun(store).forEach((run, e) -> purged.put(run, e.key()));
        return purged;
    }

    private static Object readRunObject(String key, byte[] bytes, List<String> problems) {
        Optional<Layout.RunObject> parsed = Layout.parseRunObject(key);
        if (parsed.isEmpty()) return null;
        try {
            return RunObjects.read(bytes, key, parsed.get());
        } catch (Json.MalformedObjectException e) {
            problems.add("skipped " + e.getMessage());
            return null;
        }
    }

    /** Everything under {@code models/} in one listing. */
    public RegistryContents read() {
        List<RegisteredModel> models = new ArrayList<>();
        List<ModelVersion> versions = new ArrayList<>();
        List<AliasEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ObjectInfo o : store.list(Layout.MODELS)) {
            readChecked(o.key(), problems).ifPresent(x -> {
                if (x instanceof RegisteredModel m) models.add(m);
                else if (x instanceof ModelVersion v) versions.add(v);
                else if (x instanceof AliasEvent e) events.add(e);
            });
        }
        return new RegistryContents(models, versions, events, problems);
    }

    private Optional<Object> readChecked(String key, List<String> problems) {
        return store.get(key).flatMap(bytes -> checked(key, bytes, problems));
    }

    /**
     * Reads a registry object and checks it against its key (FORMAT.md §16.6): a key outside the layout, bytes that
     * are not a valid record of its kind, or fields that disagree with the key make it corrupt: skipped, with a
     * problem. A newer format version is refused (§3), never skipped. The one home of these rules: the query views
     * read exactly the objects this accepts.
     */
    public static Optional<Object> checked(String key, byte[] bytes, List<String> problems) {
        Optional<Layout.ModelObject> parsed = Layout.parseModelObject(key);
        if (parsed.isEmpty()) {
            problems.add("skipped " + key + ": not a key of the model registry layout (FORMAT.md §16.1)");
            return Optional.empty();
        }
        Layout.ModelObject k = parsed.get();
        try {
            Object value;
            boolean matches;
            switch (k.kind()) {
                case MODEL -> {
                    RegisteredModel m = FormatVersion.readJson(bytes, RegisteredModel.class, key);
                    matches = RegisteredModel.KIND.equals(m.kind()) && k.model().equals(m.name());
                    value = m;
                }
                case VERSION -> {
                    ModelVersion v = FormatVersion.readJson(bytes, ModelVersion.class, key);
                    matches = ModelVersion.KIND.equals(v.kind())
                            && k.model().equals(v.model())
                            && k.version() == v.version()
                            && v.runId() != null
                            && RunIds.isValid(v.runId())
                            && v.artifact() != null
                            && (v.artifact().reference()
                                    || isSha256(v.artifact().sha256()));
                    value = v;
                }
                default -> {
                    AliasEvent e = FormatVersion.readJson(bytes, AliasEvent.class, key);
                    matches = AliasEvent.KIND.equals(e.kind())
                            && k.model().equals(e.model())
                            && k.alias().equals(e.alias())
                            && (e.version() == null || e.version() >= 1);
                    value = e;
                }
            }
            if (!matches) {
                problems.add("skipped " + key + ": its kind or fields do not match its key (FORMAT.md §16.6)");
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (Json.MalformedObjectException e) {
            problems.add("skipped " + e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isSha256(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }

    private <T extends FormatVersion.Versioned> Optional<T> read(String key, Class<T> type) {
        return store.get(key).map(bytes -> FormatVersion.readJson(bytes, type, key));
    }

    private static void validateTags(Map<String, String> tags) {
        if (tags == null) return;
        tags.forEach((name, value) -> Names.requireTagValue(Names.requireKey("tag name", name), value));
    }
}
