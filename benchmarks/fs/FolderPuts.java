import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Wall and CPU time of a folder store's put (temporary file, write, sync, hard link, unlink; FORMAT.md §2.2) of
 * 8,000 small objects by 16 threads, by how the file is synced and how its temporary name is drawn. Run from the
 * repository root: {@code java benchmarks/fs/FolderPuts.java} (BENCHMARKS.md, "The training thread keeps a core").
 */
public class FolderPuts {
    private static final byte[] DATA = new byte[700];

    public static void main(String[] args) throws Exception {
        int n = 8000;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int rep = 0; rep < 2; rep++) {
            for (String mode : new String[] {"uuid-fsync", "fsync", "fdatasync", "nosync"}) {
                Path dir = Files.createTempDirectory("folder-puts");
                Files.createDirectories(dir.resolve(".tmp"));
                long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(16);
                List<Future<?>> puts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    puts.add(pool.submit(() -> {
                        put(dir, k, mode);
                        return null;
                    }));
                }
                for (Future<?> f : puts) f.get();
                pool.shutdown();
                System.out.printf(
                        "%-11s wall %5.2f s  cpu %5.1f us/put%n",
                        mode, (System.nanoTime() - t0) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e3 / n);
            }
        }
    }

    private static void put(Path dir, int i, String mode) throws Exception {
        Path target = dir.resolve("r" + (i / 4)).resolve("o" + i);
        if (Files.exists(target)) return;
        String name = mode.startsWith("uuid") ? UUID.randomUUID().toString() : Thread.currentThread().getId() + "-" + i;
        Path tmp = dir.resolve(".tmp").resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(DATA));
            if (!mode.equals("nosync")) ch.force(!mode.equals("fdatasync"));
        }
        Files.createDirectories(target.getParent());
        Files.createLink(target, tmp);
        Files.deleteIfExists(tmp);
    }
}
