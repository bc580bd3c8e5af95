package io.runlake.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Tracker;
import io.runlake.client.TrackerException;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** Missing or wrong credentials and a missing bucket are one clear error at start, not a stack of SDK noise. */
class S3CredentialsTest {
    private static final String[] PROPS = {
        "aws.accessKeyId",
        "aws.secretAccessKey",
        "aws.disableEc2Metadata",
        "aws.profile",
        "aws.sharedCredentialsFile",
        "aws.configFile"
    };

    @Test
    @DisabledIfEnvironmentVariable(
            named = "AWS_ACCESS_KEY_ID",
            matches = ".+",
            disabledReason = "real credentials in the environment")
    void missingCredentialsAreNamed() throws Exception {
        URI uri = S3ProxyServer.shared().newBucketUri("creds-" + System.nanoTime(), "lake");
        Map<String, String> saved = new HashMap<>();
        for (String p : PROPS) saved.put(p, System.getProperty(p));
        try {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            System.setProperty("aws.disableEc2Metadata", "true");
            System.setProperty("aws.profile", "runlake-test-no-such-profile");
            System.setProperty("aws.sharedCredentialsFile", "/nonexistent/credentials");
            System.setProperty("aws.configFile", "/nonexistent/config");
            TrackerException e = assertThrows(TrackerException.class, () -> Tracker.open(uri.toString()));
            assertTrue(e.getMessage().contains("no AWS credentials found"), e.getMessage());
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
        }
    }

    @Test
    void wrongSecretIsAccessDenied() {
        URI uri = S3ProxyServer.shared().newBucketUri("creds-" + System.nanoTime(), "lake");
        String saved = System.getProperty("aws.secretAccessKey");
        try {
            System.setProperty("aws.secretAccessKey", "wrong-secret");
            TrackerException e = assertThrows(TrackerException.class, () -> Tracker.open(uri.toString()));
            assertTrue(e.getMessage().contains("access denied"), e.getMessage());
        } finally {
            System.setProperty("aws.secretAccessKey", saved);
        }
    }

    @Test
    void missingBucketIsNamed() {
        S3ProxyServer s3 = S3ProxyServer.shared();
        URI uri = URI.create("s3://no-such-bucket-" + System.nanoTime() + "/lake?endpoint=" + s3.endpoint()
                + "&path_style=true&region=us-east-1");
        TrackerException e = assertThrows(TrackerException.class, () -> Tracker.open(uri.toString()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
