package io.runlake.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The app's static files (index.html, app.js, app.css) and uPlot's, from the jar's resources. */
final class Assets {
    /** The app's own files, served and copied into a snapshot. */
    static final List<String> APP = List.of("index.html", "app.js", "app.css");
    /** uPlot's files, under {@code uplot/}. */
    static final List<String> UPLOT = List.of("uplot/uPlot.iife.min.js", "uplot/uPlot.min.css");

    private static final String UPLOT_VERSION = version();

    private Assets() {}

    /** The file's bytes, or empty for a name that is not one of the app's files. */
    static Optional<byte[]> read(String name) {
        String resource;
        if (APP.contains(name)) resource = "/io/runlake/ui/app/" + name;
        else if (UPLOT.contains(name))
            resource =
                    "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/" + name.substring("uplot/".length());
        else return Optional.empty();
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String contentType(String name) {
        if (name.endsWith(".html")) return "text/html; charset=utf-8";
        if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
        if (name.endsWith(".css")) return "text/css; charset=utf-8";
        return "application/octet-stream";
    }

    /** uPlot's version, written into ui.properties by the build from the pom. */
    private static String version() {
        Properties p = new Properties();
        try (InputStream in = Assets.class.getResourceAsStream("/io/runlake/ui/ui.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("uplot.version");
    }
}
