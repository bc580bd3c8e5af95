package io.runlake.client;

import io.runlake.format.AliasEvent;
import io.runlake.format.ModelVersion;
import io.runlake.format.RegisteredModel;
import io.runlake.format.RunEvent;
import io.runlake.format.RunStatus;
import io.runlake.registry.ModelLineage;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.ModelUri;
import io.runlake.registry.Promotion;
import io.runlake.registry.PromotionRefusedException;
import io.runlake.registry.RegistryContents;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model registry of a tracker's store (FORMAT.md §16), from {@link Tracker#models()}: register versions of a
 * run's artifacts, move aliases such as {@code champion} (optionally only to a better model), and resolve
 * {@code models:/fraud@champion} to the exact bytes and the run they came from.
 */
public final class Models {
    private final ModelRegistry registry;

    Models(ModelRegistry registry) {
        this.registry = registry;
    }

    /** Registers a model with a description and tags, or returns the registration that already exists. */
    public RegisteredModel register(String model, String description, Map<String, String> tags) {
        return registry.registerModel(model, description, tags);
    }

    /**
     * Registers the next version of {@code model} (1, 2, 3 ..., safe from any number of processes at once) for an
     * artifact the run logged. An open run is flushed first, so its artifact blob is in the store.
     *
     * @param metrics the values a promotion condition compares (e.g. the run's final validation metrics); may be empty
     */
    public ModelVersion registerVersion(
            String model,
            Run run,
            ArtifactRef artifact,
            Map<String, Double> metrics,
            String description,
            Map<String, String> tags) {
        if (run.status() == null || run.status() == RunStatus.RUNNING) run.flush(); // still open
        return registerVersion(model, run.id(), artifact, metrics, description, tags);
    }

    /** {@link #registerVersion(String, Run, ArtifactRef, Map, String, Map)} for a run known by its id. */
    public ModelVersion registerVersion(
            String model,
            String runId,
            ArtifactRef artifact,
            Map<String, Double> metrics,
            String description,
            Map<String, String> tags) {
        RunEvent.Artifact a = new RunEvent.Artifact(
                artifact.name(), artifact.sha256(), artifact.size(), artifact.uri(), artifact.reference());
        return registry.registerVersion(new ModelRegistry.NewVersion(model, runId, a, description, tags, metrics));
    }

    /** Points {@code alias} at a version, unconditionally. */
    public AliasEvent setAlias(String model, String alias, long version, String reason) {
        return registry.setAlias(model, alias, version, reason, null);
    }

    /**
     * Points {@code alias} at a version only if its recorded metric beats the current holder's; the check and its
     * result are recorded in the alias event.
     *
     * @throws PromotionRefusedException if it does not (nothing is written)
     */
    public AliasEvent promote(String model, String alias, long version, String reason, Promotion condition) {
        return registry.setAlias(model, alias, version, reason, condition);
    }

    /** Removes an alias; its history is kept. */
    public AliasEvent removeAlias(String model, String alias, String reason) {
        return registry.removeAlias(model, alias, reason);
    }

    /** The version {@code models:/<model>/<n>} or {@code models:/<model>@<alias>} names now. */
    public ModelVersion version(String uri) {
        return registry.resolve(ModelUri.parse(uri));
    }

    /**
     * Resolves a model URI to the exact bytes of its artifact (checked against the registered SHA-256) and its
     * lineage: the run, its code version, inputs and environment.
     */
    public ResolvedModel resolve(String uri) {
        ModelVersion v = version(uri);
        return new ResolvedModel(v, registry.readArtifact(v), registry.lineage(v));
    }

    /** Downloads a model's artifact to {@code target}, checked against its SHA-256, and returns its version. */
    public ModelVersion download(String uri, Path target) {
        ModelVersion v = version(uri);
        registry.downloadArtifact(v, target);
        return v;
    }

    /** Every model, version and alias event, with the problems of objects skipped as corrupt. */
    public RegistryContents list() {
        return registry.read();
    }

    /** A resolved model: the version, its artifact's bytes and where they came from. */
    public record ResolvedModel(ModelVersion version, byte[] bytes, ModelLineage lineage) {}
}
