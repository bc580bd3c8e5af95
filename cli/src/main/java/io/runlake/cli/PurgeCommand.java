package io.runlake.cli;

import io.runlake.format.RunIds;
import io.runlake.functions.core.MaintenanceOptions;
import io.runlake.functions.core.Purge;
import io.runlake.runs.Annotations;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runlake purge}: really deletes a run, its points and objects (FORMAT.md §12.11), recorded in an audit entry.
 * Needs the maintenance role's permissions; without {@code --yes} it only says what it would delete.
 */
@Command(
        name = "purge",
        mixinStandardHelpOptions = true,
        description = "Deletes a run for good: its points from the lake, its objects, notes and id pointer "
                + "(artifact blobs are kept), recorded in audit/. Without --yes only shows what it would delete.")
final class PurgeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id or unique id prefix (6+ characters).")
    String run;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the audit entry).")
    String reason;

    @Option(names = "--yes", description = "Really delete.")
    boolean yes;

    @Option(names = "--force", description = "Also purge a run without an end manifest (its writer must be stopped).")
    boolean force;

    @Option(
            names = "--model-versions-too",
            description = "Also purge a run that registered model versions: the versions stay (never rewritten), their"
                    + " artifact bytes still resolve, the audit entry names them and readers show the run as purged.")
    boolean modelVersionsToo;

    @Override
    public Integer call() {
        MaintenanceOptions options = CompactCommand.maintenanceOptions(null, null);
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            String runId = resolve(store);
            Purge purge = new Purge(store, options.compactor(), options.indexer());
            if (!yes) {
                Optional<Purge.Plan> plan = purge.plan(runId);
                if (plan.isEmpty()) {
                    main.out().printf("run %s: nothing to purge%n", runId);
                } else {
                    Purge.Plan p = plan.get();
                    main.out().printf("run %s of experiment '%s' would be purged:%n", runId, p.experiment());
                    p.keys().forEach(k -> main.out().println("  delete " + k));
                    p.lakeFiles().forEach(k -> main.out().println("  rewrite without its points " + k));
                    main.out().println("  artifact blobs are kept");
                    p.modelVersions()
                            .forEach(v -> main.out().println("  model version " + v + " keeps naming it (purged)"));
                    if (!p.modelVersions().isEmpty() && !modelVersionsToo)
                        main.out().println("  (model versions name it: needs --model-versions-too)");
                    if (!p.ended() && !force) main.out().println("  (no end manifest: needs --force)");
                }
                main.err().println("nothing deleted: add --yes to purge");
                return Main.FAILED;
            }
            Purge.Result r = purge.purge(runId, Annotations.currentUser(), reason, force, modelVersionsToo);
            if (r.alreadyPurged()) {
                main.out().printf("run %s was already purged (%s)%n", runId, r.auditKey());
            } else {
                main.out()
                        .printf(
                                "run %s purged: %d objects deleted, %d lake files rewritten (%s)%n",
                                runId,
                                r.deleted().size(),
                                r.lakeFilesRewritten().size(),
                                r.auditKey());
            }
            return 0;
        }
    }

    /** By id or unique prefix; a full id whose pointer is gone goes to the purge (an earlier one may have run). */
    private String resolve(ObjectStore store) {
        try {
            return AnnotationCommands.runId(store, run);
        } catch (IllegalArgumentException e) {
            if (RunIds.isValid(run)) return run;
            throw e;
        }
    }
}
