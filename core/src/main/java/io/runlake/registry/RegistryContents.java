package io.runlake.registry;

import io.runlake.format.AliasEvent;
import io.runlake.format.ModelVersion;
import io.runlake.format.RegisteredModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code models/}, read in one listing, in key order: models by name, versions by number, alias
 * events oldest first. Objects that are corrupt or do not match their key are left out, each with a problem
 * (FORMAT.md §16.6).
 */
public record RegistryContents(
        List<RegisteredModel> models,
        List<ModelVersion> versions,
        List<AliasEvent> aliasEvents,
        List<String> problems) {

    /**
     * The current state of each alias that points to a version: the latest event of each (model, alias), latest
     * meaning the greatest key, i.e. the greatest event id (FORMAT.md §16.4). {@link #currentAliasesSql} is the same
     * rule for SQL; a test checks that both agree on one store.
     */
    public List<AliasEvent> currentAliases() {
        Map<List<String>, AliasEvent> latest = new LinkedHashMap<>();
        for (AliasEvent e : aliasEvents) latest.put(List.of(e.model(), e.alias()), e); // events are in key order
        return latest.values().stream().filter(e -> e.version() != null).toList();
    }

    /**
     * The rule of {@link #currentAliases} in DuckDB SQL: over {@code history} (a table of valid alias events with the
     * columns {@code model}, {@code alias}, {@code event_id} and {@code version}), the latest event of each (model,
     * alias) by event id, kept when it points to a version.
     */
    public static String currentAliasesSql(String history) {
        return "SELECT * EXCLUDE (latest) FROM (SELECT *, row_number() OVER (PARTITION BY model, alias "
                + "ORDER BY event_id DESC) AS latest FROM " + history + ")\nWHERE latest = 1 AND version IS NOT NULL";
    }

    public Optional<RegisteredModel> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public List<ModelVersion> versionsOf(String model) {
        return versions.stream().filter(v -> v.model().equals(model)).toList();
    }

    public List<AliasEvent> aliasEventsOf(String model) {
        return aliasEvents.stream().filter(e -> e.model().equals(model)).toList();
    }
}
