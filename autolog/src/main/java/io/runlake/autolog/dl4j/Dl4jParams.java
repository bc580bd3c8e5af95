package io.runlake.autolog.dl4j;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Flattens a DL4J network configuration into RunLake params (strings, numbers, booleans).
 *
 * <p>The configuration is read from its own JSON form ({@code toJson()}), so every field DL4J serialises is
 * covered, including ones added by later DL4J versions, with no per-layer-type code:
 * <ul>
 *   <li>{@code layer.<i>.<field>} for each layer of a {@link MultiLayerNetwork} ({@code layer.<name>.<field>}
 *       for a {@link ComputationGraph}); field names in snake_case, with {@code nin/nout} as {@code n_in/n_out},
 *       {@code activationFn} as {@code activation}, {@code iupdater} as {@code updater}, {@code lossFn} as
 *       {@code loss}, {@code weightInitFn} as {@code weight_init}, {@code idropout} as {@code dropout};</li>
 *   <li>an object with a class ({@code "@class"}) becomes its short class name ({@code ActivationTanH} as
 *       {@code TanH}, {@code WeightInitXavier} as {@code Xavier}, {@code LossMCXENT} as {@code MCXENT}) plus one
 *       param per field ({@code layer.0.updater = Adam}, {@code layer.0.updater.learning_rate = 0.01});</li>
 *   <li>fixed schedules become their value; regularization lists become {@code l1}, {@code l2},
 *       {@code weight_decay} (and {@code bias_l2} ... for the bias);</li>
 *   <li>per-layer settings that are the same for every layer ({@code seed}, {@code optimization_algo},
 *       {@code mini_batch}, ...) are written once without the layer prefix; the updater, regularization,
 *       weight init and dropout are additionally written without prefix when every trainable layer has
 *       the same, so {@code updater.learning_rate} is the learning rate of the usual single-optimizer network;</li>
 *   <li>{@code model.class}, {@code model.num_params}, {@code model.num_layers}.</li>
 * </ul>
 * Null fields, NaN numbers and bookkeeping (epoch/iteration counters, workspace and cache modes, parameter
 * variable names) are left out.
 */
public final class Dl4jParams {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    /** Bookkeeping fields, not hyperparameters. */
    private static final Set<String> SKIP = Set.of(
            "epochCount",
            "iterationCount",
            "variables",
            "cacheMode",
            "trainingWorkspaceMode",
            "inferenceWorkspaceMode",
            "validateOutputLayerConfig",
            "layer",
            "layerConf",
            "confs",
            "vertices",
            "vertexInputs",
            "networkInputs",
            "networkOutputs",
            "defaultConfiguration",
            "inputPreProcessors",
            "topologicalOrder",
            "topologicalOrderStr");

    private static final Map<String, String> RENAME = Map.of(
            "nin",
            "n_in",
            "nout",
            "n_out",
            "activationFn",
            "activation",
            "iupdater",
            "updater",
            "lossFn",
            "loss",
            "weightInitFn",
            "weight_init",
            "idropout",
            "dropout",
            "layerName",
            "name",
            "biasUpdater",
            "bias_updater");
    /** Layer settings also written without the layer prefix when every layer that has them agrees. */
    private static final List<String> HOISTED = List.of(
            "updater",
            "l1",
            "l2",
            "weight_decay",
            "weight_init",
            "dropout",
            "bias_l1",
            "bias_l2",
            "bias_updater",
            "gradient_normalization",
            "gradient_normalization_threshold");

    static final int MAX_STRING = 5000;

    private Dl4jParams() {}

    /** The params of a {@link MultiLayerNetwork} or {@link ComputationGraph}. */
    public static Map<String, Object> of(Model model) {
        Objects.requireNonNull(model, "model");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model.class", model.getClass().getSimpleName());
        result.put("model.num_params", model.numParams());
        if (model instanceof MultiLayerNetwork net) {
            result.put("model.num_layers", (long) net.getnLayers());
            result.putAll(ofJson(net.getLayerWiseConfigurations().toJson()));
        } else if (model instanceof ComputationGraph graph) {
            result.put("model.num_layers", (long) graph.getNumLayers());
            result.putAll(ofJson(graph.getConfiguration().toJson()));
        } else {
            throw new IllegalArgumentException("auto-logging supports MultiLayerNetwork and ComputationGraph, not "
                    + model.getClass().getName());
        }
        return result;
    }

    /** The params of a configuration's JSON ({@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration}). */
    public static Map<String, Object> ofJson(String configurationJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configurationJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a DL4J configuration JSON: " + e.getMessage(), e);
        }
        Map<String, Object> global = new LinkedHashMap<>();
        flattenFields("", root, global);
        // per-layer configurations, by layer prefix
        Map<String, Map<String, Object>> perLayerGlobals = new LinkedHashMap<>();
        Map<String, Map<String, Object>> layers = new LinkedHashMap<>();
        if (root.has("confs")) {
            int i = 0;
            for (JsonNode conf : root.get("confs")) {
                collectLayer("layer." + i, conf, perLayerGlobals, layers);
                i++;
            }
            JsonNode pre = root.get("inputPreProcessors");
            if (pre != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = pre.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    flatten("layer." + e.getKey() + ".input_preprocessor", e.getValue(), global);
                }
            }
        } else if (root.has("vertices")) {
            JsonNode inputs = root.get("networkInputs");
            if (inputs != null) global.put("inputs", joined(inputs));
            JsonNode outputs = root.get("networkOutputs");
            if (outputs != null) global.put("outputs", joined(outputs));
            JsonNode vertexInputs = root.get("vertexInputs");
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("vertices").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode vertex = e.getValue();
                if (vertex.has("layerConf")) {
                    String prefix = "layer." + name;
                    collectLayer(prefix, vertex.get("layerConf"), perLayerGlobals, layers);
                    if (vertex.hasNonNull("preProcessor")) {
                        flatten(prefix + ".input_preprocessor", vertex.get("preProcessor"), layers.get(prefix));
                    }
                    if (vertexInputs != null && vertexInputs.has(name))
                        layers.get(prefix).put(prefix + ".inputs", joined(vertexInputs.get(name)));
                } else {
                    String prefix = "vertex." + name;
                    Map<String, Object> v = new LinkedHashMap<>();
                    flatten(prefix, vertex, v);
                    if (vertexInputs != null && vertexInputs.has(name))
                        v.put(prefix + ".inputs", joined(vertexInputs.get(name)));
                    global.putAll(v);
                }
            }
        } else {
            throw new IllegalArgumentException("not a DL4J network configuration JSON (no 'confs' or 'vertices')");
        }
        if (!"TruncatedBPTT".equals(global.get("backprop_type"))) {
            global.remove("tbptt_fwd_length");
            global.remove("tbptt_back_length");
        }
        for (Map<String, Object> g : perLayerGlobals.values()) {
            if ("STOCHASTIC_GRADIENT_DESCENT".equals(g.get("optimization_algo")))
                g.remove("max_num_line_search_iterations");
        }
        // settings DL4J repeats in every layer's configuration: once, unprefixed, when they agree
        Map<String, Object> out = new LinkedHashMap<>(global);
        Map<String, Object> shared = agreeing(perLayerGlobals.values(), null);
        out.putAll(shared);
        for (Map.Entry<String, Map<String, Object>> e : perLayerGlobals.entrySet()) {
            e.getValue().forEach((k, v) -> {
                if (!shared.containsKey(k)) out.put(e.getKey() + "." + k, v);
            });
        }
        // layer-level optimizer / regularization settings: hoisted when every layer that has them agrees
        Map<String, Map<String, Object>> unprefixed = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : layers.entrySet()) {
            Map<String, Object> u = new LinkedHashMap<>();
            String p = e.getKey() + ".";
            e.getValue().forEach((k, v) -> u.put(k.substring(p.length()), v));
            unprefixed.put(e.getKey(), u);
        }
        long trainable = unprefixed.values().stream()
                .filter(u -> u.containsKey("updater"))
                .count();
        for (String h : HOISTED) {
            List<Map<String, Object>> having = new ArrayList<>();
            for (Map<String, Object> u : unprefixed.values()) {
                Map<String, Object> sub = new LinkedHashMap<>();
                u.forEach((k, v) -> {
                    if (k.equals(h) || k.startsWith(h + ".")) sub.put(k, v);
                });
                if (!sub.isEmpty()) having.add(sub);
            }
            if (having.isEmpty() || having.size() < trainable) continue;
            Map<String, Object> agreed = agreeing(having, having.get(0).keySet());
            if (agreed.size() == having.get(0).size()) {
                agreed.forEach((k, v) -> {
                    if (!out.containsKey(k)) out.put(k, v);
                });
            }
        }
        layers.values().forEach(out::putAll);
        return out;
    }

    private static void collectLayer(
            String prefix,
            JsonNode conf,
            Map<String, Map<String, Object>> perLayerGlobals,
            Map<String, Map<String, Object>> layers) {
        Map<String, Object> g = new LinkedHashMap<>();
        flattenFields("", conf, g);
        perLayerGlobals.put(prefix, g);
        Map<String, Object> l = new LinkedHashMap<>();
        JsonNode layer = conf.get("layer");
        if (layer != null && !layer.isNull()) {
            flatten(prefix, layer, l);
            // "type" reads better than the bare prefix for the layer class
            Object type = l.remove(prefix);
            Map<String, Object> ordered = new LinkedHashMap<>();
            if (type != null) ordered.put(prefix + ".type", type);
            ordered.putAll(l);
            l = ordered;
        }
        layers.put(prefix, l);
    }

    /** The entries present with the same value in every map (restricted to {@code keys} when given). */
    private static Map<String, Object> agreeing(Collection<Map<String, Object>> maps, Set<String> keys) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (maps.isEmpty()) return result;
        Map<String, Object> first = maps.iterator().next();
        for (Map.Entry<String, Object> e : first.entrySet()) {
            if (keys != null && !keys.contains(e.getKey())) continue;
            boolean all = true;
            for (Map<String, Object> m : maps) {
                if (!Objects.equals(m.get(e.getKey()), e.getValue())) {
                    all = false;
                    break;
                }
            }
            if (all) result.put(e.getKey(), e.getValue());
        }
        return result;
    }

    private static void flattenFields(String prefix, JsonNode object, Map<String, Object> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            if (field.equals("@class") || SKIP.contains(field)) continue;
            if (field.equals("regularization") || field.equals("regularizationBias")) {
                regularization(prefix, field.equals("regularizationBias") ? "bias_" : "", e.getValue(), out);
                continue;
            }
            flatten(join(prefix, name(field)), e.getValue(), out);
        }
    }

    private static void flatten(String key, JsonNode node, Map<String, Object> out) {
        if (node == null || node.isNull() || node.isMissingNode()) return;
        if (node.isObject()) {
            JsonNode cls = node.get("@class");
            if (cls != null && cls.isTextual()) {
                String shortName = shortClass(cls.asText());
                if (shortName.equals("FixedSchedule") && node.has("value")) {
                    flatten(key, node.get("value"), out);
                    return;
                }
                put(out, key, shortName);
            }
            flattenFields(key, node, out);
        } else if (node.isArray()) {
            if (node.isEmpty()) return;
            boolean scalars = true;
            for (JsonNode n : node) scalars &= n.isValueNode();
            if (scalars) {
                put(out, key, joined(node));
            } else {
                int i = 0;
                for (JsonNode n : node) flatten(key + "." + i++, n, out);
            }
        } else if (node.isBoolean()) {
            out.put(key, node.booleanValue());
        } else if (node.isIntegralNumber()) {
            out.put(key, node.longValue());
        } else if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isFinite(d)) out.put(key, d);
        } else if (node.isTextual()) {
            String s = node.textValue();
            if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity")) return;
            put(out, key, s);
        }
    }

    private static void regularization(String prefix, String bias, JsonNode list, Map<String, Object> out) {
        if (list == null || !list.isArray()) return;
        for (JsonNode r : list) {
            String cls = r.has("@class") ? shortClass(r.get("@class").asText()) : "regularization";
            String base = snake(cls.replace("Regularization", ""));
            String key = join(prefix, bias + base);
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("@class")) continue;
                String f = snake(e.getKey());
                flatten(f.equals(base) || f.equals("coeff") ? key : key + "." + f, e.getValue(), out);
            }
        }
    }

    private static void put(Map<String, Object> out, String key, String value) {
        out.put(key, value.length() > MAX_STRING ? value.substring(0, MAX_STRING) : value);
    }

    private static String joined(JsonNode array) {
        List<String> parts = new ArrayList<>();
        for (JsonNode n : array) parts.add(n.asText());
        return String.join(",", parts);
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    private static String name(String field) {
        String r = RENAME.get(field);
        return r != null ? r : snake(field);
    }

    static String shortClass(String className) {
        String s = className.substring(className.lastIndexOf('.') + 1);
        s = s.substring(s.lastIndexOf('$') + 1);
        for (String prefix : List.of("Activation", "WeightInit", "Loss")) {
            if (s.startsWith(prefix) && s.length() > prefix.length() && !s.equals("LossFunction"))
                return s.substring(prefix.length());
        }
        return s;
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLower =
                        i > 0 && (Character.isLowerCase(camel.charAt(i - 1)) || Character.isDigit(camel.charAt(i - 1)));
                boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                boolean prevUpper = i > 0 && Character.isUpperCase(camel.charAt(i - 1));
                if (b.length() > 0 && (prevLower || (prevUpper && nextLower))) b.append('_');
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
