package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How readers resolve a manifest's environment (FORMAT.md §7.2, §7.9): new manifests by reference, old ones inline. */
class SharedEnvironmentTest {
    private static final String SHA = "5d1e0c4b6a0f3e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d";

    private static Map<String, Object> inline(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void aManifestWrittenBeforeSharedEnvironmentsReadsAsItIs() {
        Map<String, Object> old = inline("host", "gpu-7", "java_version", "17.0.15", "libraries", List.of("a:b:1"));
        assertEquals(old, SharedEnvironment.resolve(old, key -> {
            throw new AssertionError("nothing to fetch for an inline environment, asked for " + key);
        }));
    }

    @Test
    void theSharedObjectAddsItsKeysAndTheManifestsOwnKeysWin() {
        byte[] shared = ("{\"format_version\":1,\"kind\":\"environment\",\"environment\":"
                        + "{\"host\":\"not-this\",\"java_version\":\"17.0.15\",\"libraries\":[\"a:b:1\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, Object> manifest = inline("host", "gpu-7", "pid", 6015, SharedEnvironment.REF_KEY, SHA);
        Map<String, Object> resolved = SharedEnvironment.resolve(
                manifest,
                key -> key.equals("environments/sha256/" + SHA + ".json") ? Optional.of(shared) : Optional.empty());
        assertEquals("gpu-7", resolved.get("host"));
        assertEquals(6015, resolved.get("pid"));
        assertEquals("17.0.15", resolved.get("java_version"));
        assertEquals(List.of("a:b:1"), resolved.get("libraries"));
    }

    @Test
    void aMissingOrCorruptSharedObjectLeavesTheManifestsKeys() {
        Map<String, Object> manifest = inline("host", "gpu-7", SharedEnvironment.REF_KEY, SHA);
        assertEquals(manifest, SharedEnvironment.resolve(manifest, key -> Optional.empty()));
        assertEquals(
                manifest,
                SharedEnvironment.resolve(manifest, key -> Optional.of("{not json".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aNewerSharedObjectIsRefusedNotSkipped() {
        byte[] newer =
                "{\"format_version\":2,\"kind\":\"environment\",\"environment\":{}}".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> manifest = inline("host", "gpu-7", SharedEnvironment.REF_KEY, SHA);
        assertThrows(
                FormatVersion.UnsupportedFormatException.class,
                () -> SharedEnvironment.resolve(manifest, key -> Optional.of(newer)));
    }
}
