package dev.videolinks.local;

import dev.videolinks.testing.LocalTemplate;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.TestJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The local stack as a user runs it: started from template.yaml, videos uploaded with the S3 SDK (single PUT
 * and multipart), webhooks to the built-in receiver, the URL API over HTTP, and `invoke` with each event file.
 */
class LocalStackTest {

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    static LocalStack stack;
    static final Console console = new Console();
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        stack = new LocalStack(options(work.resolve("stack"), null), console.stream);
        stack.start();
        stack.printBanner(Duration.ZERO);
        s3 = client(stack);
    }

    @AfterAll
    static void stop() {
        s3.close();
        stack.close();
    }

    /** Free ports, short retry delays; the built-in receiver unless webhooks go elsewhere. */
    static LocalStack.Options options(Path workDir, String webhookUrl) {
        var options = new LocalStack.Options();
        options.s3Port = 0;
        options.dynamoDbPort = 0;
        options.apiPort = 0;
        options.receiverPort = 0;
        options.receiver = webhookUrl == null;
        options.webhookUrl = webhookUrl;
        options.retryDelays = List.of(Duration.ofMillis(100), Duration.ofMillis(200));
        options.workDir = workDir;
        return options;
    }

    static S3Client client(LocalStack stack) {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(LocalStack.REGION))
                .credentialsProvider(stack.credentials()).endpointOverride(stack.s3Endpoint()).forcePathStyle(true).build();
    }

    static String bucket() {
        return stack.template().bucketName();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; console:\n" + console);
            }
            Thread.sleep(50);
        }
    }

    static JsonNode webhookFor(String jobId) throws IOException {
        try (Stream<Path> files = Files.list(work.resolve("stack").resolve("webhooks"))) {
            for (Path file : files.toList()) {
                JsonNode body = TestJson.MAPPER.readTree(file.toFile());
                if (body.path("job_id").asText().equals(jobId)) {
                    return body;
                }
            }
        }
        return null;
    }

    static boolean hasWebhookFor(String jobId) {
        try {
            return Files.isDirectory(work.resolve("stack").resolve("webhooks")) && webhookFor(jobId) != null;
        } catch (IOException e) {
            return false;
        }
    }

    static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        return send("GET", url, headers);
    }

    static HttpResponse<byte[]> send(String method, String url, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void start_singlePut_verifiedWebhookWhoseUrlPlaysTheBytes() throws Exception {
        byte[] clip = "a single-PUT clip".getBytes(StandardCharsets.UTF_8);
        s3.putObject(p -> p.bucket(bucket()).key("generated_videos/u1/job_put/first take.mp4").contentType("video/mp4"),
                RequestBody.fromBytes(clip));

        await("the webhook of job_put", () -> hasWebhookFor("job_put"));

        JsonNode webhook = webhookFor("job_put");
        assertEquals("u1", webhook.get("user_id").asText());
        assertEquals("generated_videos/u1/job_put/first take.mp4", webhook.at("/data/videos/0/s3_key").asText());
        assertArrayEquals(clip, get(webhook.at("/data/videos/0/file_url").asText()).body());
        assertTrue(console.lines().stream().anyMatch(l -> l.contains("[receiver] webhook ") && l.contains("(signature verified): job job_put")),
                console.toString());
        assertEquals(1, console.lines().stream().filter(l -> l.contains("): job job_put,")).count(), "one webhook per job");
    }

    @Test
    void start_multipartUpload_verifiedWebhookWhoseUrlPlaysTheBytes() throws Exception {
        String key = "generated_videos/u1/job_multipart/long.mp4";
        byte[] first = new byte[5 * 1024 * 1024];
        Arrays.fill(first, (byte) 7);
        byte[] second = "the end".getBytes(StandardCharsets.UTF_8);
        String upload = s3.createMultipartUpload(c -> c.bucket(bucket()).key(key).contentType("video/mp4")).uploadId();
        String etag1 = s3.uploadPart(u -> u.bucket(bucket()).key(key).uploadId(upload).partNumber(1), RequestBody.fromBytes(first)).eTag();
        String etag2 = s3.uploadPart(u -> u.bucket(bucket()).key(key).uploadId(upload).partNumber(2), RequestBody.fromBytes(second)).eTag();
        s3.completeMultipartUpload(c -> c.bucket(bucket()).key(key).uploadId(upload).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(etag1).build(), CompletedPart.builder().partNumber(2).eTag(etag2).build())));

        await("the webhook of job_multipart", () -> hasWebhookFor("job_multipart"));

        JsonNode video = webhookFor("job_multipart").at("/data/videos/0");
        assertEquals(first.length + second.length, video.get("file_size").asLong());
        byte[] fetched = get(video.get("file_url").asText()).body();
        assertEquals(first.length + second.length, fetched.length);
        assertArrayEquals(second, Arrays.copyOfRange(fetched, first.length, fetched.length));
    }

    @Test
    void api_ownerGetsAFreshUrl_otherUserNotFound_removalStopsServing() throws Exception {
        byte[] clip = "served through the local API".getBytes(StandardCharsets.UTF_8);
        String key = "generated_videos/u1/job_api/clip.webm";
        s3.putObject(p -> p.bucket(bucket()).key(key).contentType("video/webm"), RequestBody.fromBytes(clip));
        await("the webhook of job_api", () -> hasWebhookFor("job_api"));
        String job = stack.apiUrl() + "/videos/job_api";

        var owner = get(job, LocalApi.LOCAL_USER_HEADER, "u1");
        var other = get(job, LocalApi.LOCAL_USER_HEADER, "u2");
        var nobody = get(job);

        assertEquals(200, owner.statusCode());
        assertTrue(owner.headers().firstValue("Cache-Control").orElseThrow().startsWith("private, max-age="));
        JsonNode answer = TestJson.MAPPER.readTree(owner.body());
        assertArrayEquals(clip, get(answer.at("/videos/0/file_url").asText()).body());
        assertEquals(404, other.statusCode());
        assertEquals(401, nobody.statusCode());

        s3.deleteObject(d -> d.bucket(bucket()).key(key));

        await("the API to stop serving job_api", () -> {
            try {
                return get(job, LocalApi.LOCAL_USER_HEADER, "u1").statusCode() == 404;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void api_bearerTokenClaims_actAsTheLocalIdentity() throws Exception {
        s3.putObject(p -> p.bucket(bucket()).key("generated_videos/auth0|77/job_jwt/clip.mp4").contentType("video/mp4"),
                RequestBody.fromBytes(new byte[] {1, 2, 3}));
        await("the webhook of job_jwt", () -> hasWebhookFor("job_jwt"));
        String claims = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"auth0|77\",\"aud\":\"app\"}".getBytes(StandardCharsets.UTF_8));

        var response = get(stack.apiUrl() + "/videos/job_jwt", "Authorization", "Bearer eyJhbGciOiJub25lIn0." + claims + ".");

        assertEquals(200, response.statusCode());
    }

    @Test
    void start_webhookUnreachable_eventKeptInTheFailureDestination() throws Exception {
        int closed = freePort();
        Path workDir = work.resolve("failing");
        try (var failing = new LocalStack(options(workDir, "http://127.0.0.1:" + closed + "/hook"), console.stream)) {
            failing.start();
            try (var client = client(failing)) {
                client.putObject(p -> p.bucket(failing.template().bucketName()).key("generated_videos/u1/job_lost/clip.mp4"),
                        RequestBody.fromBytes(new byte[] {1}));
            }

            await("a failed event", () -> {
                try (Stream<Path> files = Files.list(failing.failures())) {
                    return files.findAny().isPresent();
                } catch (IOException e) {
                    return false;
                }
            });

            Path record;
            try (Stream<Path> files = Files.list(failing.failures())) {
                record = files.findFirst().orElseThrow();
            }
            JsonNode failure = TestJson.MAPPER.readTree(record.toFile());
            assertEquals("RetriesExhausted", failure.at("/requestContext/condition").asText());
            assertEquals(3, failure.at("/requestContext/approximateInvokeCount").asInt());
            assertEquals("generated_videos/u1/job_lost/clip.mp4", failure.at("/requestPayload/Records/0/s3/object/key").asText());
            assertTrue(failure.at("/responsePayload/errorType").asText().endsWith("WebhookDeliveryException"));

            try (var receiverBack = WebhookReceiver.start(closed)) {
                var options = options(workDir, "http://127.0.0.1:" + closed + "/hook");
                options.s3Port = failing.s3Endpoint().getPort();
                options.dynamoDbPort = failing.dynamoDbEndpoint().getPort();
                var out = new ByteArrayOutputStream();

                int exit = LocalCommands.redrive(options, new PrintStream(out, true, StandardCharsets.UTF_8));

                assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
                assertEquals(1, receiverBack.requests().size(), "the replayed event delivered its webhook");
                assertEquals("job_lost", receiverBack.requests().getFirst().json().get("job_id").asText());
                assertTrue(Files.exists(failing.failures().resolve("redriven").resolve(record.getFileName())));
                assertFalse(Files.exists(record));
            }
        }
    }

    // --- invoke ---

    record Invoked(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return TestJson.MAPPER.readTree(out);
        }
    }

    static Invoked invoke(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = LocalCommands.invoke(new ArrayDeque<>(List.of(args)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Invoked(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] againstTheStack(String function, String event, String... more) {
        var args = new java.util.ArrayList<>(List.of(function, "-e", "events/" + event,
                "--s3-port", Integer.toString(stack.s3Endpoint().getPort()),
                "--dynamodb-port", Integer.toString(stack.dynamoDbEndpoint().getPort())));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** What each sample event answers when invoked against the stack (no job of the samples exists there). */
    static final Map<String, Integer> API_STATUS = Map.ofEntries(
            Map.entry("api-get-job.json", 404),
            Map.entry("api-get-job-attachment.json", 404),
            Map.entry("api-get-job-other-user.json", 404),
            Map.entry("api-get-job-unknown.json", 404),
            Map.entry("api-get-job-no-identity.json", 401),
            Map.entry("api-get-job-iam.json", 401),
            Map.entry("api-batch.json", 200));

    @Test
    void invoke_everyEventFile_expectedExitAndOutput() throws Exception {
        List<String> files;
        try (Stream<Path> events = Files.list(Path.of("events"))) {
            // A version id in the stack's unversioned bucket makes S3Proxy answer 501 where S3 answers 404:
            // VersionOrderTest runs the versioned samples against a versioned bucket instead.
            files = events.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("env.json") && !n.equals("s3-object-created-versioned.json")).sorted().toList();
        }
        assertTrue(files.size() >= 15, files.toString());
        for (String file : files) {
            if (file.startsWith("api-")) {
                var invoked = invoke(againstTheStack("VideoUrlFunction", file));
                assertEquals(0, invoked.exit(), file + ": " + invoked.err());
                int expected = API_STATUS.getOrDefault(file, 400);
                assertEquals(expected, invoked.json().get("statusCode").asInt(), file + ": " + invoked.out());
            } else {
                var invoked = invoke(againstTheStack("VideoCompletionFunction", file));
                assertEquals(0, invoked.exit(), file + ": " + invoked.err());
                assertTrue(invoked.json().has("objects"), file + ": " + invoked.out());
                assertTrue(invoked.err().contains("using the running local stack"), invoked.err());
            }
        }
    }

    @Test
    void invoke_objectInTheStack_recordsItAndPrintsTheReport() throws Exception {
        var sample = TestJson.MAPPER.readTree(Files.readAllBytes(Path.of("events", "s3-object-created.json")));
        String key = java.net.URLDecoder.decode(sample.at("/Records/0/s3/object/key").asText(), StandardCharsets.UTF_8);
        s3.putObject(p -> p.bucket(bucket()).key(key).contentType("video/mp4"), RequestBody.fromBytes(new byte[] {4, 2}));
        await("the stack's own delivery", () -> hasWebhookFor("cmh3lmwiy0001ggy4xovsxj8h"));

        var invoked = invoke(againstTheStack("VideoCompletionFunction", "s3-object-created.json",
                "--webhook-url", stack.receiverUrl().toString()));

        // The sample's sequencer is older than the one the stack gave the upload: an old event, replayed.
        assertEquals(0, invoked.exit(), invoked.err());
        assertEquals("STALE", invoked.json().at("/objects/0/outcome").asText());
        assertEquals(0, invoked.json().at("/deliveries").size());
        assertTrue(invoked.err().contains("\"event\":\"video.stale\""), invoked.err());
    }

    @Test
    void invoke_noStackRunning_startsItsOwnServers() throws Exception {
        var invoked = invoke("VideoUrlFunction", "-e", "events/api-get-job.json",
                "--s3-port", Integer.toString(freePort()), "--dynamodb-port", Integer.toString(freePort()));

        assertEquals(0, invoked.exit(), invoked.err());
        assertEquals(404, invoked.json().get("statusCode").asInt());
        assertTrue(invoked.err().contains("no local stack running"), invoked.err());
    }

    @Test
    void invoke_functionThatCannotStart_exitsNonZeroWithTheError() throws Exception {
        Path env = work.resolve("bad-env.json");
        Files.writeString(env, "{\"VideoCompletionFunction\": {\"WEBHOOK_TIMEOUT\": \"ten seconds\"}}");

        var invoked = invoke(againstTheStack("VideoCompletionFunction", "s3-test-event.json", "--env-vars", env.toString()));

        assertEquals(1, invoked.exit());
        assertEquals("Runtime.InitError", invoked.json().get("errorType").asText());
        assertTrue(invoked.json().get("errorMessage").asText().contains("WEBHOOK_TIMEOUT must be an ISO-8601 duration"));
    }

    @Test
    void invoke_unknownFunction_refused() {
        var error = assertThrows(IllegalArgumentException.class, () -> invoke("NoSuchFunction", "-e", "events/s3-test-event.json",
                "--s3-port", Integer.toString(stack.s3Endpoint().getPort())));

        assertTrue(error.getMessage().contains("template.yaml has no function NoSuchFunction"), error.getMessage());
    }

    @Test
    void start_banner_saysWhereEverythingIsAndHowToUseIt() {
        String banner = console.toString();

        assertTrue(banner.contains("aws s3 cp clip.mp4 s3://" + bucket() + "/generated_videos/u1/j1/clip.mp4 --endpoint-url " + stack.s3Endpoint()), banner);
        assertTrue(banner.contains("curl -H 'X-Local-User: u1' " + stack.apiUrl() + "/videos/j1"), banner);
        assertTrue(banner.contains("AWS_ACCESS_KEY_ID=" + LocalStack.ACCESS_KEY), banner);
        assertFalse(banner.contains("0.0.0.0"));
    }

    // --- CORS: a browser on the app's origin calls the URL API ---

    static final String APP_ORIGIN = "http://127.0.0.1:3000";

    @Test
    void api_preflightFromTheAppsOrigin_allowedWithTheTemplatesCorsSettings() throws Exception {
        var response = send("OPTIONS", stack.apiUrl() + "/videos/urls", "Origin", APP_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");

        assertEquals(204, response.statusCode());
        assertEquals(APP_ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("GET,POST", response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        assertEquals("authorization,content-type,x-local-user", response.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
        assertEquals("600", response.headers().firstValue("Access-Control-Max-Age").orElse(null));
    }

    @Test
    void api_preflightFromAnotherOrigin_answeredWithoutPermission() throws Exception {
        var response = send("OPTIONS", stack.apiUrl() + "/videos/urls", "Origin", "http://127.0.0.1:3999",
                "Access-Control-Request-Method", "POST");

        assertEquals(204, response.statusCode());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), response.headers().toString());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Methods").isEmpty());
    }

    @Test
    void api_requestFromEitherNameOfTheDevServer_answerNamesItsOrigin() throws Exception {
        for (String origin : List.of("http://localhost:3000", APP_ORIGIN)) {
            var response = get(stack.apiUrl() + "/videos/no_such_job", "Origin", origin, LocalApi.LOCAL_USER_HEADER, "u1");

            assertEquals(404, response.statusCode());
            assertEquals(origin, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertEquals("Origin", response.headers().firstValue("Vary").orElse(null));
        }
    }

    @Test
    void start_envVarsFile_secretCorsAndBannerAgreeWithIt() throws Exception {
        String secret = "whsec_ZW52LXZhcnMgc2VjcmV0IGZvciB0aGlzIHRlc3Q=";
        Path env = work.resolve("env-vars.json");
        Files.writeString(env, """
                {"Parameters": {"CorsAllowedOrigins": "http://a.test:8080, http://b.test"},
                 "VideoCompletionFunction": {"WEBHOOK_SECRET": "%s"}}""".formatted(secret));
        var output = new Console();
        var options = options(work.resolve("env-vars-stack"), null);
        options.envVars = env;
        try (var configured = new LocalStack(options, output.stream)) {
            configured.start();
            configured.printBanner(Duration.ZERO);
            try (var client = client(configured)) {
                client.putObject(p -> p.bucket(configured.template().bucketName()).key("generated_videos/u1/job_env/clip.mp4"),
                        RequestBody.fromBytes(new byte[] {9}));
            }
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (output.lines().stream().noneMatch(l -> l.contains("(signature verified): job job_env"))) {
                if (System.nanoTime() > deadline) {
                    fail("no verified webhook signed with the env.json secret; console:\n" + output);
                }
                Thread.sleep(50);
            }
            var preflight = send("OPTIONS", configured.apiUrl() + "/videos/urls", "Origin", "http://b.test",
                    "Access-Control-Request-Method", "POST");

            assertEquals(secret, configured.webhookSecret());
            assertTrue(output.toString().contains("webhook secret      " + secret), output.toString());
            assertTrue(output.toString().contains("WEBHOOK_SECRET=" + secret + " VIDEO_API_URL=" + configured.apiUrl()), output.toString());
            assertFalse(output.toString().contains(LocalStack.LOCAL_WEBHOOK_SECRET), output.toString());
            assertEquals("http://b.test", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(output.toString().contains("browsers from http://a.test:8080 http://b.test"), output.toString());
        }
    }

    @Test
    void options_corsOrigins_overrideTheDefault() throws Exception {
        var options = LocalStack.Options.parse(new ArrayDeque<>(List.of("--cors-origins", "https://app.example.com, http://localhost:5173")));

        var template = LocalTemplate.load(Map.of("CorsAllowedOrigins", options.corsOrigins), LocalStack.REGION);

        assertEquals(List.of("https://app.example.com", "http://localhost:5173"), template.cors().origins());
        assertEquals("https://app.example.com,http://localhost:5173", template.parameter("CorsAllowedOrigins"));
    }

    // --- loopback only ---

    @Test
    void start_everyServer_listensOnLoopbackOnly() throws Exception {
        var ports = Map.of("S3Proxy", stack.s3Endpoint().getPort(), "DynamoDB Local", stack.dynamoDbEndpoint().getPort(),
                "URL API", stack.apiUrl().getPort(), "receiver", stack.receiverUrl().getPort());
        for (var server : ports.entrySet()) {
            // A server on the wildcard address holds its port on every address; one on 127.0.0.1 leaves 127.0.0.2's free.
            try (var probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.2", server.getValue()));
            } catch (BindException e) {
                fail(server.getKey() + " on port " + server.getValue() + " listens beyond 127.0.0.1: " + e.getMessage());
            }
        }
    }

    // --- invoke in IAM mode, and as a process ---

    @Test
    void invoke_authModeIam_acceptsTheSampleIamCaller() throws Exception {
        String[] emptyServers = {"--s3-port", Integer.toString(freePort()), "--dynamodb-port", Integer.toString(freePort())};

        var iam = invoke(concat(new String[] {"VideoUrlFunction", "-e", "events/api-get-job-iam.json", "--auth-mode", "IAM"}, emptyServers));
        var jwt = invoke(concat(new String[] {"VideoUrlFunction", "-e", "events/api-get-job-iam.json"}, emptyServers));

        assertEquals(404, iam.json().get("statusCode").asInt(), "a known caller, an unknown job: " + iam.out());
        assertEquals(401, jwt.json().get("statusCode").asInt(), "no JWT: " + jwt.out());
    }

    static String[] concat(String[] first, String[] second) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(second)).toArray(String[]::new);
    }

    @Test
    void invoke_asAProcess_stdoutIsTheResultAlone() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var process = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider", "-cp", classpath,
                LocalStack.class.getName(), "invoke", "VideoUrlFunction", "-e", "events/api-get-job.json",
                "--s3-port", Integer.toString(freePort()), "--dynamodb-port", Integer.toString(freePort()))
                .redirectError(work.resolve("invoke-process.err").toFile());
        process.environment().put("DDB_LOCAL_TELEMETRY", "0");
        var started = process.start();
        byte[] stdout = started.getInputStream().readAllBytes();
        assertTrue(started.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "invoke did not end within 60 s");

        assertEquals(0, started.exitValue(), Files.readString(work.resolve("invoke-process.err")));
        String text = new String(stdout, StandardCharsets.UTF_8);
        JsonNode result = TestJson.MAPPER.readTree(text);
        assertEquals(404, result.get("statusCode").asInt(), text);
        assertEquals(1, text.strip().lines().count(), "stdout holds the result and nothing else:\n" + text);
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Everything the stack prints, kept for assertions. */
    static final class Console {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        List<String> lines() {
            return List.of(toString().split("\n"));
        }

        @Override
        public String toString() {
            synchronized (stream) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
