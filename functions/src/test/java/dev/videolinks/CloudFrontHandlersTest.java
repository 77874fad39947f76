package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.MutableClock;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three functions with {@code URL_SIGNER=CloudFront}, over S3Proxy, DynamoDB Local, {@link LocalSecretsManager} and a
 * webhook receiver. No distribution runs here: each URL is checked as CloudFront checks it (signature, policy,
 * expiry) with the public key, see {@link SignedCloudFrontUrl}.
 */
class CloudFrontHandlersTest {

    static final String DOMAIN = "d111111abcdef8.cloudfront.net";
    static final String KEY_ID = "K2JCJMDEHXQW5F";
    static final String SECRET = "video-links/cloudfront-key-a";
    static final String JOB = VideoCompletionHandlerTest.JOB;
    static final String KEY = VideoCompletionHandlerTest.KEY;
    static final KeyPair RSA = TestKeyPairs.rsa();

    @RegisterExtension
    static final LocalAws aws = new LocalAws();

    String table;
    LocalSecretsManager secrets;
    WebhookReceiver receiver;
    final List<String> logs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        table = aws.freshTable();
        secrets = LocalSecretsManager.start().putSecretString(SECRET, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));
        receiver = WebhookReceiver.start();
        aws.s3().put(Events.BUCKET, KEY, VideoCompletionHandlerTest.VIDEO, "video/mp4", Map.of("processing-time", "12.5"));
    }

    @AfterEach
    void stop() {
        receiver.close();
        secrets.close();
    }

    Map<String, String> env() {
        var env = new HashMap<String, String>();
        env.put("AWS_REGION", LocalS3.REGION);
        env.put("VIDEO_BUCKET", Events.BUCKET);
        env.put("VIDEO_TABLE", table);
        env.put("WEBHOOK_URL", receiver.url().toString());
        env.put("WEBHOOK_SECRET", VideoCompletionHandlerTest.SECRET);
        env.put("URL_MAX_TTL", "P30D");
        env.put("URL_SIGNER", "CloudFront");
        env.put("CLOUDFRONT_DOMAIN", DOMAIN);
        env.put("CLOUDFRONT_KEY_PAIR_ID", KEY_ID);
        env.put("CLOUDFRONT_PRIVATE_KEY_SECRET", SECRET);
        env.put("AWS_ENDPOINT_URL_S3", aws.s3().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDb().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
        return env;
    }

    JsonNode complete() throws Exception {
        var out = new ByteArrayOutputStream();
        Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler()
                .handleRequest(new ByteArrayInputStream(Events.load("s3-object-created.json")), out, TestContext.of("completion"));
        return TestJson.MAPPER.readTree(out.toByteArray());
    }

    static APIGatewayV2HTTPResponse get(VideoUrlHandler handler, Map<String, String> query) {
        var event = Events.api("api-get-job.json");
        event.setQueryStringParameters(query);
        return HttpApi.call(handler, event, TestContext.of("req-" + UUID.randomUUID()));
    }

    static JsonNode video(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return TestJson.MAPPER.readTree(response.getBody()).at("/videos/0");
    }

    /** The poster's URL carries its ETag as the video's does: a replaced poster is another object to the edge cache. */
    @Test
    void poster_urlCarriesItsEtagAndAReplacedPosterANewOne() throws Exception {
        String poster = KEY.substring(0, KEY.lastIndexOf('.')) + ".jpg";
        aws.s3().put(Events.BUCKET, poster, "first poster".getBytes(StandardCharsets.UTF_8), "image/jpeg", Map.of());
        var completion = Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler();
        completion.handleRequest(new ByteArrayInputStream(Events.s3Notification(poster, "ObjectCreated:Put")),
                new ByteArrayOutputStream(), TestContext.of("poster-1"));
        complete();
        String firstEtag = aws.s3().client().headObject(h -> h.bucket(Events.BUCKET).key(poster)).eTag().replace("\"", "");
        var webhookPoster = SignedCloudFrontUrl.parse(URI.create(
                receiver.requests().getFirst().json().at("/data/videos/0/poster_url").asText()));
        assertEquals("https://" + DOMAIN + "/" + poster + "?v=" + firstEtag, webhookPoster.resource());

        aws.s3().put(Events.BUCKET, poster, "second poster".getBytes(StandardCharsets.UTF_8), "image/jpeg", Map.of());
        completion.handleRequest(new ByteArrayInputStream(Events.s3Notification(poster, "ObjectCreated:Put")),
                new ByteArrayOutputStream(), TestContext.of("poster-2"));

        String secondEtag = aws.s3().client().headObject(h -> h.bucket(Events.BUCKET).key(poster)).eTag().replace("\"", "");
        var api = Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();
        var apiPoster = SignedCloudFrontUrl.parse(URI.create(video(get(api, Map.of())).get("poster_url").asText()));
        assertNotEquals(firstEtag, secondEtag);
        assertEquals("https://" + DOMAIN + "/" + poster + "?v=" + secondEtag, apiPoster.resource());
        assertTrue(apiPoster.verifiesWith(RSA.getPublic()));
    }

    @Test
    void completion_webhookCarriesACloudFrontUrlThatVerifiesWithThePublicKey() throws Exception {
        Instant before = Instant.now();

        complete();
        Instant after = Instant.now();

        JsonNode video = receiver.requests().getFirst().json().at("/data/videos/0");
        var url = URI.create(video.get("file_url").asText());
        var signed = SignedCloudFrontUrl.parse(url);
        assertEquals(DOMAIN, url.getHost());
        assertEquals("https://" + DOMAIN + "/" + KEY + "?v=" + video.get("etag").asText(), signed.resource());
        assertTrue(signed.verifiesWith(RSA.getPublic()));
        assertEquals(KEY_ID, signed.keyPairId());
        Instant expiresAt = Instant.parse(video.get("file_url_expires_at").asText());
        assertEquals(signed.expiresAt(), expiresAt);
        // Signed between before and after, for URL_TTL 1 h + w 15 min, in whole seconds as CloudFront's policy has it.
        Duration lifetime = Duration.ofMinutes(75);
        assertTrue(!expiresAt.isBefore(before.plus(lifetime).truncatedTo(ChronoUnit.SECONDS))
                && !expiresAt.isAfter(after.plus(lifetime)), "URL_TTL 1 h + w 15 min: " + before + " .. " + expiresAt + " .. " + after);
        assertEquals(1, secrets.requests().size());
    }

    @Test
    void get_lifetimeOfDays_exactExpiryNoCredentialsCanCut() throws Exception {
        complete();
        var clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
        var handler = Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).urlHandler();

        var response = get(handler, Map.of("expires_in", String.valueOf(Duration.ofDays(30).toSeconds())));

        JsonNode video = video(response);
        assertEquals("2026-12-24T10:15:00Z", video.get("file_url_expires_at").asText());
        var signed = SignedCloudFrontUrl.parse(URI.create(video.get("file_url").asText()));
        assertEquals(Instant.parse("2026-12-24T10:15:00Z"), signed.expiresAt());
        assertTrue(signed.verifiesWith(RSA.getPublic()));
        assertEquals("private, max-age=" + (Duration.ofDays(30).plusMinutes(15).toSeconds() - 60),
                response.getHeaders().get("Cache-Control"));
    }

    @Test
    void get_sameRequestTwice_sameUrl_attachmentAnother() throws Exception {
        complete();
        var clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
        var handler = Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).urlHandler();

        String first = video(get(handler, Map.of("expires_in", "3600"))).get("file_url").asText();
        clock.advance(Duration.ofMinutes(10));
        String again = video(get(handler, Map.of("expires_in", "3600"))).get("file_url").asText();
        String attachment = video(get(handler, Map.of("expires_in", "3600", "disposition", "attachment"))).get("file_url").asText();

        assertEquals(first, again);
        assertNotEquals(first, attachment);
        assertEquals("attachment; filename=\"video_" + JOB + ".mp4\"; filename*=UTF-8''video_" + JOB + ".mp4",
                SignedCloudFrontUrl.parse(URI.create(attachment)).ownParameters().get("response-content-disposition"));
    }

    /**
     * SnapStart: the init (constructor) and the priming before the snapshot read no key; the first request after
     * the restore reads it, once.
     */
    @Test
    void privateKey_readAtTheFirstRequestAfterInitAndPriming_neverBefore() throws Exception {
        complete();
        secrets.putSecretString(SECRET, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));
        int before = secrets.requests().size();
        var handler = Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();
        handler.beforeCheckpoint(null);
        assertEquals(before, secrets.requests().size(), "read during init or priming");

        video(get(handler, Map.of()));
        video(get(handler, Map.of("disposition", "attachment")));

        assertEquals(before + 1, secrets.requests().size());
    }

    @Test
    void redelivery_resendsWithCloudFrontUrls() throws Exception {
        var clock = new MutableClock(Instant.now());
        receiver.alwaysRespond(WebhookReceiver.Answer.status(503));
        var completion = Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock::advance).completionHandler();
        try {
            completion.handleRequest(new ByteArrayInputStream(Events.load("s3-object-created.json")),
                    new ByteArrayOutputStream(), TestContext.of("completion"));
        } catch (VideoCompletionHandler.WebhookDeliveryException expected) {
            // Lambda would retry it; the redelivery takes it from here
        }
        receiver.alwaysRespond(WebhookReceiver.Answer.status(200));
        clock.advance(Duration.ofMinutes(1));

        var report = Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).redelivery()
                .run(new VideoRecorder.Invocation("redelivery-" + java.util.UUID.randomUUID(), clock.instant().plus(Duration.ofMinutes(4))), CheckedLog.into(logs));

        assertEquals(1, report.delivered());
        var url = URI.create(receiver.requests().getLast().json().at("/data/videos/0/file_url").asText());
        assertTrue(SignedCloudFrontUrl.parse(url).verifiesWith(RSA.getPublic()));
    }
}
