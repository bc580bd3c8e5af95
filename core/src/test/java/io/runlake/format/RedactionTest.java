package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The redaction rule of FORMAT.md §7.2, case by case. */
class RedactionTest {
    @Test
    void secretNames() {
        for (String n : List.of(
                "aws.secretAccessKey",
                "AWS_SECRET_ACCESS_KEY",
                "db.password",
                "PGPASSWORD",
                "passwd",
                "api_key",
                "apiKey",
                "service.apiKey",
                "github_token",
                "X-Amz-Security-Token",
                "X-Amz-Signature",
                "X-Amz-Credential",
                "sig",
                "aws.accessKeyId",
                "AWS_SESSION_TOKEN",
                "http.sessionId",
                "Authorization",
                "oauth.clientSecret",
                "key",
                "ssl.key",
                "masterKey",
                "jwt",
                "pwd",
                "privateKey",
                "cookie",
                "credentials.file")) {
            assertTrue(Redaction.isSecretName(n), n);
        }
        for (String n : List.of(
                "aws.region",
                "user.name",
                "java.io.tmpdir",
                "Xmx",
                "endpoint",
                "path_style",
                "X-Amz-Date",
                "X-Amz-Expires",
                "X-Amz-SignedHeaders",
                "file.encoding",
                "add-opens",
                "runlake.code.dir",
                "monkeys")) {
            assertFalse(Redaction.isSecretName(n), n);
        }
    }

    @Test
    void jvmFlagsAndEnvironmentStyleArguments() {
        assertEquals(
                List.of(
                        "-Daws.secretAccessKey=***",
                        "-Daws.region=us-east-1",
                        "--api-token=***",
                        "-password=***",
                        "AWS_SECRET_ACCESS_KEY=***",
                        "PATH=/usr/bin",
                        "-Xmx6g",
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "--token",
                        "***",
                        "--verbose",
                        "-javaagent:/opt/agent.jar=apiKey=***,host=x",
                        "-Drepo=https://host/repo.git",
                        "-Dproxy=http://proxy:3128"),
                Redaction.redactArgs(List.of(
                        "-Daws.secretAccessKey=abc/def+ghi",
                        "-Daws.region=us-east-1",
                        "--api-token=t0k",
                        "-password=p@ss word",
                        "AWS_SECRET_ACCESS_KEY=xyz",
                        "PATH=/usr/bin",
                        "-Xmx6g",
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "--token",
                        "t0k2",
                        "--verbose",
                        "-javaagent:/opt/agent.jar=apiKey=K3Y,host=x",
                        "-Drepo=https://u:p@ss@host/repo.git",
                        "-Dproxy=http://proxy:3128")));
    }

    @Test
    void urlUserInfoGoesUpToTheLastAt() {
        assertEquals(
                "https://git.example.com/team/repo.git",
                Redaction.redactUri("https://alice:s3cr@t@git.example.com/team/repo.git"));
        assertEquals(
                "https://git.example.com/r.git",
                Redaction.redactUri("https://ghp_abcdef0123456789@git.example.com/r.git"));
        assertEquals("https://host:8443/p", Redaction.redactUri("https://u:p@host:8443/p"));
        assertEquals("https://host/repo", Redaction.redactUri("https://u:pa/ss@host/repo"));
        assertEquals("ssh://git.example.com/r.git", Redaction.redactUri("ssh://git@git.example.com/r.git"));
        assertEquals("git@github.com:org/repo.git", Redaction.redactUri("git@github.com:org/repo.git"));
        assertEquals("github.com:org/repo.git", Redaction.redactUri("user:p@ss@github.com:org/repo.git"));
        assertEquals("https://host/~me@x/file", Redaction.redactUri("https://host/~me@x/file"));
        assertEquals("/data/x@v2/train.csv", Redaction.redactUri("/data/x@v2/train.csv"));
        assertEquals("file:///data/x@v2/train.csv", Redaction.redactUri("file:///data/x@v2/train.csv"));
        assertEquals("s3://bucket/key", Redaction.redactUri("s3://bucket/key"));
    }

    @Test
    void secretQueryAndFragmentParametersAreMasked() {
        assertEquals(
                "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20250101T000000Z"
                        + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=***&X-Amz-Signature=***",
                Redaction.redactUri(
                        "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2025"
                                + "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQo"
                                + "&X-Amz-Signature=abc123"));
        assertEquals(
                "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=***&se=2025",
                Redaction.redactUri("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbC%2Bd%3D&se=2025"));
        assertEquals(
                "https://h/cb#access_token=***&state=1", Redaction.redactUri("https://h/cb#access_token=xyz&state=1"));
        assertEquals(
                "s3://b/k?endpoint=http://minio:9000&path_style=true&token=***",
                Redaction.redactUri("s3://b/k?endpoint=http://admin:minio@secret@minio:9000&path_style=true&token=t"));
    }

    @Test
    void freeText() {
        assertEquals(
                "cannot reach https://host/x?sig=*** (password=***, user=bob) Authorization: Bearer ***",
                Redaction.redactText(
                        "cannot reach https://u:p@w@host/x?sig=S1 (password=hunter2, user=bob) Authorization: Bearer eyJhbGci"));
        assertEquals("{\"token\": \"***\", \"n\": 1}", Redaction.redactText("{\"token\": \"abc\", \"n\": 1}"));
        assertEquals("plain message", Redaction.redactText("plain message"));
        assertEquals(
                "java.lang.IllegalStateException: token=***\n\tat io.x.TokenCache.get(TokenCache.java:42)",
                Redaction.redactText(
                        "java.lang.IllegalStateException: token=abc\n\tat io.x.TokenCache.get(TokenCache.java:42)"));
    }
}
