package io.runlake.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.runlake.format.Json;
import io.runlake.query.Lake;
import io.runlake.query.LakeOptions;
import io.runlake.query.LakePool;
import io.runlake.query.Mirror;
import io.runlake.query.QueryException;
import io.runlake.query.Table;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * {@code runlake ui}: the web app over one store, served by the JDK's HTTP server. Read-only (GET and HEAD only);
 * bound to 127.0.0.1 unless told otherwise, and then every request must carry the token. The lake is refreshed
 * when it is older than the refresh interval (or on a page's Refresh), so runs that land show up; a refresh that finds
 * nothing new keeps the views it has ({@link LakePool}).
 */
public final class UiServer implements AutoCloseable {
    /** The cookie that carries the token after the first request named it in the URL. */
    static final String COOKIE = "runlake_token";

    private final HttpServer http;
    private final URI store;
    private final LakeOptions options;
    private final Duration refresh;
    private final String token;
    private final boolean loopback;
    /** One lake, kept between refreshes (the query daemon's pool). */
    private final LakePool lakes = new LakePool(1);

    private Lake lake;
    private long openedAt;

    private UiServer(
            HttpServer http, URI store, LakeOptions options, Duration refresh, String token, boolean loopback) {
        this.http = http;
        this.store = store;
        this.options = options;
        this.refresh = refresh;
        this.token = token;
        this.loopback = loopback;
    }

    /**
     * Starts serving {@code store} on {@code bind}:{@code port} (0: any free port). A non-loopback {@code bind}
     * needs a token: pass one, or null to have one generated ({@link #token()}).
     */
    public static UiServer start(URI store, LakeOptions options, String bind, int port, String token, Duration refresh)
            throws IOException {
        InetAddress address = InetAddress.getByName(bind);
        boolean loopback = address.isLoopbackAddress();
        if (!loopback && (token == null || token.isBlank())) token = newToken();
        if (token != null && token.isBlank()) token = null;
        HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 0);
        UiServer ui = new UiServer(http, store, options, refresh, token, loopback);
        http.createContext("/", ui::handle);
        // DuckDB answers one query at a time per connection; a few threads still serve static files meanwhile
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "runlake-ui");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return ui;
    }

    static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The token requests must carry, or null (loopback without a token). */
    public String token() {
        return token;
    }

    /** The URL to open: with the token, which the page then keeps in a cookie. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress()
                ? "127.0.0.1"
                : a.getAddress().getHostAddress().contains(":")
                        ? "[" + a.getAddress().getHostAddress() + "]"
                        : a.getAddress().getHostAddress();
        return "http://" + host + ":" + port() + "/" + (token == null ? "" : "?token=" + token);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "read-only: GET only\n");
                return;
            }
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (!allowed(ex, q)) {
                send(ex, 403, "text/plain", "forbidden: this server needs its token (see the URL it printed)\n");
                return;
            }
            if (token != null && token.equals(q.get("token"))) {
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/artifact")) artifact(ex, q);
            else if (path.startsWith("/api/")) api(ex, path.substring("/api/".length()), q);
            else if (path.equals("/snapshot.js")) send(ex, 200, "text/javascript", "window.RUNLAKE_SNAPSHOT = null;\n");
            else asset(ex, path.equals("/") ? "index.html" : path.substring(1));
        } catch (RuntimeException | LinkageError e) {
            // the exchange is closed by try-with-resources; the error is the page's to show
            try {
                send(ex, 500, "text/plain", "runlake ui: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // headers already sent
            }
        }
    }

    /**
     * Whether the request may be answered: with a token, it must carry it (query, cookie or bearer header);
     * without one (loopback only), its Host must be a loopback name, so a web page elsewhere cannot rebind a
     * DNS name to 127.0.0.1 and read the store.
     */
    boolean allowed(HttpExchange ex, Map<String, String> q) {
        if (token == null) {
            String host =
                    Optional.ofNullable(ex.getRequestHeaders().getFirst("Host")).orElse("");
            String name = host.replaceFirst(":\\d+$", "");
            return loopback && (name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]"));
        }
        return same(q.get("token"))
                || same(cookie(ex.getRequestHeaders().getFirst("Cookie")))
                || same(bearer(ex.getRequestHeaders().getFirst("Authorization")));
    }

    private boolean same(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(
                        candidate.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookie(String header) {
        if (header == null) return null;
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
        }
        return null;
    }

    private static String bearer(String header) {
        return header != null && header.startsWith("Bearer ")
                ? header.substring(7).strip()
                : null;
    }

    private void api(HttpExchange ex, String endpoint, Map<String, String> q) throws IOException {
        ObjectNode answer;
        try {
            if (endpoint.equals("models")) {
                try (ObjectStore s = StoreUris.open(store)) {
                    answer = UiApi.models(s);
                }
            } else answer = withLake("1".equals(q.get("refresh")), lake -> UiApi.answer(lake, endpoint, q));
        } catch (QueryException | IllegalArgumentException e) {
            ObjectNode err = Json.MAPPER.createObjectNode();
            err.put("error", e.getMessage());
            send(ex, 400, "application/json", Json.MAPPER.writeValueAsString(err));
            return;
        }
        send(ex, 200, "application/json", Json.MAPPER.writeValueAsString(answer));
    }

    /** Streams a stored artifact (not a reference to data elsewhere) as a download. */
    private void artifact(HttpExchange ex, Map<String, String> q) throws IOException {
        String run = q.getOrDefault("run", ""), name = q.getOrDefault("name", "");
        String key = withLake(false, lake -> {
            Table a = lake.runArtifacts(run);
            for (int i = 0; i < a.size(); i++) {
                if (name.equals(a.get(i, "name")) && !Boolean.TRUE.equals(a.get(i, "reference")))
                    return (String) a.get(i, "uri");
            }
            return null;
        });
        if (key == null) {
            send(ex, 404, "text/plain", "no stored artifact '" + name + "' in run " + run + "\n");
            return;
        }
        try (ObjectStore s = StoreUris.open(store)) {
            Optional<InputStream> in = s.open(key);
            if (in.isEmpty()) {
                send(ex, 404, "text/plain", "artifact object missing: " + key + "\n");
                return;
            }
            String file = name.replaceAll("[^A-Za-z0-9._-]", "_");
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + file + "\"");
            ex.sendResponseHeaders(200, 0);
            try (InputStream i = in.get();
                    OutputStream o = ex.getResponseBody()) {
                i.transferTo(o);
            }
        }
    }

    /** Runs {@code f} over the lake, opened again first when it is older than the refresh interval or asked to. */
    synchronized <T> T withLake(boolean reopen, java.util.function.Function<Lake, T> f) {
        long now = System.nanoTime();
        if (lake == null || reopen || now - openedAt > refresh.toNanos()) {
            // given back and taken again: refreshed as a new lake would be opened, its views rebuilt only if changed
            if (lake != null) lake.close();
            lake = null;
            lake = lakes.open(store, options, Mirror.Progress.NONE);
            openedAt = now;
        }
        return f.apply(lake);
    }

    private static void asset(HttpExchange ex, String name) throws IOException {
        Optional<byte[]> bytes = Assets.read(name);
        if (bytes.isEmpty()) {
            send(ex, 404, "text/plain", "not found\n");
            return;
        }
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        send(ex, 200, Assets.contentType(name), bytes.get());
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(
                ex,
                status,
                type + (type.startsWith("text/") || type.endsWith("json") ? "; charset=utf-8" : ""),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        // the page runs only its own scripts: a name from the store can never become code
        ex.getResponseHeaders()
                .set(
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    /** Stops serving and closes the lake. */
    @Override
    public synchronized void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
        if (lake != null) lake.close(); // back to the pool, which then closes it
        lake = null;
        lakes.close();
    }
}
