package io.runlake.functions.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.runlake.format.MetricSchema;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Checks template.yaml against the code: handlers, event filters, IAM prefixes, bucket hardening, Glue tables. */
class TemplateTest {
    private static Map<String, Object> template;
    private static Map<String, Object> resources;

    /** SafeConstructor plus CloudFormation's short-form tags, turned into their long form ({"Fn::Sub": ...}). */
    static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of(
                    "Ref",
                    "Sub",
                    "GetAtt",
                    "Join",
                    "If",
                    "Equals",
                    "Select",
                    "Split",
                    "FindInMap",
                    "ImportValue",
                    "Not",
                    "And",
                    "Or",
                    "Base64",
                    "Cidr",
                    "GetAZs",
                    "Condition")) {
                String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value;
                        if (node instanceof ScalarNode s) value = constructScalar(s);
                        else if (node instanceof SequenceNode s) value = constructSequence(s);
                        else value = constructMapping((MappingNode) node);
                        if (fn.equals("GetAtt") && value instanceof String s) value = List.of(s.split("\\.", 2));
                        return Map.of(longName, value);
                    }
                });
            }
        }
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Path file = Path.of("..", "template.yaml");
        if (!Files.exists(file)) file = Path.of("template.yaml");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            template = new Yaml(new CloudFormationConstructor()).load(r);
        }
        resources = (Map<String, Object>) template.get("Resources");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            assertTrue(cur instanceof Map, "expected a mapping at " + p + " in " + cur);
            cur = ((Map<String, Object>) cur).get(p);
            assertNotNull(cur, "missing " + p);
        }
        return (Map<String, Object>) cur;
    }

    static Object at(Object o, String... path) {
        String[] parent = Arrays.copyOf(path, path.length - 1);
        return map(o, parent).get(path[path.length - 1]);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List ? (List<Object>) o : List.of(o);
    }

    /** A resource ARN with its Fn::Sub variables left as written. */
    @SuppressWarnings("unchecked")
    static String text(Object o) {
        if (o instanceof String s) return s;
        if (o instanceof Map<?, ?> m && m.containsKey("Fn::Sub")) return text(((Map<String, Object>) m).get("Fn::Sub"));
        if (o instanceof Map<?, ?> m && m.containsKey("Ref")) return "${" + m.get("Ref") + "}";
        return String.valueOf(o);
    }

    static Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources.forEach((name, r) -> {
            if (type.equals(map(r).get("Type"))) out.put(name, map(r));
        });
        return out;
    }

    @Test
    void everyHandlerExistsWithTheRightEventType() throws Exception {
        Map<String, Map<String, Object>> functions = resourcesOfType("AWS::Serverless::Function");
        assertEquals(Set.of("ShardEventFunction", "ScheduledFunction"), functions.keySet());
        for (Map.Entry<String, Map<String, Object>> f : functions.entrySet()) {
            Map<String, Object> props = map(f.getValue(), "Properties");
            String handler = (String) props.get("Handler");
            String[] parts = handler.split("::");
            Class<?> cls = Class.forName(parts[0]);
            assertTrue(RequestHandler.class.isAssignableFrom(cls), handler + " implements RequestHandler");
            Map<String, Object> events = map(props, "Events");
            Set<Class<?>> expected = new HashSet<>();
            for (Object e : events.values()) {
                String type = (String) map(e).get("Type");
                expected.add(
                        switch (type) {
                            case "S3" -> S3Event.class;
                            case "Schedule", "ScheduleV2" -> ScheduledEvent.class;
                            default -> throw new AssertionError("unexpected event type " + type);
                        });
            }
            assertEquals(1, expected.size(), f.getKey() + " mixes event types");
            Class<?> input = requestType(cls);
            assertEquals(expected.iterator().next(), input, handler + " input type");
            Method m = cls.getMethod(parts[1], input, Context.class);
            assertNotNull(m);
            cls.getConstructor(); // the runtime instantiates it with no arguments
            assertEquals("java21", props.get("Runtime"));
            Map<String, Object> env = map(props, "Environment", "Variables");
            assertEquals("--add-opens=java.base/java.nio=ALL-UNNAMED", env.get("JAVA_TOOL_OPTIONS"));
            assertEquals("s3://${BucketName}", text(env.get("RUNLAKE_URI")));
            assertTrue(((Number) props.get("MemorySize")).intValue() >= 1536);
            assertTrue(((Number) props.get("Timeout")).intValue() <= 900);
            assertTrue(((Number) map(props, "EphemeralStorage").get("Size")).intValue() >= 2048);
            assertEquals("SQS", at(props, "EventInvokeConfig", "DestinationConfig", "OnFailure", "Type"));
            assertTrue(
                    String.valueOf(props.get("CodeUri")).matches("functions/target/runlake-functions-.+-lambda\\.jar"));
        }
    }

    private static Class<?> requestType(Class<?> cls) {
        for (Type t : cls.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                return (Class<?>) p.getActualTypeArguments()[0];
            }
        }
        throw new AssertionError(cls + " does not declare RequestHandler<I, O>");
    }

    @Test
    void s3NotificationsWatchRawObjectsOnly() {
        Map<String, Object> events = map(resources, "ShardEventFunction", "Properties", "Events");
        Set<String> suffixes = new HashSet<>();
        for (Object e : events.values()) {
            Map<String, Object> props = map(e, "Properties");
            assertEquals("RunLakeBucket", map(props, "Bucket").get("Ref"), "S3 events on the bucket of this template");
            assertEquals("s3:ObjectCreated:*", props.get("Events"));
            String prefix = null, suffix = null;
            for (Object rule : list(at(props, "Filter", "S3Key", "Rules"))) {
                Map<String, Object> r = map(rule);
                if ("prefix".equals(r.get("Name"))) prefix = (String) r.get("Value");
                if ("suffix".equals(r.get("Name"))) suffix = (String) r.get("Value");
            }
            assertEquals(
                    "runs/",
                    prefix,
                    "only raw objects trigger the function (never lake/ or reports/, which it writes)");
            suffixes.add(suffix);
        }
        assertEquals(Set.of(".parquet", ".json"), suffixes);
        Map<String, Object> schedule = map(resources, "ScheduledFunction", "Properties", "Events", "Sweep");
        assertEquals("Schedule", schedule.get("Type"));
    }

    /** (action, resource) pairs of a policy document's Allow statements. */
    static List<String[]> grants(List<Object> statements) {
        List<String[]> out = new ArrayList<>();
        for (Object s : statements) {
            Map<String, Object> st = map(s);
            if (!"Allow".equals(st.get("Effect"))) continue;
            for (Object a : list(st.get("Action"))) {
                for (Object r : list(st.get("Resource"))) out.add(new String[] {(String) a, text(r)});
            }
        }
        return out;
    }

    private static final String OBJECTS = "arn:${AWS::Partition}:s3:::${BucketName}/";
    private static final String BUCKET = "arn:${AWS::Partition}:s3:::${BucketName}";

    @Test
    void functionPoliciesAreLeastPrivilege() {
        for (String fn : List.of("ShardEventFunction", "ScheduledFunction")) {
            List<Object> policies = list(at(resources, fn, "Properties", "Policies"));
            assertEquals(1, policies.size());
            for (String[] g : grants(list(map(policies.get(0)).get("Statement")))) {
                String action = g[0], resource = g[1];
                switch (action) {
                    case "s3:ListBucket" -> assertEquals(BUCKET, resource);
                    case "s3:GetObject" ->
                        assertTrue(
                                List.of(OBJECTS + "runs/*", OBJECTS + "lake/*", OBJECTS + "reports/*")
                                        .contains(resource),
                                resource);
                    case "s3:PutObject", "s3:AbortMultipartUpload" ->
                        assertTrue(
                                List.of(OBJECTS + "lake/*", OBJECTS + "reports/*")
                                        .contains(resource),
                                action + " " + resource);
                    case "s3:DeleteObject" ->
                        assertTrue(
                                List.of(
                                                OBJECTS + "lake/metrics/experiment=*",
                                                OBJECTS + "lake/runs/experiment=*",
                                                OBJECTS + "runs/*/metrics/*.parquet")
                                        .contains(resource),
                                "functions delete only removed lake data files and covered raw shards, not "
                                        + resource);
                    default ->
                        throw new AssertionError(fn + " has unexpected permission " + action + " on " + resource);
                }
            }
        }
    }

    @Test
    void clientPolicyWritesRawObjectsButNeverDeletesOrTouchesTheLake() {
        Map<String, Object> policy = map(resources, "RunLakeClientPolicy");
        assertEquals("AWS::IAM::ManagedPolicy", policy.get("Type"));
        List<String[]> grants = grants(list(at(policy, "Properties", "PolicyDocument", "Statement")));
        Set<String> putPrefixes = new HashSet<>();
        for (String[] g : grants) {
            assertFalse(g[0].toLowerCase().contains("delete"), "client may not " + g[0]);
            assertFalse(g[0].contains("*"), "no wildcard actions: " + g[0]);
            assertFalse(g[1].contains("/lake/") || g[1].contains("/reports/"), "client touches " + g[1]);
            if (g[0].equals("s3:PutObject")) putPrefixes.add(g[1].substring(OBJECTS.length()));
        }
        assertEquals(
                Set.of(
                        "runs/*",
                        "run-ids/*",
                        "environments/*",
                        "artifacts/*",
                        "_runlake/*",
                        "models/*",
                        "sweeps/*",
                        "annotations/*"),
                putPrefixes);
    }

    @Test
    void bucketIsEncryptedPrivateTlsOnlyWithLifecycleRules() {
        Map<String, Object> props = map(resources, "RunLakeBucket", "Properties");
        assertNotNull(at(props, "BucketEncryption", "ServerSideEncryptionConfiguration"));
        for (String flag :
                List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertEquals(true, at(props, "PublicAccessBlockConfiguration", flag), flag);
        }
        List<Object> rules = list(at(props, "LifecycleConfiguration", "Rules"));
        assertTrue(rules.stream().anyMatch(r -> map(r).containsKey("AbortIncompleteMultipartUpload")));
        assertTrue(
                rules.stream()
                        .anyMatch(r -> "runs/".equals(map(r).get("Prefix"))
                                && map(r).containsKey("ExpirationInDays")
                                && map(r).containsKey("TagFilters")),
                "raw shard expiry limited by tag, so manifests are kept");
        Map<String, Object> deny =
                map(list(at(resources, "RunLakeBucketPolicy", "Properties", "PolicyDocument", "Statement"))
                        .get(0));
        assertEquals("Deny", deny.get("Effect"));
        assertEquals("false", at(deny, "Condition", "Bool", "aws:SecureTransport"));
    }

    /** The statements of an IAM policy document with the given effect. */
    static List<Map<String, Object>> statements(Object document, String effect) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object st : list(map(document).get("Statement")))
            if (effect.equals(map(st).get("Effect"))) out.add(map(st));
        return out;
    }

    /**
     * A Deny of s3:PutObject on every object unless the request carries If-None-Match (create only), exempting
     * only the multipart steps that cannot carry it: AWS's documented way to enforce conditional writes.
     */
    static void assertCreateOnly(String who, Object document) {
        boolean found = false;
        for (Map<String, Object> st : statements(document, "Deny")) {
            if (!list(st.get("Action")).contains("s3:PutObject")) continue;
            if (!list(st.get("Resource")).stream()
                    .map(TemplateTest::text)
                    .toList()
                    .contains(OBJECTS + "*")) continue;
            Object condition = st.get("Condition");
            if (condition == null) continue;
            Map<String, Object> c = map(condition);
            if (!c.containsKey("Null")) continue;
            assertEquals(
                    "true",
                    String.valueOf(map(c.get("Null")).get("s3:if-none-match")),
                    who + ": deny when If-None-Match is absent");
            assertEquals(
                    "true",
                    String.valueOf(map(c.get("Bool")).get("s3:ObjectCreationOperation")),
                    who + ": only object-creating requests (multipart parts cannot carry If-None-Match)");
            assertEquals(Set.of("Null", "Bool"), c.keySet(), who);
            found = true;
        }
        assertTrue(
                found,
                who + " may overwrite objects: no Deny of s3:PutObject without s3:if-none-match on " + OBJECTS + "*");
    }

    /** Actions a policy document denies on every object of the bucket. */
    static Set<String> deniedOnAllObjects(Object document) {
        Set<String> out = new HashSet<>();
        for (Map<String, Object> st : statements(document, "Deny")) {
            if (st.containsKey("Condition")) continue;
            if (!list(st.get("Resource")).stream()
                    .map(TemplateTest::text)
                    .toList()
                    .contains(OBJECTS + "*")) continue;
            for (Object a : list(st.get("Action"))) out.add((String) a);
        }
        return out;
    }

    @Test
    void trainingJobsCanOnlyCreateObjectsNeverOverwriteOrDelete() {
        Object document = at(resources, "RunLakeClientPolicy", "Properties", "PolicyDocument");
        assertCreateOnly("RunLakeClientPolicy", document);
        Set<String> denied = deniedOnAllObjects(document);
        for (String a :
                List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging", "s3:PutObjectAcl")) {
            assertTrue(denied.contains(a), "training jobs must be denied " + a + " on every object, denied: " + denied);
        }
        Set<String> deniedPut = new HashSet<>();
        for (Map<String, Object> st : statements(document, "Deny")) {
            if (st.containsKey("Condition") || !list(st.get("Action")).contains("s3:PutObject")) continue;
            for (Object r : list(st.get("Resource"))) deniedPut.add(text(r));
        }
        assertEquals(
                Set.of(OBJECTS + "lake/*", OBJECTS + "reports/*"),
                deniedPut,
                "training jobs never write the lake or reports");
    }

    @Test
    void trainingJobsMayListTheRegistry() {
        Object document = at(resources, "RunLakeClientPolicy", "Properties", "PolicyDocument");
        boolean listed = false;
        for (Map<String, Object> st : statements(document, "Allow")) {
            if (list(st.get("Action")).contains("s3:ListBucket")) {
                listed |= String.valueOf(st.get("Condition")).contains("models/*");
            }
        }
        assertTrue(listed, "registrars list models/ to find the next version number (FORMAT.md §16.3)");
    }

    @Test
    void functionsCreateOnlyAndNeverDeleteVersions() {
        for (String fn : List.of("ShardEventFunction", "ScheduledFunction")) {
            Object document = list(at(resources, fn, "Properties", "Policies")).get(0);
            assertCreateOnly(fn, document);
            assertTrue(
                    deniedOnAllObjects(document).contains("s3:DeleteObjectVersion"), fn + " must not purge versions");
            for (String[] g : grants(list(map(document).get("Statement")))) {
                assertFalse(g[0].equals("s3:DeleteObjectVersion") || g[0].contains("*"), fn + " is granted " + g[0]);
            }
        }
    }

    @Test
    void bucketIsVersionedAndOldVersionsExpire() {
        Map<String, Object> props = map(resources, "RunLakeBucket", "Properties");
        assertEquals("Enabled", at(props, "VersioningConfiguration", "Status"));
        List<Object> rules = list(at(props, "LifecycleConfiguration", "Rules"));
        Map<String, Object> noncurrent = rules.stream()
                .map(TemplateTest::map)
                .filter(r -> r.containsKey("NoncurrentVersionExpiration"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rule expires noncurrent versions"));
        assertEquals("Enabled", noncurrent.get("Status"));
        assertEquals(
                Map.of("Ref", "NoncurrentVersionRetentionDays"),
                map(noncurrent.get("NoncurrentVersionExpiration")).get("NoncurrentDays"));
        assertEquals(30, ((Number) at(template, "Parameters", "NoncurrentVersionRetentionDays", "Default")).intValue());
        assertEquals(true, noncurrent.get("ExpiredObjectDeleteMarker"));
        Map<String, Object> abort = rules.stream()
                .map(TemplateTest::map)
                .filter(r -> r.containsKey("AbortIncompleteMultipartUpload"))
                .findFirst()
                .orElseThrow();
        assertEquals("Enabled", abort.get("Status"));
        assertTrue(
                ((Number) map(abort.get("AbortIncompleteMultipartUpload")).get("DaysAfterInitiation")).intValue() <= 7);
    }

    @Test
    void everyDocumentTheTemplateReferencesExists() throws Exception {
        Path file = Path.of("..", "template.yaml");
        if (!Files.exists(file)) file = Path.of("template.yaml");
        Path repo = file.toAbsolutePath().normalize().getParent();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("([A-Za-z0-9_./-]+\\.md)(?:\\s*§([0-9.]+[0-9]))?")
                .matcher(text);
        int refs = 0;
        while (m.find()) {
            Path doc = repo.resolve(m.group(1));
            assertTrue(Files.isRegularFile(doc), "template.yaml refers to " + m.group(1) + ", which does not exist");
            if (m.group(2) != null) {
                String section = m.group(2);
                assertTrue(
                        Files.readAllLines(doc).stream()
                                .anyMatch(l -> l.matches("#+ " + Pattern.quote(section) + " .*")),
                        m.group(1) + " has no section " + section);
            }
            refs++;
        }
        assertTrue(refs >= 2, "expected references to FORMAT.md sections, found " + refs);
    }

    /** Whether an IAM resource pattern matches an ARN: {@code *} is any run of characters, {@code /} included. */
    static boolean matches(String pattern, String arn) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) regex.append(".*");
            regex.append(Pattern.quote(part));
        }
        return arn.matches(regex.toString());
    }

    /** Statements of the document with that effect, no condition, the action and a resource matching the key. */
    static boolean unconditionally(Object document, String effect, String action, String key) {
        return statements(document, effect).stream()
                .filter(st -> !st.containsKey("Condition"))
                .filter(st -> list(st.get("Action")).contains(action))
                .anyMatch(st -> list(st.get("Resource")).stream().anyMatch(r -> matches(text(r), OBJECTS + key)));
    }

    /** IAM's evaluation for one object key: an Allow grants it and no Deny takes it away. */
    static boolean permits(Object document, String action, String key) {
        return unconditionally(document, "Allow", action, key) && !unconditionally(document, "Deny", action, key);
    }

    @Test
    void onlyTheMaintenancePolicyDeletesWhatPurgeDeletes() {
        Object maintenance = at(resources, "RunLakeMaintenancePolicy", "Properties", "PolicyDocument");
        Object client = at(resources, "RunLakeClientPolicy", "Properties", "PolicyDocument");
        assertCreateOnly("RunLakeMaintenancePolicy", maintenance);
        assertTrue(deniedOnAllObjects(maintenance).contains("s3:DeleteObjectVersion"), "versions stay restorable");
        String run = "runs/experiment=mnist/run=01m8bn2a08g0000000000000r8/";
        for (String purged : List.of(
                run + "run.json",
                run + "events/w00000-01m8bn2a08w0000000000000r8-00000001.json",
                run + "metrics/w00000-01m8bn2a08w0000000000000r8-00000001.parquet",
                "run-ids/01m8bn2a08g0000000000000r8.json",
                "annotations/experiment=mnist/run=01m8bn2a08g0000000000000r8/01m8bn3000a0000000000000a1.json",
                "lake/metrics/experiment=mnist/01m8bn3000f0000000000000f1.parquet")) {
            assertTrue(permits(maintenance, "s3:DeleteObject", purged), "maintenance purges " + purged);
            assertFalse(permits(client, "s3:DeleteObject", purged), "training jobs may delete " + purged);
            assertTrue(
                    unconditionally(client, "Deny", "s3:DeleteObject", purged), "no explicit Deny for jobs: " + purged);
        }
        assertTrue(permits(maintenance, "s3:PutObject", "audit/01m8bn3000a0000000000000a1.json"), "writes the audit");
        // purge looks for the model versions that name the run (FORMAT.md §12.11) and never changes them
        String version = "models/fraud/versions/0000000003.json";
        assertTrue(permits(maintenance, "s3:GetObject", version), "purge reads the registry");
        assertFalse(permits(maintenance, "s3:DeleteObject", version), "purge never deletes a model version");
        assertFalse(permits(maintenance, "s3:PutObject", version), "purge never writes a model version");
        for (String kept : List.of(
                "audit/01m8bn3000a0000000000000a1.json",
                "artifacts/sha256/" + "ab".repeat(32),
                "lake/metrics/_delta_log/00000000000000000000.json",
                "lake/runs/_delta_log/00000000000000000000.json")) {
            assertFalse(permits(maintenance, "s3:DeleteObject", kept), "maintenance may delete " + kept);
            assertTrue(unconditionally(maintenance, "Deny", "s3:DeleteObject", kept), "no explicit Deny of " + kept);
        }
    }

    @Test
    void functionsCommitToTheDeltaLogsButNeverDeleteThem() {
        for (String fn : List.of("ShardEventFunction", "ScheduledFunction")) {
            Object document = list(at(resources, fn, "Properties", "Policies")).get(0);
            for (String table : List.of("metrics", "runs")) {
                String log = "lake/" + table + "/_delta_log/";
                for (String entry :
                        List.of(log + "00000000000000000000.json", log + "00000000000000000010.checkpoint.parquet")) {
                    assertTrue(permits(document, "s3:PutObject", entry), fn + " commits " + entry);
                    assertTrue(permits(document, "s3:GetObject", entry), fn + " reads " + entry);
                    assertFalse(permits(document, "s3:DeleteObject", entry), fn + " may delete " + entry);
                    // a Deny holds even where the role is granted more S3 access elsewhere
                    assertTrue(
                            unconditionally(document, "Deny", "s3:DeleteObject", entry),
                            fn + ": no explicit Deny of deleting " + entry);
                }
                String data = "lake/" + table + "/experiment=my%20exp/01m8bn3000f0000000000000f1.parquet";
                assertTrue(permits(document, "s3:DeleteObject", data), fn + " vacuums removed files like " + data);
            }
            for (String kept : List.of(
                    "lake/quarantine/experiment=mnist/runs/experiment=mnist/run=r/metrics/w00000-x-00000001.parquet",
                    "runs/experiment=mnist/run=r/run.json",
                    "reports/experiment=mnist/v/leaderboard.json")) {
                assertFalse(permits(document, "s3:DeleteObject", kept), fn + " may delete " + kept);
            }
        }
    }

    @Test
    void glueTablesAreDeltaTablesOverTheLake() {
        for (Map.Entry<String, String> t : Map.of("MetricsTable", "lake/metrics/", "RunsTable", "lake/runs/")
                .entrySet()) {
            Map<String, Object> input = map(resources, t.getKey(), "Properties", "TableInput");
            assertEquals("EXTERNAL_TABLE", input.get("TableType"));
            // Athena's Delta reader, Spark on a Glue catalog; partition projection would bypass the log
            assertEquals(
                    Map.of("table_type", "DELTA", "spark.sql.sources.provider", "delta", "EXTERNAL", "TRUE"),
                    map(input, "Parameters"),
                    t.getKey());
            String location = "s3://${BucketName}/" + t.getValue();
            Map<String, Object> storage = map(input, "StorageDescriptor");
            assertEquals(location, text(storage.get("Location")));
            assertEquals(location, text(map(storage, "SerdeInfo", "Parameters").get("path")));
            assertFalse(
                    storage.containsKey("InputFormat")
                            || map(storage, "SerdeInfo").containsKey("SerializationLibrary"),
                    t.getKey() + ": a Hive reader would read every Parquet file, removed files and checkpoints too");
            assertEquals(List.of(Map.of("Name", "experiment", "Type", "string")), list(input.get("PartitionKeys")));
        }
        List<Object> metricColumns =
                list(at(resources, "MetricsTable", "Properties", "TableInput", "StorageDescriptor", "Columns"));
        assertEquals(
                MetricSchema.COLUMNS.stream().map(MetricSchema.Column::name).toList(),
                metricColumns.stream().map(c -> map(c).get("Name")).toList());
        assertNotNull(map(template, "Outputs").get("ClientPolicyArn"));
        assertNotNull(map(template, "Outputs").get("RunLakeUri"));
    }
}
