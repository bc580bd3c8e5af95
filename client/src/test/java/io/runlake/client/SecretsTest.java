package io.runlake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runlake.format.Json;
import io.runlake.format.Layout;
import io.runlake.format.SharedEnvironment;
import io.runlake.store.ObjectInfo;
import io.runlake.store.ObjectStore;
import io.runlake.store.StoreUris;
import io.runlake.testing.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Secrets never reach the bucket (FORMAT.md §7.2, "Redaction"), checked on every object a real job wrote. */
class SecretsTest {
    @TempDir
    Path tmp;

    @Test
    void noSecretOfTheJobAppearsInAnyObjectOfTheBucket() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        String bucket = "secrets-" + System.nanoTime();
        URI plainStore = server.newBucketUri(bucket, "lake");
        // A store URI takes no unknown options (FORMAT.md §2.1), so a token in one only reaches RunLake in free text.
        URI store = URI.create(plainStore + "&session_token=STORESECRET1");
        try (S3Client s3 = server.client()) {
            s3.putObject(b -> b.bucket(bucket).key("data/train.csv"), RequestBody.fromString("x,y\n1,2\n"));
        }
        String endpoint = "endpoint=" + server.endpoint() + "&path_style=true&region=us-east-1";
        String input = "s3://" + bucket + "/data/train.csv?" + endpoint + "&X-Amz-Signature=SIGINPUT1&token=TOKINPUT1";
        String artifact = "https://bob:pa@ssART1@models.example.com/m.bin?X-Amz-Credential=AKIAEXAMPLECRED1%2F20250101"
                + "&X-Amz-Date=20250101T000000Z&X-Amz-Signature=SIGART1#access_token=FRAGTOKEN1";
        String error = "upload to https://carol:hunter2ERR1@example.com/x?sig=SIGERR1 failed; store " + store
                + "; password=PWERR1 Authorization: Bearer BEARERERR1";
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "init");
        git(repo, "remote", "add", "origin", "https://alice:s3cr@t-pw1@git.example.com/team/repo.git");

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("aws secret key flag", S3ProxyServer.SECRET_KEY);
        secrets.put("password flag", "Pa55@w0rd1");
        secrets.put("api key flag", "APIKEY777");
        secrets.put("token flag", "ghpCHILDTOKEN1");
        secrets.put("session flag", "SESSIONVALUE1");
        secrets.put("git remote password", "s3cr@t-pw1");
        secrets.put("git remote user info", "alice:");
        secrets.put("input signature", "SIGINPUT1");
        secrets.put("input token", "TOKINPUT1");
        secrets.put("artifact password", "pa@ssART1");
        secrets.put("artifact credential", "AKIAEXAMPLECRED1");
        secrets.put("artifact signature", "SIGART1");
        secrets.put("artifact fragment token", "FRAGTOKEN1");
        secrets.put("error password", "hunter2ERR1");
        secrets.put("error signature", "SIGERR1");
        secrets.put("store uri token", "STORESECRET1");
        secrets.put("error password pair", "PWERR1");
        secrets.put("error bearer token", "BEARERERR1");

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY,
                "-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY,
                "-Daws.region=us-east-1",
                "-Ddb.password=Pa55@w0rd1",
                "-Dservice.apiKey=APIKEY777",
                "-Dgithub_token=ghpCHILDTOKEN1",
                "-Dhttp.sessionId=SESSIONVALUE1",
                "-Xmx256m",
                "-D" + Tracker.CODE_DIR_PROPERTY + "=" + repo,
                "-cp",
                System.getProperty("java.class.path"),
                SecretsChild.class.getName(),
                plainStore.toString(),
                tmp.resolve("spill").toString(),
                input,
                artifact,
                error));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        String runId = out.lines()
                .filter(l -> l.startsWith("RUN "))
                .map(l -> l.substring(4))
                .findFirst()
                .orElseThrow(() -> new AssertionError(out));

        // Every object of the bucket, RunLake's or not, byte for byte.
        List<String> leaks = new ArrayList<>();
        int objects = 0;
        try (S3Client s3 = server.client()) {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                byte[] body =
                        s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
                String text = new String(body, StandardCharsets.ISO_8859_1) + "\n"
                        + new String(body, StandardCharsets.UTF_8) + "\n" + o.key();
                objects++;
                secrets.forEach((what, secret) -> {
                    if (text.contains(secret)) leaks.add(what + " in " + o.key());
                });
            }
        }
        assertTrue(objects >= 6, "only " + objects + " objects");
        assertEquals(List.of(), leaks);

        // ... and what was recorded is still useful: names kept, values masked.
        try (ObjectStore s = StoreUris.open(plainStore)) {
            JsonNode start = Json.MAPPER.readTree(
                    s.get(Layout.startManifest("secrets", runId)).orElseThrow());
            // the flags are in the shared environment object the manifest names (FORMAT.md §7.9)
            JsonNode shared =
                    Json.MAPPER.readTree(s.get(Layout.environment(start.at("/environment/" + SharedEnvironment.REF_KEY)
                                    .asText()))
                            .orElseThrow());
            List<String> jvmArgs = new ArrayList<>();
            shared.at("/environment/jvm_args").forEach(a -> jvmArgs.add(a.asText()));
            assertTrue(jvmArgs.contains("-Daws.secretAccessKey=***"), jvmArgs.toString());
            assertTrue(jvmArgs.contains("-Ddb.password=***"), jvmArgs.toString());
            assertTrue(jvmArgs.contains("-Dservice.apiKey=***"), jvmArgs.toString());
            assertTrue(jvmArgs.contains("-Daws.accessKeyId=***"), jvmArgs.toString());
            assertTrue(jvmArgs.contains("-Daws.region=us-east-1"), "other flags are kept: " + jvmArgs);
            assertTrue(jvmArgs.contains("-Xmx256m"), jvmArgs.toString());
            assertEquals(
                    "https://git.example.com/team/repo.git",
                    start.at("/code/git_remote").asText());
            List<String> uris = new ArrayList<>();
            for (ObjectInfo o : s.list(Layout.runPrefix("secrets", runId) + "events/")) {
                JsonNode ev = Json.MAPPER.readTree(s.get(o.key()).orElseThrow());
                if (ev.has("input")) uris.add(ev.at("/input/uri").asText());
                if (ev.has("artifact")) uris.add(ev.at("/artifact/uri").asText());
            }
            assertTrue(
                    uris.contains("s3://" + bucket + "/data/train.csv?" + endpoint + "&X-Amz-Signature=***&token=***"),
                    uris.toString());
            assertTrue(
                    uris.contains("https://models.example.com/m.bin?X-Amz-Credential=***&X-Amz-Date=20250101T000000Z"
                            + "&X-Amz-Signature=***#access_token=***"),
                    uris.toString());
            List<ObjectInfo> ends = s.list(Layout.runPrefix("secrets", runId) + "end/");
            assertEquals(1, ends.size());
            String message = Json.MAPPER
                    .readTree(s.get(ends.get(0).key()).orElseThrow())
                    .at("/error/message")
                    .asText();
            assertTrue(message.startsWith("upload to https://example.com/x?sig=*** failed"), message);
            assertFalse(message.contains("carol"), message);
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
