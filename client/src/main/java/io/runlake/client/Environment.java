package io.runlake.client;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** The execution environment recorded in every start manifest (FORMAT.md, "environment"). */
final class Environment {
    private Environment() {}

    static Map<String, Object> capture() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("host", hostName());
        env.put("user", System.getProperty("user.name"));
        env.put("pid", ProcessHandle.current().pid());
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        env.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("working_dir", System.getProperty("user.dir"));
        return env;
    }

    static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
