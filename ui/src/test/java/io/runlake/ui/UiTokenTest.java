package io.runlake.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safe by default: loopback answers only loopback Host names; any other address needs the token on every request. */
class UiTokenTest {
    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();

    int status(int port, String path, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (header != null) b.header(header, value);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anyAddressGetsAGeneratedTokenThatEveryRequestNeeds() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        try (UiServer s =
                UiServer.start(store.toUri(), UiStores.lakeOptions(tmp), "0.0.0.0", 0, null, Duration.ofSeconds(10))) {
            String token = s.token();
            assertNotNull(token, "a token is generated for a non-loopback address");
            assertTrue(token.length() >= 32);
            assertTrue(s.url().endsWith("/?token=" + token), s.url());
            int port = s.port();
            assertEquals(403, status(port, "/", null, null));
            assertEquals(403, status(port, "/api/experiments", null, null));
            assertEquals(403, status(port, "/?token=wrong", null, null));
            assertEquals(200, status(port, "/?token=" + token, null, null));
            assertEquals(200, status(port, "/app.js", "Cookie", UiServer.COOKIE + "=" + token));
            HttpResponse<String> empty = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/experiments?token=" + token))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // past the token, the page is told what the CLI would say of an empty folder
            assertEquals(400, empty.statusCode());
            assertTrue(empty.body().contains("no RunLake store"), empty.body());
            assertEquals(200, status(port, "/app.js", "Authorization", "Bearer " + token));
            assertEquals(403, status(port, "/api/experiments", "Authorization", "Bearer " + token + "x"));
            HttpResponse<Void> first = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/?token=" + token))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            String cookie = first.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        }
    }

    @Test
    void loopbackWithoutTokenRefusesOtherHostNames() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        try (UiServer s = UiServer.start(
                store.toUri(), UiStores.lakeOptions(tmp), "127.0.0.1", 0, null, Duration.ofSeconds(10))) {
            assertNull(s.token());
            assertEquals(200, status(s.port(), "/", null, null));
            // a page of evil.example whose name was rebound to 127.0.0.1 sends its own Host
            assertEquals(403, hostStatus(s.port()));
        }
    }

    /** The status of a GET whose Host header names another site (written by hand: HttpClient sets Host itself). */
    static int hostStatus(int port) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET /api/experiments HTTP/1.1\r\nHost: evil.example:" + port
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}
