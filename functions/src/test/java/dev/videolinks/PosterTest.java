package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Posters end to end (SPEC §3): an image beside a video with its base name, or the one its metadata
 * {@code poster-key} names, signed like the video in the webhook and the API, whichever is uploaded first; an image
 * that comes later reaches the API through its own S3 event, without a second webhook.
 */
class PosterTest extends PipelineTest {

    static final String OWNER = "user_42";
    static final byte[] JPEG = Clips.bytes("poster.jpg");
    static final byte[] PNG = Clips.bytes("poster.png");
    static final byte[] CLIP = Clips.bytes("no-audio.mp4");

    static String folder(String job) {
        return "generated_videos/" + OWNER + "/" + job + "/";
    }

    JsonNode video(String job) throws Exception {
        var answer = pipeline.get(job, OWNER);
        assertEquals(200, answer.getStatusCode(), answer.getBody());
        return TestJson.MAPPER.readTree(answer.getBody()).at("/videos/0");
    }

    JsonNode webhookVideo(int index) throws Exception {
        return pipeline.receiver.requests().get(index).json().at("/data/videos/0");
    }

    /** The poster URL's key (its path without the bucket), after checking that it serves these bytes. */
    static String posterKey(JsonNode video, byte[] expected) throws Exception {
        String url = video.get("poster_url").asText();
        var download = VideoUrlHandlerTest.fetch(url);
        assertEquals(200, download.statusCode(), url);
        assertArrayEquals(expected, download.body());
        String path = URI.create(url).getPath();
        return path.substring(path.indexOf('/', 1) + 1);
    }

    @Test
    void webhook_posterUploadedBeforeItsVideo_carriesItsSignedUrl() throws Exception {
        String folder = folder("j_first");

        JsonNode image = pipeline.upload(folder + "clip.jpg", JPEG, "image/jpeg", Map.of());
        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of());

        assertEquals("IGNORED", image.at("/objects/0/outcome").asText());
        assertEquals("not a video, nor beside a recorded video", image.at("/objects/0/reason").asText());
        JsonNode video = webhookVideo(0);
        assertEquals(folder + "clip.jpg", posterKey(video, JPEG));
        Instant fileExpires = Instant.parse(video.get("file_url_expires_at").asText());
        Instant posterExpires = Instant.parse(video.get("poster_url_expires_at").asText());
        assertTrue(Duration.between(fileExpires, posterExpires).abs().toSeconds() <= 1, fileExpires + " / " + posterExpires);
        assertEquals(List.of(folder + "clip."), aws.s3().requests().listings().stream()
                .filter(prefix -> prefix.startsWith(folder)).toList(), "one listing, for the image: the video reads the index");
    }

    @Test
    void api_posterUploadedAfterItsVideo_answeredWithoutASecondWebhook() throws Exception {
        String folder = folder("j_later");
        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of());

        JsonNode image = pipeline.upload(folder + "clip.png", PNG, "image/png", Map.of());

        assertTrue(webhookVideo(0).get("poster_url").isNull(), "no poster when the webhook went");
        assertEquals("POSTER", image.at("/objects/0/outcome").asText(), image.toString());
        assertEquals("poster of " + folder + "clip.mp4", image.at("/objects/0/reason").asText());
        assertEquals("j_later", image.at("/objects/0/job_id").asText());
        assertEquals(1, pipeline.receiver.requests().size(), "a poster sends no webhook");
        assertEquals(folder + "clip.png", posterKey(video("j_later"), PNG));
    }

    @Test
    void poster_severalImagesBesideAVideo_jpgBeforePngAndLongerNamesNotBeside() throws Exception {
        String folder = folder("j_choice");
        pipeline.upload(folder + "clip.png", PNG, "image/png", Map.of());
        pipeline.upload(folder + "clip.v2.jpg", JPEG, "image/jpeg", Map.of());
        pipeline.upload(folder + "clip.JPG", JPEG, "image/jpeg", Map.of());

        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of());

        assertEquals(folder + "clip.JPG", posterKey(webhookVideo(0), JPEG));
    }

    @Test
    void api_posterRemoved_theNextImageBesideOrNone() throws Exception {
        String folder = folder("j_removed");
        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of());
        pipeline.upload(folder + "clip.png", PNG, "image/png", Map.of());
        pipeline.upload(folder + "clip.jpg", JPEG, "image/jpeg", Map.of());
        assertEquals(folder + "clip.jpg", posterKey(video("j_removed"), JPEG));

        JsonNode first = pipeline.delete(folder + "clip.jpg");
        assertEquals(folder + "clip.png", posterKey(video("j_removed"), PNG));
        JsonNode last = pipeline.delete(folder + "clip.png");

        assertEquals("poster of " + folder + "clip.mp4; now " + folder + "clip.png", first.at("/objects/0/reason").asText());
        assertEquals("poster of " + folder + "clip.mp4; no image left", last.at("/objects/0/reason").asText());
        JsonNode video = video("j_removed");
        assertTrue(video.get("poster_url").isNull() && video.get("poster_url_expires_at").isNull(), video.toString());
        assertEquals(1, pipeline.receiver.requests().size());
    }

    @Test
    void webhook_posterKeyMetadata_signsTheNamedImageUploadedLaterAndKeepsItOverOneBeside() throws Exception {
        String folder = folder("j_named");
        String cover = folder + "covers/cover.webp";
        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of("poster-key", cover));
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 a stand-in for a webp".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        pipeline.upload(cover, webp, "image/webp", Map.of());

        JsonNode beside = pipeline.upload(folder + "clip.jpg", JPEG, "image/jpeg", Map.of());

        JsonNode delivered = webhookVideo(0);
        assertEquals(cover, posterKey(delivered, webp));
        assertEquals(cover, delivered.at("/metadata/poster-key").asText());
        assertEquals("IGNORED", beside.at("/objects/0/outcome").asText(), "the metadata's choice stands");
        assertEquals(cover, posterKey(video("j_named"), webp));
    }

    @Test
    void completion_posterKeyOutsideThePrefix_warnsAndTakesTheImageBeside() throws Exception {
        String folder = folder("j_outside");
        pipeline.upload(folder + "clip.jpg", JPEG, "image/jpeg", Map.of());

        pipeline.upload(folder + "clip.mp4", CLIP, "video/mp4", Map.of("poster-key", "elsewhere/cover.jpg"));

        assertEquals(folder + "clip.jpg", posterKey(webhookVideo(0), JPEG));
        var warnings = pipeline.logLines("video.poster_key_ignored");
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("\"level\":\"WARN\"") && warnings.getFirst().contains(folder + "clip.mp4"));
    }

    JsonNode imageEvent(String key) throws Exception {
        aws.s3().put(pipeline.bucket, key, JPEG, "image/jpeg", Map.of());
        var handler = Wiring.of(pipeline.env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(pipeline.logs))
                .completionHandler();
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(pipeline.notification("ObjectCreated:Put", key, null,
                pipeline.nextSequencer())), out, TestContext.of("req-image"));
        return TestJson.MAPPER.readTree(out.toByteArray());
    }

    @Test
    @SuppressWarnings("unchecked")
    void imageEventBetweenTheVideosIndexReadAndItsWrite_theVideosSecondReadSetsThePoster() throws Exception {
        String folder = folder("j_race");
        aws.s3().put(pipeline.bucket, folder + "clip.mp4", CLIP, "video/mp4", Map.of());
        var imageOutcome = new java.util.concurrent.atomic.AtomicReference<JsonNode>();
        // The image's event runs, whole, right after the video's handler read the image index and found nothing.
        var hooks = new Wiring.ClientHooks(o -> { }, real -> (software.amazon.awssdk.services.dynamodb.DynamoDbClient)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {software.amazon.awssdk.services.dynamodb.DynamoDbClient.class}, (proxy, method, args) -> {
                            if (method.getName().equals("getItem") && args[0] instanceof java.util.function.Consumer<?> build) {
                                var request = software.amazon.awssdk.services.dynamodb.model.GetItemRequest.builder();
                                ((java.util.function.Consumer<Object>) build).accept(request);
                                var answer = real.getItem(request.build());
                                if (imageOutcome.get() == null && !answer.hasItem()
                                        && request.build().key().get("job_id").s().startsWith("images#")) {
                                    imageOutcome.set(imageEvent(folder + "clip.jpg"));
                                }
                                return answer;
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }));
        var handler = Wiring.of(pipeline.env(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(pipeline.logs))
                .withClientHooks(hooks).completionHandler();
        handler.handleRequest(new ByteArrayInputStream(pipeline.notification("ObjectCreated:Put", folder + "clip.mp4", null,
                pipeline.nextSequencer())), new ByteArrayOutputStream(), TestContext.of("req-video"));

        assertEquals("IGNORED", imageOutcome.get().at("/objects/0/outcome").asText(), "the image's event found no video yet");
        assertEquals(folder + "clip.jpg", posterKey(video("j_race"), JPEG));
    }
}
