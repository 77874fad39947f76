package dev.videolinks;

import dev.videolinks.store.VideoStore;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The completion function end to end: the events/ files through the handler, against S3Proxy, DynamoDB Local
 * and a real HTTP receiver; every delivered URL is fetched over HTTP.
 */
class VideoCompletionHandlerTest {

    /** Local-only test secrets: two, as during a rotation. */
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // test fixture
    static final String OLD_SECRET = "whsec_localdummysecretforexampleonly00"; // test fixture

    static final String KEY = "generated_videos/user_42/cmh3lmwiy0001ggy4xovsxj8h/video_cmh3lmwiy0001ggy4xovsxj8h.mp4";
    static final String JOB = "cmh3lmwiy0001ggy4xovsxj8h";
    static final byte[] VIDEO = "\0\0\0\u0018ftypmp42 a tiny stand-in for an H.264 clip".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final LocalAws aws = new LocalAws();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookReceiver receiver;
    String table;
    final List<String> logs = new CopyOnWriteArrayList<>();



    @BeforeEach
    void freshTableAndReceiver() throws IOException {
        table = aws.freshTable();
        receiver = WebhookReceiver.start();
        aws.s3().client().listObjectsV2Paginator(l -> l.bucket(Events.BUCKET)).contents()
                .forEach(o -> aws.s3().client().deleteObject(d -> d.bucket(Events.BUCKET).key(o.key())));
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
        assertFalse(logs.stream().anyMatch(line -> line.contains("X-Amz-Signature") || line.contains("X-Amz-Credential")),
                "a presigned query string reached the logs");
        assertFalse(logs.stream().anyMatch(line -> line.contains(SECRET.substring(6))), "the webhook secret reached the logs");
    }

    Map<String, String> env() {
        var env = aws.env(table);
        env.put("WEBHOOK_URL", receiver.url().toString());
        env.put("WEBHOOK_SECRET", SECRET + " " + OLD_SECRET);
        return env;
    }

    VideoCompletionHandler handler() {
        return handler(env());
    }

    VideoCompletionHandler handler(Map<String, String> env) {
        return Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler();
    }

    JsonNode invoke(VideoCompletionHandler handler, String eventFile) throws IOException {
        return invoke(handler, Events.load(eventFile));
    }

    JsonNode invoke(VideoCompletionHandler handler, byte[] event) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, TestContext.of("req-" + UUID.randomUUID()));
        return TestJson.MAPPER.readTree(out.toByteArray());
    }

    static void putVideo(String key, byte[] bytes, Map<String, String> metadata) {
        aws.s3().put(Events.BUCKET, key, bytes, "video/mp4", metadata);
    }

    WebhookReceiver.Request onlyWebhook() {
        assertEquals(1, receiver.requests().size(), "webhooks received");
        return receiver.requests().getFirst();
    }

    static void verifySignature(WebhookReceiver.Request request, String secret) throws Exception {
        new Webhook(secret).verify(request.text(), request.headers());
    }

    Job job(String jobId) {
        return new VideoStore(aws.dynamoDb().client(), table).job(jobId).orElseThrow();
    }

    Delivery delivery(String jobId) {
        return job(jobId).delivery().orElseThrow();
    }

    HttpResponse<byte[]> fetch(String url, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void handleRequest_videoCreated_deliversVerifiableWebhookWhoseUrlPlaysTheBytes() throws Exception {
        putVideo(KEY, VIDEO, Map.of("processing-time", "12.5"));

        invoke(handler(), "s3-object-created.json");

        var webhook = onlyWebhook();
        assertEquals("POST", webhook.method());
        assertEquals(WebhookReceiver.PATH, webhook.path());
        assertEquals("application/json", webhook.header("Content-Type"));
        verifySignature(webhook, SECRET);
        JsonNode body = webhook.json();
        assertEquals("video.completed", body.get("type").asText());
        assertEquals(JOB, body.get("job_id").asText());
        assertEquals("completed", body.get("status").asText());
        assertEquals("user_42", body.get("user_id").asText());
        assertEquals(1, body.at("/data/num_videos").asInt());
        JsonNode video = body.at("/data/videos/0");
        assertEquals("video_cmh3lmwiy0001ggy4xovsxj8h.mp4", video.get("filename").asText());
        assertEquals(KEY, video.get("file_path").asText());
        assertEquals(KEY, video.get("s3_key").asText());
        assertEquals(Events.BUCKET, video.get("s3_bucket").asText());
        assertEquals(VIDEO.length, video.get("file_size").asLong());
        assertEquals("video/mp4", video.get("content_type").asText());
        assertEquals(Map.of("processing-time", "12.5"), TestJson.MAPPER.convertValue(video.get("metadata"), Map.class));
        Instant expiresAt = Instant.parse(video.get("file_url_expires_at").asText());
        assertTrue(Duration.between(Instant.now(), expiresAt).compareTo(Duration.ofMinutes(59)) > 0, "about an hour left");
        Instant.parse(body.get("created_at").asText());

        var whole = fetch(video.get("file_url").asText());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(VIDEO, whole.body());
        var range = fetch(video.get("file_url").asText(), "Range", "bytes=0-9");
        assertEquals(206, range.statusCode());
        assertArrayEquals(java.util.Arrays.copyOf(VIDEO, 10), range.body());
    }

    @Test
    void handleRequest_rotatedSecrets_signatureVerifiesWithEachSecret() throws Exception {
        putVideo(KEY, VIDEO, Map.of());

        invoke(handler(), "s3-object-created.json");

        var webhook = onlyWebhook();
        verifySignature(webhook, SECRET);
        verifySignature(webhook, OLD_SECRET);
        assertEquals(2, webhook.header("webhook-signature").split(" ").length);
    }

    @Test
    void handleRequest_keyWithSpacesPlusPercentAndUnicode_deliversDecodedKeyThatFetches() throws Exception {
        String key = "generated_videos/user_42/job_spaces/My clip + 100% ünïcødé.mp4";
        putVideo(key, VIDEO, Map.of());

        invoke(handler(), "s3-object-created-encoded-key.json");

        JsonNode video = onlyWebhook().json().at("/data/videos/0");
        assertEquals(key, video.get("s3_key").asText());
        assertEquals("My clip + 100% ünïcødé.mp4", video.get("filename").asText());
        assertArrayEquals(VIDEO, fetch(video.get("file_url").asText()).body());
    }

    @Test
    void handleRequest_severalRecordsOfOneJob_oneWebhookWithBothVideosAndOthersIgnored() throws Exception {
        var pair = Map.of("video-count", "2");
        putVideo("generated_videos/user_42/job_pair/take 1.mp4", VIDEO, pair);
        aws.s3().put(Events.BUCKET, "generated_videos/user_42/job_pair/take 2.webm", "webm bytes".getBytes(), "video/webm", pair);
        aws.s3().put(Events.BUCKET, "generated_videos/user_42/job_pair/thumbnail.jpg", "jpeg".getBytes(), "image/jpeg", pair);
        putVideo("uploads/user_42/raw_take.mp4", VIDEO, Map.of());

        JsonNode report = invoke(handler(), "s3-object-created-several.json");

        JsonNode body = onlyWebhook().json();
        assertEquals("job_pair", body.get("job_id").asText());
        assertEquals(2, body.at("/data/num_videos").asInt());
        assertEquals("take 1.mp4", body.at("/data/videos/0/filename").asText());
        assertEquals("take 2.webm", body.at("/data/videos/1/filename").asText());
        assertEquals("video/webm", body.at("/data/videos/1/content_type").asText());
        assertArrayEquals("webm bytes".getBytes(), fetch(body.at("/data/videos/1/file_url").asText()).body());
        var outcomes = new ArrayList<String>();
        report.get("objects").forEach(o -> outcomes.add(o.get("outcome").asText() + " " + o.get("key").asText()));
        assertEquals(List.of(
                "RECORDED generated_videos/user_42/job_pair/take 1.mp4",
                "RECORDED generated_videos/user_42/job_pair/take 2.webm",
                "IGNORED generated_videos/user_42/job_pair/thumbnail.jpg",
                "IGNORED uploads/user_42/raw_take.mp4",
                "IGNORED generated_videos/user_42/job_pair/"), outcomes);
    }

    @Test
    void handleRequest_duplicateEvent_noSecondDelivery() throws Exception {
        putVideo(KEY, VIDEO, Map.of());
        var handler = handler();

        invoke(handler, "s3-object-created.json");
        JsonNode second = invoke(handler, "s3-object-created.json");

        assertEquals(1, receiver.requests().size());
        assertEquals("DUPLICATE", second.at("/objects/0/outcome").asText());
        assertTrue(second.at("/deliveries/0/already_delivered").asBoolean());
        assertEquals(Delivery.State.DELIVERED, delivery(JOB).state());
        assertEquals(1, delivery(JOB).attempts());
    }

    @Test
    void handleRequest_newVersionOfTheSameKey_deliveredAgainUnderANewId() throws Exception {
        var handler = handler();
        putVideo(KEY, VIDEO, Map.of());
        invoke(handler, "s3-object-created.json");
        putVideo(KEY, "a re-rendered clip".getBytes(), Map.of());

        invoke(handler, "s3-object-created.json");

        var webhooks = receiver.requests();
        assertEquals(2, webhooks.size());
        assertNotEquals(webhooks.get(0).header("webhook-id"), webhooks.get(1).header("webhook-id"));
        assertArrayEquals("a re-rendered clip".getBytes(),
                fetch(webhooks.get(1).json().at("/data/videos/0/file_url").asText()).body());
    }

    @Test
    void handleRequest_objectDeletedBeforeHead_skippedWithoutWebhookOrFailure() throws Exception {
        JsonNode report = invoke(handler(), "s3-object-created.json");

        assertTrue(receiver.requests().isEmpty());
        assertEquals("SKIPPED", report.at("/objects/0/outcome").asText());
        assertEquals("object is gone", report.at("/objects/0/reason").asText());
        assertTrue(logs.stream().anyMatch(l -> l.contains("\"video.skipped\"") && l.contains(KEY)));
    }

    @Test
    void handleRequest_secondOfTwoVideosArrives_oneWebhookAfterTheSecond() throws Exception {
        var handler = handler();
        var pair = Map.of("video-count", "2", "job-id", "job_two_parts", "user-id", "user_9");
        putVideo("generated_videos/user_42/job_pair/take 1.mp4", VIDEO, pair);
        byte[] first = eventFor("generated_videos/user_42/job_pair/take 1.mp4");
        invoke(handler, first);
        assertTrue(receiver.requests().isEmpty(), "no webhook before the second video");

        putVideo("generated_videos/user_42/job_pair/take 2.mp4", VIDEO, pair);
        invoke(handler, eventFor("generated_videos/user_42/job_pair/take 2.mp4"));

        JsonNode body = onlyWebhook().json();
        assertEquals("job_two_parts", body.get("job_id").asText());
        assertEquals("user_9", body.get("user_id").asText());
        assertEquals(2, body.at("/data/videos").size());
        assertFalse(body.at("/data/videos/0/metadata").has("video-count"));
    }

    @Test
    void handleRequest_receiverFailsOnceThenAccepts_deliveredWithBothAttemptsRecorded() throws Exception {
        putVideo(KEY, VIDEO, Map.of());
        receiver.respondWith(500);

        invoke(handler(), "s3-object-created.json");

        var webhooks = receiver.requests();
        assertEquals(2, webhooks.size());
        assertEquals(webhooks.get(0).header("webhook-id"), webhooks.get(1).header("webhook-id"));
        var state = delivery(JOB);
        assertEquals(Delivery.State.DELIVERED, state.state());
        assertEquals(2, state.attempts());
        assertEquals(200, state.lastStatus());
    }

    @Test
    void handleRequest_receiverDown_invocationFailsAndFailureIsRecordedThenRetryDelivers() throws Exception {
        putVideo(KEY, VIDEO, Map.of());
        var env = env();
        int closedPort = LocalDynamoDb.freePort();
        env.put("WEBHOOK_URL", "http://127.0.0.1:" + closedPort + WebhookReceiver.PATH);

        var failure = assertThrows(VideoCompletionHandler.WebhookDeliveryException.class,
                () -> invoke(handler(env), "s3-object-created.json"));

        assertTrue(failure.getMessage().contains(JOB));
        var state = delivery(JOB);
        assertEquals(Delivery.State.FAILED, state.state());
        assertEquals(3, state.attempts());
        assertNotNull(state.lastError());
        assertNotNull(state.nextAttemptAt());
        assertEquals(1, job(JOB).videos().size(), "the video stays recorded");

        invoke(handler(), "s3-object-created.json"); // Lambda's retry, receiver back up

        var webhook = onlyWebhook();
        assertEquals(state.webhookId(), webhook.header("webhook-id"));
        assertEquals(Delivery.State.DELIVERED, delivery(JOB).state());
        assertEquals(4, delivery(JOB).attempts());
    }

    @Test
    void handleRequest_eventBridgeObjectCreated_deliversUnencodedKey() throws Exception {
        String key = "generated_videos/user_7/job_eventbridge/final cut+v2.mp4";
        putVideo(key, VIDEO, Map.of());

        invoke(handler(), "eventbridge-object-created.json");

        JsonNode body = onlyWebhook().json();
        assertEquals("job_eventbridge", body.get("job_id").asText());
        assertEquals("user_7", body.get("user_id").asText());
        assertEquals(key, body.at("/data/videos/0/s3_key").asText());
        assertArrayEquals(VIDEO, fetch(body.at("/data/videos/0/file_url").asText()).body());
    }

    @Test
    void handleRequest_legacyKeyLayout_jobFromKeyOwnerFromMetadata() throws Exception {
        putVideo("generated_videos/video_cmh3legacy0001ggy4xovsxj8h.mp4", VIDEO, Map.of("user-id", "user_42"));

        invoke(handler(), "s3-object-created-legacy-key.json");

        JsonNode body = onlyWebhook().json();
        assertEquals("cmh3legacy0001ggy4xovsxj8h", body.get("job_id").asText());
        assertEquals("user_42", body.get("user_id").asText());
    }

    @Test
    void handleRequest_genericStoredContentType_urlServesThePlayableType() throws Exception {
        aws.s3().put(Events.BUCKET, KEY, VIDEO, "binary/octet-stream", Map.of());

        invoke(handler(), "s3-object-created.json");

        JsonNode video = onlyWebhook().json().at("/data/videos/0");
        assertEquals("video/mp4", video.get("content_type").asText());
        assertTrue(video.get("file_url").asText().contains("response-content-type=video%2Fmp4"));
        var response = fetch(video.get("file_url").asText());
        assertEquals("video/mp4", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void handleRequest_invalidJobIdInMetadata_skippedWithErrorLine() throws Exception {
        putVideo(KEY, VIDEO, Map.of("job-id", "../../etc/passwd"));

        JsonNode report = invoke(handler(), "s3-object-created.json");

        assertTrue(receiver.requests().isEmpty());
        assertEquals("metadata job-id is not a valid job id", report.at("/objects/0/reason").asText());
        assertTrue(logs.stream().anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("video.skipped")));
    }

    @Test
    void handleRequest_s3TestEvent_nothingHappens() throws Exception {
        JsonNode report = invoke(handler(), "s3-test-event.json");

        assertTrue(receiver.requests().isEmpty());
        assertEquals(0, report.get("objects").size());
        assertEquals(0, report.get("rejected").size());
    }

    @Test
    void handleRequest_malformedJson_rejectedWithErrorLineWithoutFailing() throws Exception {
        JsonNode report = invoke(handler(), "{\"Records\": [".getBytes(StandardCharsets.UTF_8));

        assertEquals("malformed JSON", report.at("/rejected/0").asText());
        assertTrue(logs.stream().anyMatch(l -> l.contains("event.rejected") && l.contains("malformed JSON")));
        assertTrue(receiver.requests().isEmpty());
    }

    @Test
    void handleRequest_videoCreated_logsOneDeliveredLineWithJobKeyAndRequestId() throws Exception {
        putVideo(KEY, VIDEO, Map.of());

        invoke(handler(), "s3-object-created.json");

        var delivered = logs.stream().filter(l -> l.contains("\"webhook.delivered\"")).toList();
        assertEquals(1, delivered.size());
        JsonNode line = TestJson.MAPPER.readTree(delivered.getFirst());
        assertEquals(JOB, line.get("job_id").asText());
        assertEquals(KEY, line.at("/keys/0").asText());
        assertTrue(line.get("request_id").asText().startsWith("req-"));
        assertEquals(receiver.url().toString(), line.get("target").asText());
    }

    @Test
    void handleRequest_answer_leavesTheRuntimesStreamOpen() throws Exception {
        putVideo(KEY, VIDEO, Map.of());
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        var output = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed.set(true);
            }
        };

        handler().handleRequest(new ByteArrayInputStream(Events.load("s3-object-created.json")), output, TestContext.of("req-open"));

        assertFalse(closed.get(), "the output stream belongs to the runtime");
        assertEquals("RECORDED", TestJson.MAPPER.readTree(output.toByteArray()).at("/objects/0/outcome").asText());
    }

    @Test
    void constructor_missingWebhookUrl_failsNamingTheVariable() {
        var env = env();
        env.remove("WEBHOOK_URL");

        var failure = assertThrows(IllegalArgumentException.class, () -> handler(env));

        assertTrue(failure.getMessage().startsWith("WEBHOOK_URL "), failure.getMessage());
    }

    @Test
    void constructor_emptySecret_warnsThatWebhooksAreUnsigned() throws Exception {
        var env = env();
        env.put("WEBHOOK_SECRET", "");
        putVideo(KEY, VIDEO, Map.of());

        invoke(handler(env), "s3-object-created.json");

        assertTrue(logs.stream().anyMatch(l -> l.contains("\"WARN\"") && l.contains("unsigned")));
        assertEquals(null, onlyWebhook().header("webhook-signature"));
    }

    @Test
    void handleRequest_objectRemoved_videoLeavesTheJob() throws Exception {
        var handler = handler();
        putVideo(KEY, VIDEO, Map.of());
        invoke(handler, "s3-object-created.json");
        aws.s3().client().deleteObject(d -> d.bucket(Events.BUCKET).key(KEY));

        JsonNode report = invoke(handler, "s3-object-removed.json");

        assertEquals("REMOVED", report.at("/objects/0/outcome").asText());
        assertTrue(job(JOB).videos().isEmpty());
    }

    @Test
    void handleRequest_removalOlderThanTheRecordedVersion_staleAndIgnored() throws Exception {
        var handler = handler();
        putVideo(KEY, VIDEO, Map.of());
        invoke(handler, "s3-object-created.json");
        var stale = (com.fasterxml.jackson.databind.node.ObjectNode) TestJson.MAPPER.readTree(Events.load("s3-object-removed.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) stale.at("/Records/0/s3/object")).put("sequencer", "0066F2A1B3C4D5E6");

        JsonNode report = invoke(handler, TestJson.MAPPER.writeValueAsBytes(stale));

        assertEquals("STALE", report.at("/objects/0/outcome").asText());
        assertEquals(1, job(JOB).videos().size());
    }

    @Test
    void handleRequest_removalOfAVideoWhoseJobCameFromMetadata_findsTheJob() throws Exception {
        var handler = handler();
        String key = "generated_videos/renders/final.mp4";
        putVideo(key, VIDEO, Map.of("job-id", "job_from_metadata", "user-id", "user_42"));
        invoke(handler, eventFor(key));
        aws.s3().client().deleteObject(d -> d.bucket(Events.BUCKET).key(key));
        byte[] removal = eventFor(key, "ObjectRemoved:Delete");

        JsonNode report = invoke(handler, removal);

        assertEquals("REMOVED", report.at("/objects/0/outcome").asText());
        assertEquals("job_from_metadata", report.at("/objects/0/job_id").asText());
    }

    static byte[] eventFor(String key) {
        return Events.s3Notification(key, "ObjectCreated:Put");
    }

    static byte[] eventFor(String key, String eventName) {
        return Events.s3Notification(key, eventName);
    }
}
