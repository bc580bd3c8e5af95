package io.runlake.cli;

import io.runlake.format.AliasEvent;
import io.runlake.format.ModelVersion;
import io.runlake.format.RegisteredModel;
import io.runlake.format.RunEvent;
import io.runlake.registry.ModelLineage;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.ModelUri;
import io.runlake.registry.Promotion;
import io.runlake.registry.RegistryContents;
import io.runlake.report.Direction;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code runlake models ...}: the model registry in the bucket (FORMAT.md §16). */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "The model registry: registered models, numbered versions and aliases such as champion.",
        subcommands = {
            ModelsCommand.ListModels.class,
            ModelsCommand.Show.class,
            ModelsCommand.Register.class,
            ModelsCommand.Alias.class,
            ModelsCommand.History.class,
            ModelsCommand.Download.class
        })
final class ModelsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(main.err());
        return Main.USAGE;
    }

    /** Opens the store, runs {@code body} on its registry and closes the store. */
    <T> T withRegistry(Function<ModelRegistry, T> body) {
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            return body.apply(new ModelRegistry(store, System.getProperty("user.name")));
        }
    }

    PrintStream out() {
        return main.out();
    }

    /** Prints the problems of objects skipped as corrupt, one line each, on stderr. */
    void problems(List<String> problems) {
        for (String p : problems) main.err().println("warning: " + p);
    }

    static String time(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the registered models.")
    static final class ListModels implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Override
        public Integer call() {
            RegistryContents all = models.withRegistry(ModelRegistry::read);
            models.out().println("model\tversions\tlatest\taliases\tdescription");
            for (RegisteredModel m : all.models()) {
                List<ModelVersion> versions = all.versionsOf(m.name());
                StringBuilder aliases = new StringBuilder();
                for (AliasEvent e : all.currentAliases()) {
                    if (e.model().equals(m.name())) {
                        aliases.append(aliases.isEmpty() ? "" : ",")
                                .append(e.alias())
                                .append("=")
                                .append(e.version());
                    }
                }
                models.out()
                        .println(m.name() + "\t" + versions.size() + "\t"
                                + (versions.isEmpty()
                                        ? ""
                                        : versions.get(versions.size() - 1).version()) + "\t"
                                + aliases + "\t" + (m.description() == null ? "" : m.description()));
            }
            models.problems(all.problems());
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Shows a model's versions and aliases, or one version (models:/NAME/N or models:/NAME@ALIAS)"
                    + " with its lineage: run, code version, inputs, environment.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL_OR_URI", description = "A model name, or a model URI to show one version.")
        String target;

        @Override
        public Integer call() {
            if (target.startsWith(ModelUri.SCHEME)) {
                return models.withRegistry(r -> {
                    ModelVersion v = r.resolve(ModelUri.parse(target));
                    ModelLineage lineage = r.lineage(v);
                    printVersion(models.out(), v, lineage);
                    models.problems(lineage.problems());
                    return 0;
                });
            }
            Map<String, String> purged = new TreeMap<>();
            RegistryContents all = models.withRegistry(r -> {
                purged.putAll(r.purgedRuns());
                return r.read();
            });
            RegisteredModel m = all.model(target)
                    .orElseThrow(() -> new IllegalArgumentException("no model '" + target + "' in this store"));
            PrintStream out = models.out();
            out.println("model: " + m.name());
            if (m.description() != null) out.println("description: " + m.description());
            if (m.tags() != null) out.println("tags: " + m.tags());
            out.println("created: " + time(m.createdTimeMs()) + " by " + m.createdBy());
            out.println("aliases:");
            for (AliasEvent e : all.currentAliases()) {
                if (e.model().equals(m.name())) out.println("  " + e.alias() + " -> " + e.version());
            }
            out.println("version\trun\texperiment\tartifact\tsha256\tmetrics\tcreated\tby");
            for (ModelVersion v : all.versionsOf(m.name())) {
                out.println(v.version() + "\t" + v.runId()
                        + (purged.containsKey(v.runId()) ? " (purged: " + purged.get(v.runId()) + ")" : "") + "\t"
                        + v.experiment() + "\t"
                        + v.artifact().name() + "\t"
                        + (v.artifact().reference()
                                ? v.artifact().uri()
                                : v.artifact().sha256()) + "\t"
                        + (v.metrics() == null ? "" : v.metrics()) + "\t" + time(v.createdTimeMs()) + "\t"
                        + v.createdBy());
            }
            models.problems(all.problems());
            return 0;
        }

        static void printVersion(PrintStream out, ModelVersion v, ModelLineage lineage) {
            out.println(ModelUri.ofVersion(v.model(), v.version()));
            out.println("run: " + v.runId() + " (experiment " + v.experiment() + ")"
                    + (lineage.purgedBy() == null ? "" : ": purged, see " + lineage.purgedBy()));
            RunEvent.Artifact a = v.artifact();
            out.println("artifact: " + a.name() + (a.reference() ? " -> " + a.uri() : " sha256 " + a.sha256()) + " ("
                    + a.size() + " bytes)");
            if (v.description() != null) out.println("description: " + v.description());
            if (v.tags() != null) out.println("tags: " + v.tags());
            if (v.metrics() != null) out.println("metrics: " + v.metrics());
            out.println("created: " + time(v.createdTimeMs()) + " by " + v.createdBy());
            if (lineage.purgedBy() != null) {
                out.println("lineage: gone with the purged run (code, inputs, environment); the artifact is kept");
                return;
            }
            out.println("code: " + lineage.code());
            for (RunEvent.Input i : lineage.inputs()) out.println("input: " + i.name() + " " + i.uri());
            out.println("environment: " + lineage.environment());
        }
    }

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = "Registers the next version of a model (1, 2, 3 ...) for an artifact a run logged, or a "
                    + "reference URI.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The model name (registered if new).")
        String model;

        @Option(names = "--run", required = true, description = "The id of the run that made the model.")
        String runId;

        @Option(
                names = "--artifact",
                description = "The name of an artifact the run logged (its latest, if logged twice).")
        String artifact;

        @Option(
                names = "--reference",
                description = "Instead of --artifact: a URI of model bytes kept outside the store.")
        URI reference;

        @Option(names = "--reference-name", description = "The name of a --reference artifact (default: model).")
        String referenceName = "model";

        @Option(
                names = "--metric",
                description = "A metric value to record, NAME=VALUE (repeatable); promotion conditions compare these.")
        Map<String, Double> metrics = new LinkedHashMap<>();

        @Option(names = "--tag", description = "A tag, NAME=VALUE (repeatable).")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(names = "--description", description = "A description of the version (Markdown).")
        String description;

        @Override
        public Integer call() {
            if ((artifact == null) == (reference == null)) {
                throw new IllegalArgumentException("give exactly one of --artifact NAME or --reference URI");
            }
            ModelVersion v = models.withRegistry(r -> {
                RunEvent.Artifact a = artifact != null
                        ? r.loggedArtifact(runId, artifact)
                                .orElseThrow(() -> new IllegalArgumentException(
                                        "run " + runId + " logged no artifact named '" + artifact + "'"))
                        : new RunEvent.Artifact(referenceName, null, 0, reference.toString(), true);
                return r.registerVersion(new ModelRegistry.NewVersion(model, runId, a, description, tags, metrics));
            });
            models.out().println("registered " + ModelUri.ofVersion(v.model(), v.version()));
            return 0;
        }
    }

    @Command(
            name = "alias",
            mixinStandardHelpOptions = true,
            description = "Points an alias (champion, staging, ...) at a version, or removes it; every move is kept.")
    static final class Alias implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The model name.")
        String model;

        @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias name (no '/' or '@').")
        String alias;

        @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION", description = "The version to point to.")
        Long version;

        @Option(names = "--delete", description = "Remove the alias instead (its history is kept).")
        boolean delete;

        @Option(names = "--reason", description = "Why, recorded in the alias event.")
        String reason;

        @Option(
                names = "--if-better",
                paramLabel = "METRIC",
                description = "Move only if the version's recorded METRIC beats the current holder's; a refusal "
                        + "writes nothing and exits 1.")
        String ifBetter;

        @Option(
                names = "--direction",
                description = "min or max for --if-better (default: from the metric's name, as leaderboards do).")
        String direction;

        @Override
        public Integer call() {
            if (delete == (version != null)) throw new IllegalArgumentException("give either VERSION or --delete");
            AliasEvent e = models.withRegistry(r -> delete
                    ? r.removeAlias(model, alias, reason)
                    : r.setAlias(
                            model,
                            alias,
                            version,
                            reason,
                            ifBetter == null
                                    ? null
                                    : new Promotion(ifBetter, direction == null ? null : Direction.parse(direction))));
            models.out()
                    .println(alias + " -> " + (e.version() == null ? "(removed)" : e.version()) + " (was "
                            + (e.previousVersion() == null ? "none" : e.previousVersion()) + ")"
                            + (e.condition() == null ? "" : ": " + e.condition().result()));
            return 0;
        }
    }

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Every alias move of a model, oldest first: who, when, from which version, why.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The model name.")
        String model;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ALIAS", description = "Only this alias.")
        String alias;

        @Override
        public Integer call() {
            RegistryContents all = models.withRegistry(ModelRegistry::read);
            models.out().println("time\talias\tversion\tprevious\tby\treason\tcondition");
            for (AliasEvent e : all.aliasEventsOf(model)) {
                if (alias != null && !alias.equals(e.alias())) continue;
                models.out()
                        .println(time(e.timeMs()) + "\t" + e.alias() + "\t"
                                + (e.version() == null ? "(removed)" : e.version()) + "\t"
                                + (e.previousVersion() == null ? "" : e.previousVersion()) + "\t" + e.setBy() + "\t"
                                + (e.reason() == null ? "" : e.reason()) + "\t"
                                + (e.condition() == null ? "" : e.condition().result()));
            }
            models.problems(all.problems());
            return 0;
        }
    }

    @Command(
            name = "download",
            mixinStandardHelpOptions = true,
            description = "Downloads a model version's artifact, checked against its registered SHA-256.")
    static final class Download implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(index = "0", paramLabel = "URI", description = "models:/NAME/N or models:/NAME@ALIAS.")
        String uri;

        @Parameters(
                index = "1",
                paramLabel = "PATH",
                description = "The file to write, or a folder to write the artifact's name into.")
        Path target;

        @Override
        public Integer call() {
            ModelVersion v = models.withRegistry(r -> {
                ModelVersion found = r.resolve(ModelUri.parse(uri));
                Path file = Files.isDirectory(target)
                        ? target.resolve(Path.of(found.artifact().name()).getFileName())
                        : target;
                r.downloadArtifact(found, file);
                models.out()
                        .println(file + " <- " + ModelUri.ofVersion(found.model(), found.version()) + " ("
                                + found.artifact().size() + " bytes, sha256 "
                                + found.artifact().sha256() + ")");
                return found;
            });
            return v == null ? 1 : 0;
        }
    }
}
