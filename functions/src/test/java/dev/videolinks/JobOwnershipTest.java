package dev.videolinks;

import dev.videolinks.testing.TestJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2: a job's owner is fixed by the first video that names one, and a key belongs to one job at a time.
 * Through the completion function and the URL API, over S3Proxy, DynamoDB Local and a real receiver.
 */
class JobOwnershipTest extends PipelineTest {

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static List<String> keysOf(JsonNode videos) {
        var keys = new ArrayList<String>();
        videos.forEach(video -> keys.add(video.get("s3_key").asText()));
        return keys;
    }

    static JsonNode body(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse response) throws Exception {
        return TestJson.MAPPER.readTree(response.getBody());
    }

    static byte[] fetch(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Test
    void anotherOwnersFolder_videoSkippedWithOneErrorLineAndTheJobStaysTheFirstOwners() throws Exception {
        pipeline.upload("generated_videos/alice/j1/a.mp4", "alice's clip", Map.of());

        JsonNode report = pipeline.upload("generated_videos/bob/j1/b.mp4", "bob's clip", Map.of());

        assertEquals("OWNER_CONFLICT", report.at("/objects/0/outcome").asText());
        assertEquals(0, report.get("deliveries").size());
        var conflicts = pipeline.logLines("video.owner_conflict");
        assertEquals(1, conflicts.size());
        JsonNode line = TestJson.MAPPER.readTree(conflicts.getFirst());
        assertEquals("ERROR", line.get("level").asText());
        assertEquals("j1", line.get("job_id").asText());
        assertEquals("alice", line.get("owner").asText());
        assertEquals("bob", line.get("claimed_owner").asText());
        assertEquals("generated_videos/bob/j1/b.mp4", line.get("key").asText());
        assertEquals(1, pipeline.receiver.requests().size(), "only alice's webhook");
        assertEquals(List.of("generated_videos/alice/j1/a.mp4"), keysOf(pipeline.receiver.requests().getFirst().json().at("/data/videos")));
        assertEquals(List.of("generated_videos/alice/j1/a.mp4"), keysOf(body(pipeline.get("j1", "alice")).get("videos")));
        assertEquals(404, pipeline.get("j1", "bob").getStatusCode());
    }

    @Test
    void anotherOwnerInMetadata_videoSkippedAndNeverListed() throws Exception {
        pipeline.upload("generated_videos/renders/first.mp4", "alice's render", Map.of("job-id", "j2", "user-id", "alice"));

        JsonNode report = pipeline.upload("generated_videos/renders/second.mp4", "bob's render",
                Map.of("job-id", "j2", "user-id", "bob"));

        assertEquals("OWNER_CONFLICT", report.at("/objects/0/outcome").asText());
        assertEquals("alice", pipeline.job("j2").owner());
        assertEquals(List.of("generated_videos/renders/first.mp4"), keysOf(body(pipeline.get("j2", "alice")).get("videos")));
    }

    @Test
    void firstOwnersLaterVideos_deliveredWithoutTheOtherOwnersVideo() throws Exception {
        var pair = Map.of("video-count", "2");
        pipeline.upload("generated_videos/alice/j3/a.mp4", "a", pair);
        pipeline.upload("generated_videos/bob/j3/b.mp4", "b", pair);
        assertTrue(pipeline.receiver.requests().isEmpty(), "bob's video does not complete alice's job");

        pipeline.upload("generated_videos/alice/j3/c.mp4", "c", pair);

        assertEquals(1, pipeline.receiver.requests().size());
        JsonNode webhook = pipeline.receiver.requests().getFirst().json();
        assertEquals("alice", webhook.get("user_id").asText());
        assertEquals(List.of("generated_videos/alice/j3/a.mp4", "generated_videos/alice/j3/c.mp4"),
                keysOf(webhook.at("/data/videos")));
    }

    @Test
    void ownerlessVideoJoiningAnOwnedJob_listedUnderTheOwner() throws Exception {
        var pair = Map.of("video-count", "2");
        pipeline.upload("generated_videos/alice/j4/a.mp4", "a", pair);

        JsonNode report = pipeline.upload("generated_videos/video_j4.mp4", "legacy", pair);

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText());
        JsonNode webhook = pipeline.receiver.requests().getFirst().json();
        assertEquals("alice", webhook.get("user_id").asText());
        assertEquals(2, webhook.at("/data/videos").size());
        assertEquals(2, body(pipeline.get("j4", "alice")).get("videos").size());
    }

    @Test
    void ownedVideoJoiningAnOwnerlessJob_ownerFixedFromThen() throws Exception {
        var pair = Map.of("video-count", "2");
        pipeline.upload("generated_videos/video_j5.mp4", "legacy", pair);
        assertEquals(null, pipeline.job("j5").owner());
        assertEquals(404, pipeline.get("j5", "alice").getStatusCode(), "a job without owner is visible in IAM mode only");

        pipeline.upload("generated_videos/alice/j5/b.mp4", "b", pair);
        JsonNode late = pipeline.upload("generated_videos/carol/j5/c.mp4", "c", pair);

        assertEquals("alice", pipeline.job("j5").owner());
        assertEquals("OWNER_CONFLICT", late.at("/objects/0/outcome").asText());
        assertEquals("alice", pipeline.receiver.requests().getFirst().json().get("user_id").asText());
        assertEquals(2, body(pipeline.get("j5", "alice")).get("videos").size());
        assertEquals(404, pipeline.get("j5", "carol").getStatusCode());
    }

    /** The reproduction: the key is reused for another user's job, then deleted. */
    @Test
    void keyReusedForAnotherJob_leavesTheOldJobAndItsRemovalReachesTheNewOne() throws Exception {
        String key = "generated_videos/renders/final.mp4";
        pipeline.upload(key, "alice's render", Map.of("job-id", "render-a", "user-id", "alice"));

        JsonNode report = pipeline.upload(key, "bob's render", Map.of("job-id", "render-b", "user-id", "bob"));

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText());
        var moved = pipeline.logLines("video.moved");
        assertEquals(1, moved.size());
        assertTrue(moved.getFirst().contains("\"from_job\":\"render-a\"") && moved.getFirst().contains("\"job_id\":\"render-b\""));
        assertEquals(404, pipeline.get("render-a", "alice").getStatusCode(), "alice's job no longer lists bob's bytes");
        JsonNode bobs = body(pipeline.get("render-b", "bob"));
        assertArrayEquals("bob's render".getBytes(StandardCharsets.UTF_8), fetch(bobs.at("/videos/0/file_url").asText()));

        aws.s3().client().deleteObject(d -> d.bucket(pipeline.bucket).key(key));
        JsonNode removal = pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", key, null, pipeline.nextSequencer()));

        assertEquals("REMOVED", removal.at("/objects/0/outcome").asText());
        assertEquals("render-b", removal.at("/objects/0/job_id").asText());
        assertTrue(pipeline.job("render-b").videos().isEmpty());
    }

    /** S3 stores such keys; S3Proxy cannot, so the notification comes alone (a video by its name, no lookup needed). */
    @Test
    void keyWithADotSegment_skippedWithAnErrorLineInsteadOfAnUnplayableUrl() throws Exception {
        for (String key : List.of("generated_videos/u1/j6/./clip.mp4", "generated_videos/u1/j6/takes/../clip.mp4")) {
            JsonNode report = pipeline.invoke(pipeline.notification("ObjectCreated:Put", key, null, pipeline.nextSequencer()));

            assertEquals("SKIPPED", report.at("/objects/0/outcome").asText(), key);
            assertTrue(report.at("/objects/0/reason").asText().contains("'.' or '..' path segment"), key);
        }
        assertEquals(2, pipeline.logLines("video.skipped").size());
        assertTrue(pipeline.receiver.requests().isEmpty());
    }
}
