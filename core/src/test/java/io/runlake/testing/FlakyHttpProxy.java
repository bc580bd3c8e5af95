package io.runlake.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP reverse proxy in front of a real S3 endpoint that answers the first N requests with
 * {@code 503 SlowDown}, as S3 does under throttling, then forwards everything unchanged.
 */
public final class FlakyHttpProxy implements AutoCloseable {
    static {
        // The SigV4 signature covers the Host header: forward it unchanged.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final Set<String> HOP_HEADERS =
            Set.of("connection", "content-length", "transfer-encoding", "expect", "upgrade", "keep-alive");
    private final HttpServer server;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    public final AtomicInteger failuresLeft = new AtomicInteger();
    public final AtomicInteger throttled = new AtomicInteger();

    public FlakyHttpProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throttled.incrementAndGet();
                byte[] err = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                                + "<Message>Please reduce your request rate.</Message></Error>")
                        .getBytes();
                ex.getResponseHeaders().add("Content-Type", "application/xml");
                ex.sendResponseHeaders(503, err.length);
                ex.getResponseBody().write(err);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            target.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) vs.forEach(v -> b.header(k, v));
            });
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":"))
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
            });
            byte[] out = r.body();
            boolean noBody = ex.getRequestMethod().equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
            ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : (out.length == 0 ? -1 : out.length));
            if (!noBody && out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
