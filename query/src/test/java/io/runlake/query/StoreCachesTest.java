package io.runlake.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store folders unused for 30 days leave the cache; used ones, and everything else there, stay. */
class StoreCachesTest {
    @TempDir
    Path root;

    private final Instant now = Instant.parse("2026-11-28T12:00:00Z");

    private Path storeFolder(String name, Duration age, boolean marker) throws Exception {
        Path folder = Files.createDirectories(root.resolve(name));
        Path file = Files.writeString(folder.resolve("validated-2.json"), "{}");
        Files.setLastModifiedTime(file, FileTime.from(now.minus(age)));
        if (marker) {
            Path m = Files.createFile(folder.resolve("last-used"));
            Files.setLastModifiedTime(m, FileTime.from(now.minus(age)));
        }
        Files.setLastModifiedTime(folder, FileTime.from(now.minus(age)));
        return folder;
    }

    @Test
    void removesOnlyStoreFoldersUnusedFor30Days() throws Exception {
        Path old = storeFolder("0123456789abcdef", Duration.ofDays(40), true);
        Path recent = storeFolder("1111111111111111", Duration.ofDays(10), true);
        Path oldWithoutMarker = storeFolder("2222222222222222", Duration.ofDays(31), false);
        Path notAStore = storeFolder("my-notes", Duration.ofDays(400), false);
        Path archive = Files.writeString(root.resolve("cds-1-2-3.jsa"), "archive");
        Files.setLastModifiedTime(archive, FileTime.from(now.minus(Duration.ofDays(400))));

        assertEquals(2, StoreCaches.pruneUnused(root, now));
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(oldWithoutMarker));
        assertTrue(Files.exists(recent));
        assertTrue(Files.exists(notAStore));
        assertTrue(Files.exists(archive));
    }

    @Test
    void looksAtMostOnceADay() throws Exception {
        assertEquals(0, StoreCaches.pruneUnused(root, now));
        Path old = storeFolder("0123456789abcdef", Duration.ofDays(40), true);
        assertEquals(0, StoreCaches.pruneUnused(root, now.plus(Duration.ofHours(23))));
        assertTrue(Files.exists(old));
        assertEquals(1, StoreCaches.pruneUnused(root, now.plus(Duration.ofHours(25))));
        assertFalse(Files.exists(old));
    }

    @Test
    void aUsedFolderIsKeptAndAMissingOneIsNotCreated() throws Exception {
        Path used = storeFolder("0123456789abcdef", Duration.ofDays(40), true);
        StoreCaches.markUsed(used, now);
        Path missing = root.resolve("fedcba9876543210");
        StoreCaches.markUsed(missing, now);
        assertFalse(Files.exists(missing));
        assertEquals(0, StoreCaches.pruneUnused(root, now));
        assertTrue(Files.exists(used));
    }
}
