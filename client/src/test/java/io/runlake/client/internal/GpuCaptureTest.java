package io.runlake.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU capture through a real process standing in for nvidia-smi (this machine has no GPU): its CSV is
 * parsed; a failing or hanging nvidia-smi records no GPUs and never delays a start beyond its limit.
 */
class GpuCaptureTest {
    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        System.clearProperty("runlake.nvidia-smi");
    }

    private void fakeNvidiaSmi(String body) throws Exception {
        Path script = tmp.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("runlake.nvidia-smi", script.toString());
    }

    @Test
    void gpusAreParsedFromNvidiaSmi() throws Exception {
        fakeNvidiaSmi(
                "echo '0, NVIDIA H100 80GB HBM3, 550.54.15, 81559, GPU-aaaa'; echo '1, NVIDIA H100 80GB HBM3, 550.54.15, 81559, GPU-bbbb'");
        List<Map<String, Object>> gpus = Environment.gpus();
        assertEquals(2, gpus.size());
        assertEquals(
                Map.of(
                        "index",
                        "0",
                        "name",
                        "NVIDIA H100 80GB HBM3",
                        "driver_version",
                        "550.54.15",
                        "memory_total_mib",
                        "81559",
                        "uuid",
                        "GPU-aaaa"),
                gpus.get(0));
        assertEquals("GPU-bbbb", gpus.get(1).get("uuid"));
    }

    @Test
    void failingOrHangingNvidiaSmiRecordsNoGpus() throws Exception {
        fakeNvidiaSmi(
                "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' >&2; exit 9");
        assertEquals(List.of(), Environment.gpus());
        fakeNvidiaSmi("sleep 30");
        long t0 = System.nanoTime();
        assertEquals(List.of(), Environment.gpus());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(
                ms < Environment.NVIDIA_SMI_TIMEOUT.toMillis() + 2_000,
                "hanging nvidia-smi delayed capture by " + ms + " ms");
    }

    @Test
    void absentNvidiaSmiIsNoGpuAndNoError() {
        System.setProperty("runlake.nvidia-smi", tmp.resolve("does-not-exist").toString());
        assertEquals(List.of(), Environment.gpus());
    }
}
