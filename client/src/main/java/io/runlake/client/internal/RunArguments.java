package io.runlake.client.internal;

import io.runlake.format.Names;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the arguments of the {@link io.runlake.client.Run} calls before anything is queued, so that a
 * mistake throws on the caller's thread with a message naming the argument, never later on the writer.
 */
final class RunArguments {
    private RunArguments() {}

    static Object requireParamValue(String name, Object value) {
        if (value == null) throw new IllegalArgumentException("param '" + name + "' has a null value");
        return value;
    }

    static long requireStep(String key, long step) {
        if (step < 0) throw new IllegalArgumentException("step of metric '" + key + "' is negative: " + step);
        return step;
    }

    static double metricValue(Map.Entry<String, ? extends Number> point) {
        return Objects.requireNonNull(point.getValue(), () -> "metric '" + point.getKey() + "' has a null value")
                .doubleValue();
    }

    static void requireTag(String name, String value) {
        Names.requireKey("tag name", name);
        Names.requireTagValue(name, value);
    }

    static void requireArtifactFile(Path path, String name) {
        Names.requireKey("artifact name", name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    "artifact " + path + (Files.exists(path) ? " is not a regular file" : " does not exist"));
        }
    }

    static void requireArtifactReference(String name, URI uri, String sha256, long size) {
        Names.requireKey("artifact name", name);
        Objects.requireNonNull(uri, "artifact reference uri");
        Names.requireUnicode("uri of artifact '" + name + "'", uri.toString());
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "sha256 '" + sha256 + "' of artifact '" + name + "' is not 64 lower-case hex digits");
        }
        if (size < 0) throw new IllegalArgumentException("size of artifact '" + name + "' is negative: " + size);
    }

    static void requireInput(String name, String location, String role) {
        Names.requireKey("input name", name);
        if (role != null) Names.requireKey("input role", role);
        if (location != null) Names.requireUnicode("location of input '" + name + "'", location);
    }
}
