package io.runlake.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.ModelVersion;
import io.runlake.format.RunEvent;
import io.runlake.query.Lake;
import io.runlake.query.Lineage;
import io.runlake.registry.ModelRegistry;
import io.runlake.registry.ModelUri;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "lineage",
        mixinStandardHelpOptions = true,
        description = {
            "Where a model or data set came from: for a file or SHA-256, the runs that produced it (code version, "
                    + "data inputs, params, environment, parent sweep) and the runs that used it as input; for a run, the same for that run; "
                    + "for a registered model (models:/NAME/VERSION or models:/NAME@ALIAS), the version and then its run's lineage."
        })
final class LineageCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    QueryCli.Options options = new QueryCli.Options();

    @Mixin
    QueryCli.Output output = new QueryCli.Output();

    @Parameters(
            paramLabel = "FILE|SHA256|RUN|MODEL",
            description = "A local file (hashed), a SHA-256, a run id, unique id prefix or name, or a model URI "
                    + "(models:/NAME/VERSION, models:/NAME@ALIAS).")
    String target;

    @Override
    public Integer call() {
        // a model version's lineage is its run's (FORMAT.md §16.5): model version -> run -> code, data, environment
        ModelVersion model = target.startsWith(MODEL_URI_PREFIX) ? resolveModel() : null;
        if (purgedBy != null) { // the run is gone on purpose (FORMAT.md §12.11): the version and its bytes are not
            if (output.format.equals("json")) main.out().print(modelJson(model, null));
            else {
                main.out().println(modelLine(model));
                main.out()
                        .println("run " + model.runId() + " was purged (" + purgedBy + "): its code version, inputs "
                                + "and environment are gone; the artifact is kept");
            }
            return 0;
        }
        try (Lake lake = QueryCli.open(main, options, output)) {
            Lineage l = lake.lineage(model == null ? target : model.runId());
            if (output.format.equals("json")) main.out().print(model == null ? l.toJson() : modelJson(model, l));
            else {
                if (model != null) main.out().println(modelLine(model));
                QueryCli.print(main, lake, l.toTable(), output);
            }
        }
        return 0;
    }

    private static final String MODEL_URI_PREFIX = "models:/";

    /** The audit entry of the purge of the model version's run, when it was purged. */
    private String purgedBy;

    private ModelVersion resolveModel() {
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            ModelRegistry registry = new ModelRegistry(store, System.getProperty("user.name"));
            ModelVersion v = registry.resolve(ModelUri.parse(target));
            if (store.head(Layout.runIdPointer(v.runId())).isEmpty())
                purgedBy = registry.purgeOf(v.runId()).orElse(null);
            return v;
        }
    }

    private String modelLine(ModelVersion v) {
        RunEvent.Artifact a = v.artifact();
        String what = a.reference() ? "reference " + a.uri() : a.name() + " (sha256 " + a.sha256() + ")";
        return target + " = version " + v.version() + " of model " + v.model() + ": " + what + ", made by run "
                + v.runId() + " of experiment " + v.experiment();
    }

    private String modelJson(ModelVersion v, Lineage l) {
        try {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("model_uri", target);
            root.set("model_version", Json.MAPPER.valueToTree(v));
            if (l != null) root.set("run_lineage", Json.MAPPER.readTree(l.toJson()));
            else root.put("run_purged", purgedBy);
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
