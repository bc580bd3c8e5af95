package io.runlake.client.internal;

import io.runlake.client.Run;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Samples host, process and GPU utilisation on its own daemon thread and logs them as {@code system/...}
 * metrics of the run: the training thread pays nothing. Host metrics come from OSHI; GPU metrics from
 * {@code nvidia-smi} when it is present.
 */
final class SystemMetricsSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemMetricsSampler.class);

    private final Run run;
    private final ScheduledExecutorService timer;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    private final boolean gpus;
    private long[] prevTicks;
    private OSProcess prevProcess;

    SystemMetricsSampler(Run run, Duration interval) {
        this.run = run;
        SystemInfo si = new SystemInfo();
        this.cpu = si.getHardware().getProcessor();
        this.memory = si.getHardware().getMemory();
        this.os = si.getOperatingSystem();
        this.prevTicks = cpu.getSystemCpuLoadTicks();
        this.prevProcess = os.getProcess(os.getProcessId());
        this.gpus = !Environment.gpus().isEmpty();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runlake-sysmetrics-" + run.id().substring(20));
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::sample, ms, ms, TimeUnit.MILLISECONDS);
    }

    void sample() {
        try {
            if (run.status() != null) return;
            double cpuLoad = cpu.getSystemCpuLoadBetweenTicks(prevTicks);
            prevTicks = cpu.getSystemCpuLoadTicks();
            run.log("system/cpu_utilization", cpuLoad * 100);
            long total = memory.getTotal();
            long used = total - memory.getAvailable();
            run.log("system/memory_used_bytes", used);
            run.log("system/memory_utilization", 100.0 * used / total);
            OSProcess p = os.getProcess(os.getProcessId());
            if (p != null) {
                run.log("system/process_cpu_utilization", 100 * p.getProcessCpuLoadBetweenTicks(prevProcess));
                run.log("system/process_rss_bytes", p.getResidentSetSize());
                prevProcess = p;
            }
            run.log("system/jvm_heap_used_bytes", heap.getHeapMemoryUsage().getUsed());
            if (gpus) sampleGpus();
        } catch (IllegalStateException ended) {
            // the run ended between the check and the log
        } catch (RuntimeException e) {
            LOG.debug("system metrics sample failed", e);
        }
    }

    private void sampleGpus() {
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
                run.log("system/gpu" + i + "/utilization", Double.parseDouble(f[1]));
                run.log("system/gpu" + i + "/memory_used_mib", Double.parseDouble(f[2]));
                run.log(
                        "system/gpu" + i + "/memory_utilization",
                        100 * Double.parseDouble(f[2]) / Double.parseDouble(f[3]));
            } catch (NumberFormatException e) {
                // "[N/A]" on some GPUs
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
