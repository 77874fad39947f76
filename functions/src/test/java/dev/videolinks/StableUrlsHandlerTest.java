package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stable URLs in the default S3 mode, through a warm URL API over S3Proxy and DynamoDB Local. */
class StableUrlsHandlerTest {

    static final String KEY = VideoUrlHandlerTest.KEY;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final LocalAws aws = new LocalAws();

    String table;
    WebhookReceiver receiver;
    final List<String> logs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void jobRecorded() throws Exception {
        table = aws.freshTable();
        receiver = WebhookReceiver.start();
        aws.s3().put(Events.BUCKET, KEY, VideoUrlHandlerTest.VIDEO, "video/mp4", Map.of());
        var env = env();
        env.put("WEBHOOK_URL", receiver.url().toString());
        Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler()
                .handleRequest(new ByteArrayInputStream(Events.load("s3-object-created.json")), new ByteArrayOutputStream(),
                        TestContext.of("completion"));
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    Map<String, String> env() {
        var env = aws.env(table);
        return env;
    }

    static APIGatewayV2HTTPResponse get(VideoUrlHandler handler, String disposition) {
        var event = Events.api("api-get-job.json");
        if (disposition != null) {
            event.setQueryStringParameters(Map.of("expires_in", "900", "disposition", disposition));
        }
        return HttpApi.call(handler, event, TestContext.of("req-" + UUID.randomUUID()));
    }

    static JsonNode video(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return TestJson.MAPPER.readTree(response.getBody()).at("/videos/0");
    }

    @Test
    void get_sameRequestTwiceToAWarmFunction_samePresignedUrlThatStillFetchesTheBytes() throws Exception {
        var handler = Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();

        JsonNode first = video(get(handler, null));
        Thread.sleep(1100); // past the second of X-Amz-Date: a new signature would differ
        JsonNode second = video(get(handler, null));
        JsonNode attachment = video(get(handler, "attachment"));

        assertEquals(first.get("file_url").asText(), second.get("file_url").asText());
        assertEquals(first.get("file_url_expires_at").asText(), second.get("file_url_expires_at").asText());
        assertNotEquals(first.get("file_url").asText(), attachment.get("file_url").asText());
        var bytes = http.send(HttpRequest.newBuilder(URI.create(second.get("file_url").asText())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, bytes.statusCode());
        assertArrayEquals(VideoUrlHandlerTest.VIDEO, bytes.body());
    }

    /** expires_in=900: w = min(15 min, 900 s / 4) = 225 s, so the URL is signed for 1125 s. */
    @Test
    void get_defaultStableFor_signedForTheLifetimePlusAQuarter() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        var response = get(Wiring.of(env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler(), null);

        JsonNode video = video(response);
        assertTrue(video.get("file_url").asText().contains("X-Amz-Expires=1125"));
        Duration lifetime = Duration.between(before, Instant.parse(video.get("file_url_expires_at").asText()));
        assertTrue(lifetime.toSeconds() >= 1125 && lifetime.toSeconds() <= 1126, lifetime.toString());
        long maxAge = Long.parseLong(response.getHeaders().get("Cache-Control").replace("private, max-age=", ""));
        assertTrue(maxAge >= 1063 && maxAge <= 1065, "max-age " + maxAge);
    }

    /** URL_STABLE_FOR=PT0S: a new URL at every request, for exactly the requested lifetime, as before stable URLs. */
    @Test
    void get_stableForZero_freshUrlForExactlyTheLifetime() throws Exception {
        var env = env();
        env.put("URL_STABLE_FOR", "PT0S");
        var handler = Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        var response = get(handler, null);
        Thread.sleep(1100);
        var again = get(handler, null);

        JsonNode video = video(response);
        Duration lifetime = Duration.between(before, Instant.parse(video.get("file_url_expires_at").asText()));
        assertTrue(lifetime.toSeconds() >= 900 && lifetime.toSeconds() <= 901, lifetime.toString());
        long maxAge = Long.parseLong(response.getHeaders().get("Cache-Control").replace("private, max-age=", ""));
        assertTrue(maxAge >= 838 && maxAge <= 840, "max-age " + maxAge);
        assertNotEquals(video.get("file_url").asText(), video(again).get("file_url").asText());
    }
}
