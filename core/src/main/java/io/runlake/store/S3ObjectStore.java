package io.runlake.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code s3://bucket/prefix} through AWS SDK v2. Credentials and region come from the default chains;
 * the URI query may set {@code endpoint}, {@code path_style=true} and {@code region} for S3-compatible
 * servers (MinIO, LocalStack, S3Proxy). Throttling (503 SlowDown) and 5xx are retried with jittered
 * backoff by the SDK's standard retry mode. Put-if-absent is {@code If-None-Match: *}; a 412 means the
 * object already exists.
 */
public final class S3ObjectStore implements ObjectStore {
    /** Files above this size are uploaded in parts of this size. */
    static final long MULTIPART_PART_SIZE = 16L * 1024 * 1024;

    private final URI uri;
    private final String bucket;
    private final String prefix;
    private final S3Client s3;
    private final long partSize;
    private final boolean loopbackEndpoint;

    public S3ObjectStore(URI uri) {
        this(uri, MULTIPART_PART_SIZE);
    }

    S3ObjectStore(URI uri, long partSize) {
        this.uri = uri;
        this.partSize = partSize;
        this.bucket = uri.getHost();
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("S3 URI '" + uri + "' has no bucket; expected s3://bucket/prefix");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        path = path.replaceAll("^/+", "").replaceAll("/+$", "");
        this.prefix = path.isEmpty() ? "" : path + "/";
        Map<String, String> q = StoreUris.query(uri);
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .maxConnections(32))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(60))
                        .apiCallTimeout(Duration.ofMinutes(5)))
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        String endpoint = q.getOrDefault("endpoint", System.getenv("RUNLAKE_S3_ENDPOINT"));
        boolean loopback = false;
        if (endpoint != null && !endpoint.isBlank()) {
            URI e = URI.create(endpoint);
            b.endpointOverride(e);
            loopback = isLoopback(e.getHost());
        }
        this.loopbackEndpoint = loopback;
        boolean pathStyle = Boolean.parseBoolean(q.getOrDefault(
                "path_style",
                System.getenv().getOrDefault("RUNLAKE_S3_PATH_STYLE", endpoint != null ? "true" : "false")));
        b.forcePathStyle(pathStyle);
        b.region(region(q.get("region")));
        this.s3 = b.build();
    }

    /** A loopback host, told from the name alone: no DNS lookup while a tracker opens. */
    static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.matches("127\\.[0-9.]+");
    }

    @Override
    public boolean servedOnThisMachine() {
        return loopbackEndpoint;
    }

    private static Region region(String configured) {
        if (configured != null && !configured.isBlank()) return Region.of(configured);
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            // No region configured anywhere: S3 redirects/works from us-east-1 for most buckets.
            return Region.US_EAST_1;
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    private String full(String key) {
        return prefix + key;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return putIfAbsent(key, data, null);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data, String contentType) {
        try {
            s3.putObject(
                    r -> r.bucket(bucket).key(full(key)).ifNoneMatch("*").contentType(contentType),
                    RequestBody.fromBytes(data));
            return true;
        } catch (SdkException e) {
            if (isPreconditionFailed(e)) return false;
            throw translate("write", key, e);
        }
    }

    @Override
    public boolean putFileIfAbsent(String key, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e, e);
        }
        if (size <= partSize) {
            try {
                s3.putObject(r -> r.bucket(bucket).key(full(key)).ifNoneMatch("*"), RequestBody.fromFile(file));
                return true;
            } catch (SdkException e) {
                if (isPreconditionFailed(e)) return false;
                throw translate("write", key, e);
            }
        }
        return multipartIfAbsent(key, file, size);
    }

    private boolean multipartIfAbsent(String key, Path file, long size) {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(full(key)))
                    .uploadId();
        } catch (SdkException e) {
            throw translate("start multipart upload of", key, e);
        }
        try (var ch = FileChannel.open(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                int len = (int) Math.min(partSize, size - offset);
                ByteBuffer buf = ByteBuffer.allocate(len);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) throw new EOFException(file.toString());
                }
                buf.flip();
                final int pn = partNumber;
                String etag = s3.uploadPart(
                                r -> r.bucket(bucket)
                                        .key(full(key))
                                        .uploadId(uploadId)
                                        .partNumber(pn),
                                RequestBody.fromByteBuffer(buf))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(pn).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket)
                    .key(full(key))
                    .uploadId(uploadId)
                    .ifNoneMatch("*")
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(parts).build()));
            return true;
        } catch (SdkException e) {
            abort(key, uploadId);
            if (isPreconditionFailed(e)) return false;
            throw translate("write", key, e);
        } catch (IOException e) {
            abort(key, uploadId);
            throw new StoreException("cannot read " + file + ": " + e, e);
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(full(key)).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the bucket lifecycle rule removes incomplete uploads
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        return open(key).map(ObjectStore::readAll);
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(r -> r.bucket(bucket).key(full(key)));
            return Optional.of(in);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (isNotFound(e)) return Optional.empty();
            throw translate("read", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> download(String key, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".dl-", ".tmp");
            try {
                GetObjectResponse resp;
                try (ResponseInputStream<GetObjectResponse> in =
                        s3.getObject(r -> r.bucket(bucket).key(full(key)))) {
                    resp = in.response();
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return Optional.of(new ObjectInfo(key, resp.contentLength(), resp.eTag(), resp.lastModified()));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (isNotFound(e)) return Optional.empty();
            throw translate("download", key, e);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot download " + key + " to " + target + ": " + e, e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(full(key)));
            return Optional.of(new ObjectInfo(key, h.contentLength(), h.eTag(), h.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (isNotFound(e)) return Optional.empty();
            throw translate("stat", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        return listFrom(keyPrefix, null);
    }

    @Override
    public List<ObjectInfo> listAfter(String keyPrefix, String startAfter) {
        return listFrom(keyPrefix, startAfter);
    }

    private List<ObjectInfo> listFrom(String keyPrefix, String startAfter) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> {
                        r.bucket(bucket).prefix(full(keyPrefix));
                        if (startAfter != null) r.startAfter(full(startAfter));
                    })
                    .contents()) {
                out.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.eTag(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw translate("list", keyPrefix, e);
        } catch (UncheckedIOException e) {
            throw new StoreUnavailableException("cannot list " + keyPrefix + ": " + e, e);
        }
        return out;
    }

    @Override
    public List<String> listFolders(String keyPrefix) {
        List<String> out = new ArrayList<>();
        try {
            for (var p : s3.listObjectsV2Paginator(
                            r -> r.bucket(bucket).prefix(full(keyPrefix)).delimiter("/"))
                    .commonPrefixes()) {
                out.add(p.prefix().substring(prefix.length()));
            }
        } catch (SdkException e) {
            throw translate("list", keyPrefix, e);
        } catch (UncheckedIOException e) {
            throw new StoreUnavailableException("cannot list " + keyPrefix + ": " + e, e);
        }
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(full(key)));
        } catch (SdkException e) {
            throw translate("delete", key, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    private static boolean isPreconditionFailed(SdkException e) {
        // 409 ConditionalRequestConflict (a concurrent conditional write in flight) is NOT "exists": it
        // surfaces as unavailable so the caller retries or spills.
        return e instanceof S3Exception s && s.statusCode() == 412;
    }

    private static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s && s.statusCode() == 404 && !"NoSuchBucket".equals(code(s));
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** Maps SDK errors to RunLake's two kinds: retry-later (unavailable) and fix-your-setup. */
    private StoreException translate(String action, String key, SdkException e) {
        String where = "s3://" + bucket + "/" + full(key);
        if (e instanceof S3Exception s) {
            int status = s.statusCode();
            String code = code(s);
            if (status == 403) {
                return new StoreException(
                        "access denied to " + action + " " + where + " (" + code
                                + "): check the IAM policy and credentials",
                        e);
            }
            if ("NoSuchBucket".equals(code)) {
                return new StoreException(
                        "bucket '" + bucket + "' does not exist (while trying to " + action + " " + where + ")", e);
            }
            if (status >= 500 || status == 429 || status == 409) {
                return new StoreUnavailableException(
                        "S3 is unavailable: " + action + " " + where + " failed with " + status + " " + code
                                + " after retries",
                        e);
            }
            return new StoreException(
                    action + " " + where + " failed: " + status + " " + code + " " + s.getMessage(), e);
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("Unable to load credentials") || msg.contains("credentials")) {
            return new StoreException(
                    "no AWS credentials found to " + action + " " + where
                            + ": set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a machine with an IAM role",
                    e);
        }
        return new StoreUnavailableException("cannot reach S3 to " + action + " " + where + ": " + msg, e);
    }
}
