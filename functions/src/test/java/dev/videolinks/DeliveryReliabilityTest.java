package dev.videolinks;

import dev.videolinks.store.VideoStore;
import dev.videolinks.store.Deliveries;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.MutableClock;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §3's promise under injected faults: receiver down, slow, failing, rate-limiting, gone, resetting,
 * redirecting; duplicate and concurrent events; DynamoDB down; the give-up window. Time is a controllable
 * clock: waits between attempts and hours of redelivery pass without sleeping.
 */
class DeliveryReliabilityTest {

    static final String SECRET = VideoCompletionHandlerTest.SECRET;
    static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    @RegisterExtension
    static final LocalAws aws = new LocalAws();

    MutableClock clock;
    String table;
    final List<String> logs = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> receivers = new ArrayList<>();



    @BeforeEach
    void freshTable() {
        clock = new MutableClock(START);
        table = aws.freshTable();
    }

    @AfterEach
    void closeReceivers() throws Exception {
        for (var receiver : receivers) {
            receiver.close();
        }
    }

    WebhookReceiver receiver(int port) throws Exception {
        var receiver = WebhookReceiver.start(port);
        receivers.add(receiver);
        return receiver;
    }

    Map<String, String> env(String webhookUrl, LocalDynamoDb dynamo) {
        var env = new HashMap<String, String>();
        env.put("AWS_REGION", LocalS3.REGION);
        env.put("VIDEO_BUCKET", Events.BUCKET);
        env.put("VIDEO_TABLE", table);
        env.put("WEBHOOK_URL", webhookUrl);
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WEBHOOK_TIMEOUT", "PT1S");
        env.put("AWS_ENDPOINT_URL_S3", aws.s3().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
        return env;
    }

    VideoCompletionHandler completion(String webhookUrl) {
        return completion(webhookUrl, aws.dynamoDb());
    }

    VideoCompletionHandler completion(String webhookUrl, LocalDynamoDb dynamo) {
        return Wiring.of(env(webhookUrl, dynamo), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock::advance).completionHandler();
    }

    /** A completion function whose attempts wait up to 10 s: long enough for a held answer to be released. */
    VideoCompletionHandler patientCompletion(String webhookUrl) {
        var env = env(webhookUrl, aws.dynamoDb());
        env.put("WEBHOOK_TIMEOUT", "PT10S");
        return Wiring.of(env, LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock::advance).completionHandler();
    }

    Redelivery redelivery(String webhookUrl) {
        return Wiring.of(env(webhookUrl, aws.dynamoDb()), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock::advance).redelivery();
    }

    static String key(String job) {
        return "generated_videos/user_42/" + job + "/clip.mp4";
    }

    static void upload(String job) {
        aws.s3().put(Events.BUCKET, key(job), ("bytes of " + job).getBytes(StandardCharsets.UTF_8), "video/mp4", Map.of());
    }

    /**
     * One invocation of its own (a duplicate of an S3 event is another invocation, with another request id); true
     * when it succeeded, false when it failed (Lambda would retry it).
     */
    static boolean invoke(VideoCompletionHandler handler, String job) throws Exception {
        try {
            handler.handleRequest(new ByteArrayInputStream(VideoCompletionHandlerTest.eventFor(key(job))),
                    new ByteArrayOutputStream(), TestContext.of("req-" + job + "-" + java.util.UUID.randomUUID()));
            return true;
        } catch (VideoCompletionHandler.WebhookDeliveryException e) {
            return false;
        }
    }

    Delivery delivery(String job) {
        return new VideoStore(aws.dynamoDb().client(), table).job(job).orElseThrow().delivery().orElseThrow();
    }

    /**
     * The Standard Webhooks library's own signature for the message, at the message's timestamp: its verify()
     * would also reject timestamps of the simulated clock, which runs hours ahead of the real one.
     */
    static void assertSignedBySecret(WebhookReceiver.Request request) throws Exception {
        String expected = new Webhook(SECRET).sign(request.header("webhook-id"),
                Long.parseLong(request.header("webhook-timestamp")), request.text());
        assertEquals(expected, request.header("webhook-signature"));
    }

    Redelivery.Report redeliver(Redelivery handler) {
        return handler.run(new VideoRecorder.Invocation("redelivery-" + java.util.UUID.randomUUID(), clock.instant().plus(Duration.ofMinutes(5))), CheckedLog.into(logs));
    }

    @Test
    void receiverDownTenMinutesWhile200VideosArrive_allDeliveredOnceEachAfterItIsBack() throws Exception {
        int port = LocalDynamoDb.freePort();
        String url = "http://127.0.0.1:" + port + WebhookReceiver.PATH;
        var completion = completion(url);
        var redelivery = redelivery(url);
        var jobs = new ArrayList<String>();
        for (int i = 0; i < 200; i++) {
            jobs.add("outage_" + i);
            upload("outage_" + i);
        }

        int failedInvocations = 0;
        for (int i = 0; i < 200; i++) {
            if (!invoke(completion, jobs.get(i))) {
                failedInvocations++;
            }
            clock.advance(Duration.ofSeconds(3));
            if (i % 20 == 19) {
                redeliver(redelivery);
            }
        }
        assertEquals(200, failedInvocations, "every first delivery fails while the receiver is down");
        var receiver = receiver(port);
        for (int minute = 0; minute < 90 && receiver.requests().stream().map(r -> r.header("webhook-id")).distinct().count() < 200; minute++) {
            clock.advance(Duration.ofMinutes(1));
            redeliver(redelivery);
        }

        var ids = receiver.requests().stream().map(r -> r.header("webhook-id")).toList();
        assertEquals(200, new HashSet<>(ids).size(), "distinct webhook ids");
        assertEquals(200, ids.size(), "no webhook sent twice once delivered");
        for (var request : receiver.requests()) {
            assertSignedBySecret(request);
        }
        int attempts = 0;
        for (String job : jobs) {
            var delivery = delivery(job);
            assertEquals(Delivery.State.DELIVERED, delivery.state(), job);
            assertTrue(delivery.attempts() >= 4, job + " attempts " + delivery.attempts());
            attempts += delivery.attempts();
        }
        assertTrue(logs.stream().noneMatch(l -> l.contains("webhook.abandoned")));
        System.out.printf("outage: 200 videos, %d delivered, %d distinct ids, %d attempts in all, 0 lost%n",
                ids.size(), new HashSet<>(ids).size(), attempts);
    }

    @Test
    void eachEventThreeTimesSomeConcurrently_oneSendPerJob() throws Exception {
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.slow(Duration.ofMillis(300)));
        var completion = completion(receiver.url().toString());
        var jobs = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            jobs.add("dup_" + i);
            upload("dup_" + i);
        }
        var pool = Executors.newFixedThreadPool(8);
        var failures = new CopyOnWriteArrayList<Throwable>();
        var done = new CountDownLatch(jobs.size() * 2);
        for (String job : jobs) {
            for (int copy = 0; copy < 2; copy++) {
                pool.execute(() -> {
                    try {
                        invoke(completion, job);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        pool.shutdown();
        for (String job : jobs) {
            assertTrue(invoke(completion, job), "the third copy");
        }

        assertEquals(List.of(), failures);
        var perId = receiver.requests().stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertEquals(10, perId.size());
        assertTrue(perId.values().stream().allMatch(count -> count == 1), perId.toString());
        assertEquals(1, receiver.mostInFlightForOneId(), "two senders in flight under one lease");
    }

    /**
     * Sender A's series outlives its lease (the receiver holds A's POST while two minutes pass); the scheduled
     * redelivery B takes the lease over and delivers; A's late FAILED is refused by the fencing token.
     */
    @Test
    void seriesOutlivesItsLease_takeoverDeliversAndTheLateOutcomeLeavesDelivered() throws Exception {
        var receiver = receiver(0);
        var release = new CountDownLatch(1);
        receiver.respondWith(WebhookReceiver.Answer.held(release, 500), WebhookReceiver.Answer.status(200));
        upload("fenced");
        var pool = Executors.newSingleThreadExecutor();
        try {
            var a = pool.submit(() -> invoke(patientCompletion(receiver.url().toString()), "fenced"));
            receiver.awaitRequests(1);
            clock.advance(Duration.ofMinutes(2));

            var b = redeliver(redelivery(receiver.url().toString()));
            release.countDown();

            assertEquals(1, b.delivered());
            assertTrue(a.get(30, TimeUnit.SECONDS), "A's unrecorded outcome is no failure for Lambda to retry");
        } finally {
            pool.shutdownNow();
        }
        var delivery = delivery("fenced");
        assertEquals(Delivery.State.DELIVERED, delivery.state());
        assertEquals(200, delivery.lastStatus());
        assertEquals(1, delivery.attempts(), "only B's attempt is recorded");
        assertEquals(1, logs.stream().filter(l -> l.contains("\"event\":\"webhook.delivered\"")).count());
        assertTrue(logs.stream().anyMatch(l -> l.contains("\"event\":\"webhook.outcome_not_recorded\"")
                && l.contains("\"state\":\"FAILED\"") && l.contains("\"last_status\":500")), String.join("\n", logs));
        assertTrue(logs.stream().noneMatch(l -> l.contains("\"event\":\"webhook.failed\"")), "a failure was logged as recorded");
    }

    /** The receiver said Gone to the takeover: A's late outcome and every later event leave it abandoned. */
    @Test
    void goneAnsweredToTheTakeover_lateOutcomeAndLaterEventsLeaveItAbandoned() throws Exception {
        var receiver = receiver(0);
        var release = new CountDownLatch(1);
        receiver.respondWith(WebhookReceiver.Answer.held(release, 500), WebhookReceiver.Answer.status(410));
        upload("gone_late");
        var pool = Executors.newSingleThreadExecutor();
        try {
            var a = pool.submit(() -> invoke(patientCompletion(receiver.url().toString()), "gone_late"));
            receiver.awaitRequests(1);
            clock.advance(Duration.ofMinutes(2));
            redeliver(redelivery(receiver.url().toString()));
            release.countDown();
            assertTrue(a.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        clock.advance(Duration.ofHours(1));
        invoke(completion(receiver.url().toString()), "gone_late");
        redeliver(redelivery(receiver.url().toString()));

        var delivery = delivery("gone_late");
        assertEquals(Delivery.State.ABANDONED, delivery.state());
        assertEquals(410, delivery.lastStatus());
        assertEquals(2, receiver.requests().size(), "nothing sent after the receiver said Gone");
    }

    @Test
    void receiverSlowerThanTheTimeout_failedWithTheTimeoutAndDue() throws Exception {
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.slow(Duration.ofMillis(1500)));
        upload("slow");

        assertFalse(invoke(completion(receiver.url().toString()), "slow"));

        var delivery = delivery("slow");
        assertEquals(Delivery.State.FAILED, delivery.state());
        assertEquals(3, delivery.attempts());
        assertEquals("timed out after PT1S", delivery.lastError());
        assertEquals(List.of("slow"), new Deliveries(aws.dynamoDb().client(), table).dueJobs(clock.instant().plus(Duration.ofMinutes(1)), 10));
    }

    @Test
    void receiverAnswers500_threeAttemptsThenFailedAndDueSoon() throws Exception {
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.status(500));
        upload("err500");
        Instant before = clock.instant();

        assertFalse(invoke(completion(receiver.url().toString()), "err500"));

        var delivery = delivery("err500");
        assertEquals(Delivery.State.FAILED, delivery.state());
        assertEquals(3, delivery.attempts());
        assertEquals(500, delivery.lastStatus());
        assertEquals(before.plusSeconds(5), delivery.nextAttemptAt());
        assertEquals(3, receiver.requests().size());
    }

    @Test
    void receiverAnswers429WithShortRetryAfter_waitsAsToldThenDelivers() throws Exception {
        var receiver = receiver(0);
        receiver.respondWith(WebhookReceiver.Answer.status(429, "Retry-After", "7"));
        upload("limited");
        Instant before = clock.instant();

        assertTrue(invoke(completion(receiver.url().toString()), "limited"));

        assertEquals(Delivery.State.DELIVERED, delivery("limited").state());
        assertEquals(2, delivery("limited").attempts());
        assertEquals(Duration.ofSeconds(7), Duration.between(before, clock.instant()), "waited what Retry-After said");
    }

    @Test
    void receiverAnswers429WithLongRetryAfter_stopsTheSeriesAndIsDueNoSoonerThanAsked() throws Exception {
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.status(429, "Retry-After", "3600"));
        upload("throttled");
        Instant before = clock.instant();

        assertFalse(invoke(completion(receiver.url().toString()), "throttled"));

        var delivery = delivery("throttled");
        assertEquals(1, delivery.attempts(), "no waiting an hour inside an invocation");
        assertEquals(Delivery.State.FAILED, delivery.state());
        assertEquals(before.plusSeconds(3600), delivery.nextAttemptAt());
        assertEquals(1, receiver.requests().size());
    }

    @Test
    void receiverAnswers410_abandonedAndNeverSentAgain() throws Exception {
        var receiver = receiver(0);
        receiver.respondWith(410);
        upload("gone");
        var completion = completion(receiver.url().toString());

        assertTrue(invoke(completion, "gone"), "410 is an answer, not a failure to retry");
        clock.advance(Duration.ofHours(1));
        invoke(completion, "gone");
        redeliver(redelivery(receiver.url().toString()));

        var delivery = delivery("gone");
        assertEquals(Delivery.State.ABANDONED, delivery.state());
        assertEquals(410, delivery.lastStatus());
        assertNull(delivery.nextAttemptAt());
        assertEquals(1, receiver.requests().size());
    }

    @Test
    void receiverDropsTheConnection_retriedThenFailedWithTheError() throws Exception {
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.dropped());
        upload("reset");

        assertFalse(invoke(completion(receiver.url().toString()), "reset"));

        var delivery = delivery("reset");
        assertEquals(Delivery.State.FAILED, delivery.state());
        assertEquals(3, delivery.attempts());
        assertNull(delivery.lastStatus());
        assertTrue(delivery.lastError().startsWith("SocketException: Unexpected end of file"), delivery.lastError());
        // Within each attempt the JDK sends a POST whose connection closed before any answer once more at once
        // (see WebhookClient): two POSTs per attempt, never more.
        assertEquals(6, receiver.requests().size());
    }

    @Test
    void receiverRedirects_notFollowedAndFailedButRedeliverable() throws Exception {
        var elsewhere = receiver(0);
        var receiver = receiver(0);
        receiver.alwaysRespond(WebhookReceiver.Answer.status(301, "Location", elsewhere.url().toString()));
        upload("moved");

        assertFalse(invoke(completion(receiver.url().toString()), "moved"));

        var delivery = delivery("moved");
        assertEquals(Delivery.State.FAILED, delivery.state());
        assertEquals(301, delivery.lastStatus());
        assertEquals(1, delivery.attempts(), "a redirect ends the series");
        assertNotNull(delivery.nextAttemptAt());
        assertTrue(elsewhere.requests().isEmpty(), "redirects are not followed");
    }

    @Test
    void receiverAnswers400_seriesEndsButScheduledRedeliveryDeliversLater() throws Exception {
        var receiver = receiver(0);
        receiver.respondWith(400);
        upload("bad_deploy");

        assertFalse(invoke(completion(receiver.url().toString()), "bad_deploy"));
        assertEquals(1, delivery("bad_deploy").attempts());
        clock.advance(Duration.ofSeconds(5));
        var report = redeliver(redelivery(receiver.url().toString()));

        assertEquals(1, report.delivered());
        assertEquals(Delivery.State.DELIVERED, delivery("bad_deploy").state());
        var ids = receiver.requests().stream().map(r -> r.header("webhook-id")).distinct().toList();
        assertEquals(1, ids.size(), "the redelivery carries the same webhook id");
    }

    @Test
    void redelivery_resignsUrlsUnderTheSameWebhookId() throws Exception {
        var receiver = receiver(0);
        receiver.respondWith(503, 503, 503);
        upload("fresh");
        invoke(completion(receiver.url().toString()), "fresh");
        clock.advance(Duration.ofSeconds(5));

        redeliver(redelivery(receiver.url().toString()));

        var requests = receiver.requests();
        assertEquals(4, requests.size());
        assertEquals(1, requests.stream().map(r -> r.header("webhook-id")).distinct().count());
        var redelivered = requests.get(3).json();
        assertEquals(clock.instant().toString(), redelivered.get("created_at").asText(), "a body built at redelivery time");
        String url = redelivered.at("/data/videos/0/file_url").asText();
        assertEquals(200, java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        assertSignedBySecret(requests.get(3));
    }

    @Test
    void receiverDownPastTheGiveUpWindow_abandonedWithOneErrorLineAndOneMetric() throws Exception {
        int port = LocalDynamoDb.freePort();
        String url = "http://127.0.0.1:" + port + WebhookReceiver.PATH;
        upload("never");
        invoke(completion(url), "never");
        var redelivery = redelivery(url);

        for (int hour = 0; hour < 30; hour++) {
            clock.advance(Duration.ofMinutes(20));
            redeliver(redelivery);
            clock.advance(Duration.ofMinutes(40));
            redeliver(redelivery);
        }

        var delivery = delivery("never");
        assertEquals(Delivery.State.ABANDONED, delivery.state());
        assertTrue(delivery.lastError().startsWith("gave up after PT24H"), delivery.lastError());
        assertEquals(1, logs.stream().filter(l -> l.contains("\"event\":\"webhook.abandoned\"") && l.contains("\"ERROR\"")).count());
        var metrics = logs.stream().filter(l -> l.contains("\"_aws\"")).toList();
        assertEquals(1, metrics.size());
        var metric = TestJson.MAPPER.readTree(metrics.getFirst());
        assertEquals(1, metric.get("AbandonedDeliveries").asInt());
        assertEquals("VideoLinks", metric.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("AbandonedDeliveries", metric.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
        assertTrue(new Deliveries(aws.dynamoDb().client(), table).dueJobs(clock.instant(), 10).isEmpty());
    }

    @Test
    void dynamoDbUnavailable_invocationFailsAndNothingIsDeliveredOrRecorded(@TempDir Path data) throws Exception {
        var receiver = receiver(0);
        int port = LocalDynamoDb.freePort();
        var dynamo = LocalDynamoDb.start(port, data);
        dynamo.createVideoTable(table);
        upload("outage_db");
        var completion = completion(receiver.url().toString(), dynamo);
        dynamo.stop();

        var failure = assertThrows(RuntimeException.class, () -> invoke(completion, "outage_db"));

        assertTrue(failure.getClass().getName().startsWith("software.amazon.awssdk"), failure.toString());
        assertTrue(receiver.requests().isEmpty(), "nothing sent without a record of it");
        try (var restarted = LocalDynamoDb.start(port, data)) {
            assertTrue(new VideoStore(restarted.client(), table).job("outage_db").isEmpty(), "nothing recorded");
            assertTrue(invoke(completion(receiver.url().toString(), restarted), "outage_db"), "Lambda's retry succeeds");
            assertEquals(1, receiver.requests().size());
        }
    }
}
