package io.runlake.client.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Host, process and GPU utilisation for every live run of this process, from one daemon thread: OSHI is set up
 * once, lazily, off the thread that starts runs, and one reading serves every run that asks within {@link #REUSE}.
 * Host metrics come from OSHI; GPU metrics from {@code nvidia-smi} when it is present.
 */
final class SystemMetricsSampler {
    private static final Logger LOG = LoggerFactory.getLogger(SystemMetricsSampler.class);
    /** A reading this recent is given to a run that asks, rather than reading the host again. */
    static final long REUSE = TimeUnit.MILLISECONDS.toNanos(100);

    /** One reading: metric names and values, logged by each run that receives it. */
    record Sample(List<String> keys, double[] values) {}

    private static final class Holder {
        static final SystemMetricsSampler SHARED = new SystemMetricsSampler();
    }

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "runlake-sysmetrics");
        t.setDaemon(true);
        return t;
    });
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    private CentralProcessor cpu;
    private GlobalMemory memory;
    private OperatingSystem os;
    private boolean gpus;
    private long[] prevTicks;
    private OSProcess prevProcess;
    private Sample last;
    private long lastNanos;
    private boolean unavailable;

    private SystemMetricsSampler() {
        timer.setRemoveOnCancelPolicy(true); // runs come and go by the thousand: no dead schedules left behind
    }

    static SystemMetricsSampler shared() {
        return Holder.SHARED;
    }

    /**
     * Calls {@code sink} with a reading every {@code interval}, on this sampler's thread, until the returned handle is
     * cancelled. Ticks are aligned to multiples of the interval, so runs with the same interval share one reading.
     */
    ScheduledFuture<?> every(Duration interval, Consumer<Sample> sink) {
        long ms = interval.toMillis();
        long delay = ms - System.currentTimeMillis() % ms;
        return timer.scheduleAtFixedRate(
                () -> {
                    Sample s = sample();
                    if (s != null) sink.accept(s);
                },
                delay,
                ms,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A reading no older than {@link #REUSE}; null when this machine cannot be read. Thread-safe: runs' writer threads
     * call it for their first and last reading.
     */
    synchronized Sample sample() {
        if (unavailable) return null;
        long now = System.nanoTime();
        if (last != null && now - lastNanos < REUSE) return last;
        try {
            if (cpu == null) open();
            List<String> keys = new ArrayList<>(16);
            List<Double> values = new ArrayList<>(16);
            double cpuLoad = cpu.getSystemCpuLoadBetweenTicks(prevTicks);
            prevTicks = cpu.getSystemCpuLoadTicks();
            add(keys, values, "system/cpu_utilization", cpuLoad * 100);
            long total = memory.getTotal();
            long used = total - memory.getAvailable();
            add(keys, values, "system/memory_used_bytes", used);
            add(keys, values, "system/memory_utilization", 100.0 * used / total);
            OSProcess p = os.getProcess(os.getProcessId());
            if (p != null) {
                add(keys, values, "system/process_cpu_utilization", 100 * p.getProcessCpuLoadBetweenTicks(prevProcess));
                add(keys, values, "system/process_rss_bytes", p.getResidentSetSize());
                prevProcess = p;
            }
            add(
                    keys,
                    values,
                    "system/jvm_heap_used_bytes",
                    heap.getHeapMemoryUsage().getUsed());
            if (gpus) sampleGpus(keys, values);
            last = new Sample(
                    List.copyOf(keys),
                    values.stream().mapToDouble(Double::doubleValue).toArray());
            lastNanos = now;
            return last;
        } catch (Throwable t) {
            if (cpu == null) {
                unavailable = true;
                LOG.warn(
                        "RunLake: system metrics unavailable on this machine ({}); continuing without them",
                        t.toString());
            } else {
                LOG.debug("system metrics sample failed", t);
            }
            return null;
        }
    }

    private void open() {
        SystemInfo si = new SystemInfo();
        cpu = si.getHardware().getProcessor();
        memory = si.getHardware().getMemory();
        os = si.getOperatingSystem();
        prevTicks = cpu.getSystemCpuLoadTicks();
        prevProcess = os.getProcess(os.getProcessId());
        gpus = !Environment.gpus().isEmpty();
    }

    private static void add(List<String> keys, List<Double> values, String key, double value) {
        keys.add(key);
        values.add(value);
    }

    private void sampleGpus(List<String> keys, List<Double> values) {
        Commands.Result r = Commands.run(
                null,
                Environment.NVIDIA_SMI_TIMEOUT,
                Environment.nvidiaSmi(),
                "--query-gpu=index,utilization.gpu,memory.used,memory.total",
                "--format=csv,noheader,nounits");
        if (!r.ok()) return;
        for (String line : r.text().lines().toList()) {
            String[] f = line.split(",\\s*");
            if (f.length < 4) continue;
            try {
                String i = f[0].strip();
                double util = Double.parseDouble(f[1]);
                double usedMib = Double.parseDouble(f[2]);
                double totalMib = Double.parseDouble(f[3]);
                add(keys, values, "system/gpu" + i + "/utilization", util);
                add(keys, values, "system/gpu" + i + "/memory_used_mib", usedMib);
                add(keys, values, "system/gpu" + i + "/memory_utilization", 100 * usedMib / totalMib);
            } catch (NumberFormatException e) {
                // "[N/A]" on some GPUs
            }
        }
    }
}
