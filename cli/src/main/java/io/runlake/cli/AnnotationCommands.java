package io.runlake.cli;

import io.runlake.format.Layout;
import io.runlake.runs.Annotations;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code runlake note | tag | archive | restore}: annotations of runs after the fact (FORMAT.md §8.4), written
 * without joining the run, so its status and times stay as they were. Runs are named by id or a unique id prefix of
 * at least 6 characters, found through the run-id pointers (one LIST, no lake to open).
 */
final class AnnotationCommands {
    private AnnotationCommands() {}

    /** The run's annotations; {@code idOrPrefix} is a run id or a unique prefix of one (6+ characters, §13.5). */
    static Annotations annotations(ObjectStore store, String idOrPrefix) {
        return Annotations.forRun(store, runId(store, idOrPrefix), Annotations.currentUser(), Clock.systemUTC());
    }

    /** The run id {@code idOrPrefix} names: itself, or the one run id it is a unique prefix of (6+ characters). */
    static String runId(ObjectStore store, String idOrPrefix) {
        String p = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
        if (p.length() < 6) throw new IllegalArgumentException("run id prefix '" + idOrPrefix + "' is shorter than 6");
        List<String> ids = new ArrayList<>();
        for (ObjectInfo o : store.list(Layout.RUN_IDS + p)) {
            String name = o.key().substring(Layout.RUN_IDS.length());
            if (name.endsWith(Layout.JSON_SUFFIX))
                ids.add(name.substring(0, name.length() - Layout.JSON_SUFFIX.length()));
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("unknown run '" + idOrPrefix + "' in " + store.uri());
        if (ids.size() > 1) {
            throw new IllegalArgumentException("run '" + idOrPrefix + "' is ambiguous: " + String.join(", ", ids));
        }
        return ids.get(0);
    }

    @Command(
            name = "note",
            mixinStandardHelpOptions = true,
            description = "Sets a run's note (Markdown); earlier notes are kept as its history. \"\" clears it.")
    static final class NoteCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "RUN", description = "Run id or unique id prefix (6+ characters).")
        String run;

        @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "The note.")
        String inline;

        @Option(names = "--file", paramLabel = "FILE", description = "Read the note from this file.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if ((inline == null) == (file == null)) {
                throw new ParameterException(spec.commandLine(), "give the note as TEXT or --file FILE (one of them)");
            }
            String note = file != null ? Files.readString(file, StandardCharsets.UTF_8) : inline;
            try (ObjectStore store = StoreUris.open(main.storeUri())) {
                Annotations a = annotations(store, run);
                a.note(note);
                main.out().printf("%s: note %s%n", a.runId(), note.isEmpty() ? "cleared" : "set");
            }
            return 0;
        }
    }

    @Command(
            name = "tag",
            mixinStandardHelpOptions = true,
            description = "Sets or deletes tags of a run after the fact, without changing its status or times.")
    static final class TagCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "RUN", description = "Run id or unique id prefix (6+ characters).")
        String run;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME=VALUE", description = "Tags to set.")
        List<String> set = new ArrayList<>();

        @Option(names = "--delete", paramLabel = "NAME", description = "A tag to delete (repeatable).")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, String> changes = new LinkedHashMap<>();
            for (String kv : set) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("'" + kv + "' is not NAME=VALUE");
                changes.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            for (String name : delete) changes.put(name, null);
            if (changes.isEmpty())
                throw new IllegalArgumentException("nothing to do: give NAME=VALUE or --delete NAME");
            try (ObjectStore store = StoreUris.open(main.storeUri())) {
                Annotations a = annotations(store, run);
                a.tags(changes);
                main.out().printf("%s: %d tag change(s)%n", a.runId(), changes.size());
            }
            return 0;
        }
    }

    /** archive and restore: the same shape, one annotation per run. */
    abstract static class ArchiveOrRestore implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids or unique id prefixes (6+ characters).")
        List<String> runs;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept with the annotation).")
        String reason;

        abstract void apply(Annotations a);

        abstract String done();

        @Override
        public Integer call() {
            try (ObjectStore store = StoreUris.open(main.storeUri())) {
                List<Annotations> found = new ArrayList<>();
                for (String r : runs) found.add(annotations(store, r)); // all resolved before any is written
                for (Annotations a : found) {
                    apply(a);
                    main.out().printf("%s: %s%n", a.runId(), done());
                }
            }
            return 0;
        }
    }

    @Command(
            name = "archive",
            mixinStandardHelpOptions = true,
            description =
                    "Hides runs from runs, leaderboard and reports by default (--all shows them); deletes nothing.")
    static final class ArchiveCommand extends ArchiveOrRestore {
        @Override
        void apply(Annotations a) {
            a.archive(reason);
        }

        @Override
        String done() {
            return "archived";
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Shows archived runs again.")
    static final class RestoreCommand extends ArchiveOrRestore {
        @Override
        void apply(Annotations a) {
            a.restore(reason);
        }

        @Override
        String done() {
            return "restored";
        }
    }
}
