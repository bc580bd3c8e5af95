package io.runlake.query;

import io.runlake.store.LocalPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache root holds one folder per store ever read (a validation cache, or the whole mirror of an {@code s3://}
 * store). A folder a reader has not used for {@link #UNUSED_FOR} is removed, so the cache does not grow with every
 * store, temporary folder and bucket read over the years; a later read rebuilds it. Other files in the root (the
 * launcher's class-data sharing archive) are left alone.
 */
final class StoreCaches {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCaches.class);
    /** How long a store's folder may go unused before it is removed. */
    static final Duration UNUSED_FOR = Duration.ofDays(30);
    /** How often a reader looks for unused folders. */
    static final Duration PRUNE_EVERY = Duration.ofDays(1);

    private static final Pattern STORE_FOLDER = Pattern.compile("[0-9a-f]{16}");
    private static final String LAST_USED = "last-used";
    private static final String PRUNED = ".pruned";

    private StoreCaches() {}

    /** Marks one store's folder as used now; a folder that does not exist stays absent (a read creates nothing). */
    static void markUsed(Path storeFolder, Instant now) {
        if (!Files.isDirectory(storeFolder)) return;
        Path marker = storeFolder.resolve(LAST_USED);
        try {
            if (!Files.exists(marker)) {
                Files.createFile(marker);
                LocalPaths.makePrivate(marker); // 0600 like everything in the cache (MirrorSafetyTest)
            }
            Files.setLastModifiedTime(marker, FileTime.from(now));
        } catch (IOException e) {
            LOG.debug("cannot mark {} as used: {}", storeFolder, e.toString());
        }
    }

    /**
     * Removes the store folders under {@code root} unused for {@link #UNUSED_FOR}, at most once per
     * {@link #PRUNE_EVERY}. Never fails the read that calls it.
     *
     * @return how many folders were removed
     */
    static int pruneUnused(Path root, Instant now) {
        if (!Files.isDirectory(root)) return 0;
        Path pruned = root.resolve(PRUNED);
        try {
            if (Files.exists(pruned)
                    && Files.getLastModifiedTime(pruned).toInstant().isAfter(now.minus(PRUNE_EVERY))) return 0;
            if (!Files.exists(pruned)) {
                Files.createFile(pruned);
                LocalPaths.makePrivate(pruned);
            }
            Files.setLastModifiedTime(pruned, FileTime.from(now));
            List<Path> folders;
            try (Stream<Path> s = Files.list(root)) {
                folders = s.filter(p ->
                                STORE_FOLDER.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                        .toList();
            }
            int removed = 0;
            Instant cutoff = now.minus(UNUSED_FOR);
            for (Path folder : folders) {
                if (lastUsed(folder).isBefore(cutoff)) {
                    deleteTree(folder);
                    removed++;
                }
            }
            return removed;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot prune the cache {}: {}", root, e.toString());
            return 0;
        }
    }

    /** The marker's time; for folders made before markers existed, the latest time of the folder and its files. */
    private static Instant lastUsed(Path folder) throws IOException {
        Path marker = folder.resolve(LAST_USED);
        if (Files.exists(marker)) return Files.getLastModifiedTime(marker).toInstant();
        Instant latest = Files.getLastModifiedTime(folder).toInstant();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) {
                Instant t = Files.getLastModifiedTime(p).toInstant();
                if (t.isAfter(latest)) latest = t;
            }
        }
        return latest;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException gone) {
                    // removed by another reader pruning at the same time
                }
            }
        }
    }
}
