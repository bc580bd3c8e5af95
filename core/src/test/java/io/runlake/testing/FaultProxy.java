package io.runlake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP proxy on 127.0.0.1 in front of an S3 endpoint (S3Proxy) that misbehaves on command, the way
 * networks and object stores do. Faults apply to new and to already pooled connections alike, from the
 * next bytes on. {@link Fault#NONE} forwards everything unchanged.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Fault {
        /** Forward unchanged. */
        NONE,
        /** Nothing listens on the port: connections are refused; open ones are reset. */
        REFUSE,
        /** The connection is reset (RST) after the first bytes of a request: a reset mid-body. */
        RESET,
        /** Connections stay open and nothing is answered, in either direction. */
        HANG,
        /** Every chunk in either direction waits {@link #delayMillis} first: a crawling store. */
        DELAY,
        /** Requests reach the store; responses are cut after a few bytes and the connection closed. */
        TRUNCATE,
        /** Every request is answered {@code 503 SlowDown}. */
        THROTTLE,
        /** Every request is answered {@code 500 InternalError}. */
        SERVER_ERROR,
        /** Requests reach the store and succeed there, but the response is lost (reset): a retried create then meets 412. */
        LOSE_RESPONSE
    }

    private static final int POLL_MS = 20;

    private final InetSocketAddress upstream;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile Fault fault = Fault.NONE;
    private volatile boolean closed;
    public volatile long delayMillis = 300;
    /** Connections accepted so far. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Requests answered, cut or swallowed by a fault. */
    public final AtomicInteger faulted = new AtomicInteger();

    public FaultProxy(URI target) throws IOException {
        this.upstream = new InetSocketAddress(target.getHost(), target.getPort());
        ServerSocket s = listen(0);
        this.port = s.getLocalPort();
        this.server = s;
        threads.execute(() -> acceptLoop(s));
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    /** The endpoint to give clients instead of the target's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** An S3 store URI of the given bucket and prefix that goes through this proxy. */
    public URI storeUri(String bucket, String prefix) {
        return URI.create(
                "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&path_style=true&region=us-east-1");
    }

    public Fault fault() {
        return fault;
    }

    /** Switches to {@code f}; it applies from the next bytes of every connection. */
    public synchronized void set(Fault f) throws IOException {
        Fault before = fault;
        fault = f;
        if (f == Fault.REFUSE && before != Fault.REFUSE) {
            server.close();
            open.forEach(FaultProxy::reset);
        } else if (f != Fault.REFUSE && before == Fault.REFUSE) {
            ServerSocket s = listen(port);
            server = s;
            threads.execute(() -> acceptLoop(s));
        }
    }

    public void heal() throws IOException {
        set(Fault.NONE);
    }

    private void acceptLoop(ServerSocket s) {
        while (!closed && !s.isClosed()) {
            try {
                Socket client = s.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed: REFUSE or close()
            }
        }
    }

    private void serve(Socket client) {
        Socket up = new Socket();
        try {
            open.add(client);
            open.add(up);
            client.setSoTimeout(POLL_MS);
            up.connect(upstream, 5_000);
            up.setSoTimeout(POLL_MS);
            threads.execute(() -> pump(up, client, false));
            pump(client, up, true);
        } catch (IOException e) {
            reset(client);
            reset(up);
        }
    }

    /** Copies {@code from} to {@code to} chunk by chunk, applying the current fault to each chunk. */
    private void pump(Socket from, Socket to, boolean request) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed) {
                while (fault == Fault.HANG && !closed) Thread.sleep(POLL_MS); // read nothing, answer nothing
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) break;
                while (fault == Fault.HANG && !closed) Thread.sleep(POLL_MS);
                Fault f = fault;
                switch (f) {
                    case RESET -> {
                        if (request) {
                            out.write(buf, 0, Math.min(n, 64));
                            out.flush();
                            faulted.incrementAndGet();
                            reset(from);
                            reset(to);
                            return;
                        }
                    }
                    case THROTTLE, SERVER_ERROR -> {
                        if (request) {
                            faulted.incrementAndGet();
                            answer(from, f == Fault.THROTTLE ? 503 : 500);
                            reset(to);
                            return;
                        }
                    }
                    case TRUNCATE -> {
                        if (!request) {
                            out.write(buf, 0, Math.min(n, 20));
                            out.flush();
                            faulted.incrementAndGet();
                            to.close();
                            from.close();
                            return;
                        }
                    }
                    case LOSE_RESPONSE -> {
                        if (!request) {
                            faulted.incrementAndGet();
                            reset(to);
                            reset(from);
                            return;
                        }
                    }
                    case DELAY -> Thread.sleep(delayMillis);
                    default -> {}
                }
                out.write(buf, 0, n);
                out.flush();
            }
            if (request) to.shutdownOutput();
            else to.close();
        } catch (IOException | InterruptedException e) {
            reset(from);
            reset(to);
        } finally {
            if (from.isClosed()) open.remove(from);
            if (to.isClosed()) open.remove(to);
        }
    }

    private static void answer(Socket client, int status) throws IOException {
        String code = status == 503 ? "SlowDown" : "InternalError";
        String reason = status == 503 ? "Slow Down" : "Internal Server Error";
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + reason
                        + "</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        try {
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } finally {
            client.close();
        }
    }

    /** Closes with RST, as a dropped connection looks to the other side. */
    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        } catch (SocketException e) {
            // already gone
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FaultProxy::reset);
        threads.shutdownNow();
    }
}
