package io.runlake.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The golden bucket (this module's test resources, {@code golden/}: a {@code file:} store built from FORMAT.md's
 * examples) and its expected answers ({@code golden/EXPECTED.json}), for the tests of every reader. Readers may write
 * into a store folder (caches, maintenance), so tests always work on a {@link #copyTo copy}. Works from the test
 * classes folder and from the core test-jar alike.
 */
public final class GoldenBucket {
    /** The expected answers, at the bucket's root; not an object of the format (readers ignore unknown top levels). */
    public static final String EXPECTED = "EXPECTED.json";
    /** Before every time in the bucket's objects: files stamped with it are older than any index margin. */
    public static final Instant OLD = Instant.parse("2026-11-26T00:00:00Z");

    private GoldenBucket() {}

    /** Copies the bucket into {@code target} (created if needed) and returns {@code target}. */
    public static Path copyTo(Path target) {
        try {
            URL marker = GoldenBucket.class.getClassLoader().getResource("golden/" + EXPECTED);
            if (marker == null) throw new IllegalStateException("golden/" + EXPECTED + " is not on the test classpath");
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(jar.getPath("/golden"), target);
                }
            } else {
                copyTree(Path.of(uri).getParent(), target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The expected answers of a copy made by {@link #copyTo}. */
    public static JsonNode expected(Path copy) {
        try {
            return Json.MAPPER.readTree(Files.readAllBytes(copy.resolve(EXPECTED)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object key of a copy (the expected answers excluded), in key order. */
    public static List<String> keys(Path copy) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(copy)) {
            all.filter(Files::isRegularFile)
                    .map(p -> copy.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> !k.equals(EXPECTED))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Stamps every file of a copy with {@code time} as its last-modified time (what a store reports for it). */
    public static void setModified(Path copy, Instant time) {
        for (String key : keys(copy)) {
            try {
                Files.setLastModifiedTime(copy.resolve(key), FileTime.from(time));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
