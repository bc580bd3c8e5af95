package io.runlake.cli;

import io.runlake.functions.core.Maintenance;
import io.runlake.lake.LakeUpgrade;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runlake upgrade}: moves the lake log of an older RunLake ({@code lake/_log/}) into the Delta tables, in
 * place (FORMAT.md §12.2.1). Maintenance does the same by itself; this is for stores nobody maintains.
 */
@Command(
        name = "upgrade",
        mixinStandardHelpOptions = true,
        description = "Upgrades a store written by an older RunLake in place: its lake log (lake/_log/) becomes the "
                + "Delta tables lake/metrics and lake/runs. Nothing is copied or deleted; safe to run again.")
final class UpgradeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        try (ObjectStore store = StoreUris.open(main.storeUri())) {
            LakeUpgrade.Result r = Maintenance.upgradeIfNeeded(store);
            if (r.changedAnything()) {
                main.out()
                        .println("upgraded " + r.upgraded().size() + " experiments to the Delta tables: "
                                + String.join(", ", r.upgraded()));
            } else {
                main.out().println("nothing to upgrade in " + StoreUris.display(store.uri(), ""));
            }
            return 0;
        }
    }
}
