package io.runlake.query;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * How a {@link Lake} is opened.
 *
 * @param cacheDir local cache folder (mirror of an s3:// store, validation results, metric summaries);
 *     null means {@code $RUNLAKE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/runlake}, else {@code ~/.cache/runlake}, with one sub-folder per store URI
 * @param staleTimeout a run with open processes and no activity for this long is CRASHED [15 min]
 * @param ioThreads parallel downloads from an s3:// store [8]
 * @param refresh whether to LIST the store and fetch what changed on open [true]; false reads the cache as it is
 * @param indexMargin a run is taken from the runs index only if none of its raw objects was modified later than
 *     this before the index commit (FORMAT.md §13) [10 min]
 */
public record LakeOptions(Path cacheDir, Duration staleTimeout, int ioThreads, boolean refresh, Duration indexMargin) {
    public static final String CACHE_ENV = "RUNLAKE_CACHE_DIR";

    public static LakeOptions defaults() {
        return new LakeOptions(null, Duration.ofMinutes(15), 8, true, io.runlake.runs.SettledWatermark.DEFAULT_MARGIN);
    }

    public LakeOptions withCacheDir(Path dir) {
        return new LakeOptions(dir, staleTimeout, ioThreads, refresh, indexMargin);
    }

    public LakeOptions withStaleTimeout(Duration timeout) {
        return new LakeOptions(cacheDir, timeout, ioThreads, refresh, indexMargin);
    }

    public LakeOptions withRefresh(boolean on) {
        return new LakeOptions(cacheDir, staleTimeout, ioThreads, on, indexMargin);
    }

    public LakeOptions withIndexMargin(Duration margin) {
        return new LakeOptions(cacheDir, staleTimeout, ioThreads, refresh, margin);
    }

    /** The cache folder of one store: {@code <cacheDir>/<first 16 hex digits of SHA-256(uri)>}. */
    Path cacheFor(String uri) {
        Path base = cacheDir;
        if (base == null) {
            String env = System.getenv(CACHE_ENV);
            String xdg = System.getenv("XDG_CACHE_HOME"); // the launcher keeps its archive there too
            base = env != null && !env.isBlank()
                    ? Path.of(env)
                    : xdg != null && Path.of(xdg).isAbsolute()
                            ? Path.of(xdg, "runlake")
                            : Path.of(System.getProperty("user.home"), ".cache", "runlake");
        }
        return base.resolve(sha256(uri).substring(0, 16));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
