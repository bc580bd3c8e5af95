package io.runlake.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.runlake.format.Json;
import io.runlake.store.LocalPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdicts of earlier opens ({@code key|etag} → "" or the problem), so an object is validated once. A lost or
 * unreadable cache only costs validating again; the file is private to the user (the mirror's folder).
 */
final class ValidationCache {
    private ValidationCache() {}

    static Map<String, String> read(Path file) {
        if (file == null || !Files.exists(file)) return new HashMap<>();
        try {
            Map<String, String> m =
                    Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<HashMap<String, String>>() {});
            return m == null ? new HashMap<>() : m;
        } catch (IOException e) {
            return new HashMap<>();
        }
    }

    static void write(Path file, Map<String, String> m) {
        if (file == null) return;
        try {
            LocalPaths.createPrivateDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(new TreeMap<>(m)));
            LocalPaths.makePrivate(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // only costs re-validation next time
        }
    }
}
