package io.runlake.client;

import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The integration suite on LocalStack's S3; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackClientTest extends ClientSuite {
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));

    @Override
    protected URI newStoreUri(String name) {
        System.setProperty("aws.accessKeyId", LOCALSTACK.getAccessKey());
        System.setProperty("aws.secretAccessKey", LOCALSTACK.getSecretKey());
        String bucket = name.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .forcePathStyle(true)
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        return URI.create("s3://" + bucket + "/lake?endpoint=" + LOCALSTACK.getEndpoint() + "&path_style=true&region="
                + LOCALSTACK.getRegion());
    }
}
