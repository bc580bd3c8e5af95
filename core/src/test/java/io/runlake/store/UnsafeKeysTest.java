package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Object keys never name a file outside the folder they are stored under (FORMAT.md §2.2). */
class UnsafeKeysTest {
    /** Keys a hostile or broken bucket could list; none may become a path outside the root. */
    static final List<String> UNSAFE = List.of(
            "",
            "/etc/passwd",
            "../escape.txt",
            "runs/../../escape.txt",
            "a/../../escape.txt",
            "..",
            ".",
            "a/./b",
            "a//b",
            "a/",
            "a/b/..",
            "a\\..\\..\\escape.txt",
            "C:/escape.txt",
            "a/\0/b");

    @TempDir
    Path tmp;

    private List<Path> filesOutside(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(root))
                    .toList();
        }
    }

    @Test
    void fileStoreRejectsEveryUnsafeKeyOnEveryCallAndWritesNothingOutside() throws Exception {
        Path root = tmp.resolve("store");
        try (FileObjectStore store = new FileObjectStore(root)) {
            byte[] data = "x".getBytes(StandardCharsets.UTF_8);
            Path src = Files.write(tmp.resolve("src.bin"), data);
            for (String key : UNSAFE) {
                UnsafeKeyException e =
                        assertThrows(UnsafeKeyException.class, () -> store.putIfAbsent(key, data), "put " + key);
                assertEquals(key, e.key());
                assertTrue(e.getMessage().contains("unsafe object key '"), e.getMessage());
                assertThrows(UnsafeKeyException.class, () -> store.putFileIfAbsent(key, src), "putFile " + key);
                assertThrows(UnsafeKeyException.class, () -> store.get(key), "get " + key);
                assertThrows(UnsafeKeyException.class, () -> store.head(key), "head " + key);
                assertThrows(UnsafeKeyException.class, () -> store.delete(key), "delete " + key);
                assertThrows(UnsafeKeyException.class, () -> store.download(key, tmp.resolve("dl")), "download " + key);
            }
            // the message names the key, with control characters escaped
            UnsafeKeyException e =
                    assertThrows(UnsafeKeyException.class, () -> store.get("runs/../../x\nFAKE LOG LINE"));
            assertTrue(e.getMessage().contains("'runs/../../x\\u000aFAKE LOG LINE'"), e.getMessage());
            assertTrue(e.getMessage().contains("'..' segment"), e.getMessage());
            // the store's own staging folder is not an object either
            assertThrows(UnsafeKeyException.class, () -> store.putIfAbsent(".runlake-tmp/x", data));
            // and a listing never walks outside the root
            Files.writeString(tmp.resolve("outside.txt"), "secret");
            assertThrows(UnsafeKeyException.class, () -> store.list("../"));
            assertThrows(UnsafeKeyException.class, () -> store.list("runs/../../"));
            // ordinary keys still work
            assertTrue(store.putIfAbsent("runs/experiment=a%2Fb/run=x/run.json", data));
            assertTrue(store.putIfAbsent("runs/experiment=..%2E/run=x/run.json", data));
            assertEquals(2, store.list("runs/").size());
        }
        assertEquals(
                List.of(tmp.resolve("outside.txt"), tmp.resolve("src.bin")),
                filesOutside(root).stream().sorted().toList());
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
    }

    @Test
    void resolveKeyAcceptsOnlyPathsStrictlyInsideTheRoot() {
        Path root = tmp.resolve("r");
        for (String key : UNSAFE) {
            assertThrows(UnsafeKeyException.class, () -> LocalPaths.resolveKey(root, key), key);
            assertFalse(LocalPaths.isSafeKey(key), key);
        }
        assertThrows(UnsafeKeyException.class, () -> LocalPaths.resolveKey(root, null));
        assertEquals(root.toAbsolutePath().resolve("a/b..c/..d"), LocalPaths.resolveKey(root, "a/b..c/..d"));
        assertEquals(root.toAbsolutePath().resolve(".hidden/x"), LocalPaths.resolveKey(root, ".hidden/x"));
        LocalPaths.requireSafePrefix(root, "");
        LocalPaths.requireSafePrefix(root, "runs/");
        LocalPaths.requireSafePrefix(root, "runs/experiment=a");
        assertThrows(UnsafeKeyException.class, () -> LocalPaths.requireSafePrefix(root, "../"));
    }
}
