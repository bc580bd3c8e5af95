package io.runlake.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API over HTTP for tests: S3Proxy in-process, backed by a folder. It can be stopped and started
 * again on the same port and folder to simulate an outage.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "runlake-test";
    public static final String SECRET_KEY = "runlake-test-secret";

    private static S3ProxyServer shared;

    private final Path dir;
    private int port;
    private S3Proxy proxy;

    private S3ProxyServer(Path dir) {
        this.dir = dir;
    }

    /** One server per test JVM, started on first use. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = new S3ProxyServer(Files.createTempDirectory("s3proxy"));
                shared.start();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return shared;
    }

    /** A fresh server of its own (for outage tests). */
    public static S3ProxyServer startNew() throws Exception {
        S3ProxyServer s = new S3ProxyServer(Files.createTempDirectory("s3proxy"));
        s.start();
        return s;
    }

    public synchronized void start() throws Exception {
        // The SDK's default credential chain reads these.
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        System.setProperty("aws.region", "us-east-1");
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        props.setProperty("jclouds.identity", ACCESS_KEY);
        props.setProperty("jclouds.credential", SECRET_KEY);
        BlobStore blobStore = BlobStores.create("filesystem", props);
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(endpoint)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Creates a bucket and returns the RunLake URI of a prefix in it. */
    public URI newBucketUri(String bucket, String prefix) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        return URI.create(
                "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&path_style=true&region=us-east-1");
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
