package io.runlake.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a YAML or JSON config file and flattens it into params ({@code optimizer.lr}, {@code layers.0.units}). */
final class ConfigFiles {
    private static final YAMLMapper YAML = new YAMLMapper(); // YAML is a superset of JSON: one parser reads both

    private ConfigFiles() {}

    static Map<String, Object> flatten(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "config " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "config " + file + " is not valid YAML/JSON: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) return out;
        if (!root.isObject()) {
            throw new IllegalArgumentException(
                    "config " + file + " must be a mapping at the top level, not " + root.getNodeType());
        }
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) flatten(prefix + "." + i, node.get(i), out);
        } else if (node.isBoolean()) {
            out.put(prefix, node.booleanValue());
        } else if (node.isIntegralNumber()) {
            out.put(prefix, node.longValue());
        } else if (node.isNumber()) {
            out.put(prefix, node.doubleValue());
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
