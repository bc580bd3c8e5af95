package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.Redaction;
import io.runlake.format.SharedEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * The execution environment recorded for every run (FORMAT.md, "environment"): JVM, OS, hardware (CPU model,
 * cores, memory, GPUs), container and cloud hints, and the version of every library on the classpath. Captured
 * once per JVM and stored once per distinct content (§7.9); nothing here can fail a run.
 */
public final class Environment {
    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);
    static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(3);
    /** The nvidia-smi binary; the system property {@code runlake.nvidia-smi} names another path. */
    static String nvidiaSmi() {
        return System.getProperty("runlake.nvidia-smi", "nvidia-smi");
    }

    private static volatile Captured captured;

    private Environment() {}

    /**
     * The environment of this process as manifests record it (FORMAT.md §7.2, §7.9): the per-process keys inline,
     * and the rest (JVM, OS, hardware, libraries) in one shared object named by its SHA-256.
     *
     * @param inline the manifest's {@code environment}: host, user, pid, working_dir and the shared object's hash
     * @param sharedKey where the shared object goes ({@code environments/sha256/<sha256>.json})
     * @param sharedBytes the shared object, exactly the bytes whose SHA-256 names it
     */
    public record Captured(Map<String, Object> inline, String sharedKey, byte[] sharedBytes) {}

    /** Captured once per process (the first call pays for OSHI, nvidia-smi and the classpath scan), then reused. */
    public static Captured captured() {
        Captured c = captured;
        if (c == null) {
            synchronized (Environment.class) {
                if (captured == null) captured = capture();
                c = captured;
            }
        }
        return c;
    }

    private static Captured capture() {
        byte[] shared =
                Json.write(new SharedEnvironment(FormatVersion.CURRENT, SharedEnvironment.KIND, captureStatic()));
        String sha = Hashes.sha256(shared);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("host", hostName());
        env.put("user", System.getProperty("user.name"));
        env.put("pid", ProcessHandle.current().pid());
        env.put("working_dir", System.getProperty("user.dir"));
        env.put(SharedEnvironment.REF_KEY, sha);
        return new Captured(Collections.unmodifiableMap(env), Layout.environment(sha), shared);
    }

    private static Map<String, Object> captureStatic() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        env.put("jvm_args", jvmArgs(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("arch", System.getProperty("os.arch"));
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        try {
            HardwareAbstractionLayer hw = new SystemInfo().getHardware();
            CentralProcessor cpu = hw.getProcessor();
            env.put("cpu_model", cpu.getProcessorIdentifier().getName().strip());
            env.put("cpu_physical_cores", cpu.getPhysicalProcessorCount());
            env.put("cpu_logical_cores", cpu.getLogicalProcessorCount());
            env.put("memory_total_bytes", hw.getMemory().getTotal());
        } catch (Throwable t) {
            LOG.debug("hardware capture failed", t);
            env.put("hardware_status", "unavailable: " + t);
        }
        env.put("gpus", gpus());
        Map<String, Object> hints = containerAndCloud();
        if (!hints.isEmpty()) env.put("platform", hints);
        env.put("libraries", libraries());
        return env;
    }

    /** The JVM's flags as recorded: secret-looking values masked (FORMAT.md §7.2, "Redaction"). */
    static List<String> jvmArgs(List<String> inputArguments) {
        return Redaction.redactArgs(inputArguments);
    }

    /** GPUs from nvidia-smi when present: model, driver, memory. Absent or failing nvidia-smi gives an empty list. */
    static List<Map<String, Object>> gpus() {
        Commands.Result r = Commands.run(
                null,
                NVIDIA_SMI_TIMEOUT,
                nvidiaSmi(),
                "--query-gpu=index,name,driver_version,memory.total,uuid",
                "--format=csv,noheader,nounits");
        List<Map<String, Object>> out = new ArrayList<>();
        if (!r.ok()) {
            // absent is normal (no GPU); present but failing is worth a warning
            if (r.problem() == null || !r.problem().endsWith("not found")) {
                LOG.warn(
                        "RunLake: nvidia-smi failed ({}); GPUs not recorded",
                        r.problem() != null ? r.problem() : "exit code " + r.exitCode());
            }
            return out;
        }
        for (String line : r.text().lines().toList()) {
            String[] f = line.split(",\\s*");
            if (f.length < 5) continue;
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("index", f[0]);
            g.put("name", f[1]);
            g.put("driver_version", f[2]);
            g.put("memory_total_mib", f[3]);
            g.put("uuid", f[4]);
            out.add(g);
        }
        return out;
    }

    private static Map<String, Object> containerAndCloud() {
        Map<String, Object> h = new LinkedHashMap<>();
        Map<String, String> e = System.getenv();
        if (Files.exists(Path.of("/.dockerenv"))) h.put("container", "docker");
        if (e.containsKey("KUBERNETES_SERVICE_HOST")) h.put("container", "kubernetes");
        for (String k : List.of(
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_EXECUTION_ENV",
                "AWS_BATCH_JOB_ID",
                "ECS_CONTAINER_METADATA_URI_V4",
                "TRAINING_JOB_NAME",
                "SM_CURRENT_HOST",
                "SM_CURRENT_INSTANCE_TYPE",
                "INSTANCE_TYPE",
                "CLOUD_ML_JOB_ID",
                "SLURM_JOB_ID",
                "SLURM_NODELIST")) {
            String v = e.get(k);
            if (v != null && !v.isBlank()) h.put(k.toLowerCase(), Redaction.redactText(v));
        }
        return h;
    }

    /**
     * group:artifact:version of every library on the classpath (from Maven metadata inside jars, also
     * inside a shaded jar), or the jar file name when a jar has none.
     */
    static List<String> libraries() {
        TreeSet<String> libs = new TreeSet<>();
        String cp = System.getProperty("java.class.path", "");
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.endsWith(".jar")) continue;
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) continue;
            int found = 0;
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry z = entries.nextElement();
                    String n = z.getName();
                    if (n.startsWith("META-INF/maven/") && n.endsWith("/pom.properties")) {
                        Properties p = new Properties();
                        try (InputStream in = zip.getInputStream(z)) {
                            p.load(in);
                        }
                        libs.add(p.getProperty("groupId") + ":" + p.getProperty("artifactId") + ":"
                                + p.getProperty("version"));
                        found++;
                    }
                }
                // Class-Path manifests (e.g. Surefire's booter jar) are not libraries themselves.
            } catch (IOException e) {
                // unreadable jar: fall back to its name
            }
            if (found == 0) libs.add(jar.getFileName().toString());
        }
        return new ArrayList<>(libs);
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
