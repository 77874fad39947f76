package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The six ways the table drifted from the bucket before it followed each event in one write (issue "The table
 * follows the bucket"), each as it was reproduced against S3Proxy and DynamoDB Local. The simulation
 * ({@link TableFollowsBucketSimulationTest}) finds them and others at random; these keep each one named.
 */
class TableFollowsBucketTest extends PipelineTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String key(String user, String job, String file) {
        return "generated_videos/" + user + "/" + job + "/" + file;
    }

    byte[] created(String key) throws Exception {
        return pipeline.notification("ObjectCreated:Put", key, null, pipeline.nextSequencer());
    }

    static byte[] fetch(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    List<JsonNode> webhooks() {
        return pipeline.receiver.requests().stream().map(request -> {
            try {
                return request.json();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    /** A versioned bucket of its own for one test, and a pipeline on it. */
    Pipeline versioned() throws Exception {
        String bucket = "versions-" + UUID.randomUUID().toString().substring(0, 8);
        aws.s3().client().createBucket(b -> b.bucket(bucket));
        aws.s3().client().putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        return Pipeline.start(aws, bucket, Clock.systemUTC());
    }

    // 1. Ambiguous writes.

    /** The write that records the job's first video, and then the one that records its delivery, each applied twice. */
    @Test
    void ambiguousWrites_firstUploadOfAJob_recordedOnceAndItsWebhookSentAndRecordedOnce() throws Exception {
        String key = key("user_42", "j_ambiguous", "clip.mp4");
        pipeline.put(key, "clip", Map.of());
        // Whichever write each step uses: the first of each kind is applied twice.
        var faults = new DynamoDbFaults().ambiguous("transactWriteItems").ambiguous("putItem").ambiguous("updateItem");

        JsonNode report = pipeline.invoke(pipeline.completion(faults.hooks()), created(key), "req-first");

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText(), report.toString());
        assertEquals("DELIVERED", report.at("/deliveries/0/state").asText(), report.toString());
        assertEquals(1, pipeline.receiver.requests().size());
        Job job = pipeline.job("j_ambiguous");
        assertEquals(1, job.revision(), "recorded once");
        assertEquals(Delivery.State.DELIVERED, job.delivery().orElseThrow().state());
        assertEquals(1, job.delivery().orElseThrow().attempts(), "one attempt, counted once");
        assertEquals(List.of(), pipeline.logLines("webhook.outcome_not_recorded"));
    }

    @Test
    void ambiguousWrite_removal_theVideoLeavesItsJob() throws Exception {
        String key = key("user_42", "j_gone", "clip.mp4");
        pipeline.upload(key, "clip", Map.of());
        aws.s3().client().deleteObject(d -> d.bucket(pipeline.bucket).key(key));
        var faults = new DynamoDbFaults().ambiguous("transactWriteItems");

        JsonNode report = pipeline.invoke(pipeline.completion(faults.hooks()),
                pipeline.notification("ObjectRemoved:Delete", key, null, pipeline.nextSequencer()), "req-removal");

        assertEquals("REMOVED", report.at("/objects/0/outcome").asText(), report.toString());
        assertTrue(faults.calls().contains("transactWriteItems"));
        assertTrue(pipeline.job("j_gone").videos().isEmpty());
        assertEquals(404, pipeline.get("j_gone", "user_42").getStatusCode());
    }

    /** The write that records the video and starts its delivery, then the invocation stops: Lambda's retry sends it. */
    @Test
    void invocationStopsRightAfterItsWrite_lambdasRetryRecordsNothingTwiceAndSendsTheWebhook() throws Exception {
        String key = key("user_42", "j_stopped", "clip.mp4");
        pipeline.put(key, "clip", Map.of());
        byte[] event = created(key);
        var stopping = new DynamoDbFaults().stopAfter("transactWriteItems");

        assertThrows(DynamoDbFaults.Stopped.class,
                () -> pipeline.invoke(pipeline.completion(stopping.hooks()), event, "req-stopped"));
        assertEquals(0, pipeline.receiver.requests().size());
        JsonNode retry = pipeline.invoke(pipeline.completion(), event, "req-stopped");

        assertEquals("DUPLICATE", retry.at("/objects/0/outcome").asText(), retry.toString());
        assertEquals("DELIVERED", retry.at("/deliveries/0/state").asText(), retry.toString());
        assertEquals(1, pipeline.receiver.requests().size());
        assertEquals(1, pipeline.job("j_stopped").revision());
    }

    // 2. Key moves are one write.

    @Test
    void moveThatStopsBeforeItsWrite_aLaterMoveLeavesTheKeyInOneJobOnly() throws Exception {
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "for A", Map.of("job-id", "j_a", "user-id", "user_42"));
        pipeline.put(key, "for B", Map.of("job-id", "j_b", "user-id", "user_42"));
        var stopping = new DynamoDbFaults().stopAfter("batchGetItem");
        assertThrows(DynamoDbFaults.Stopped.class,
                () -> pipeline.invoke(pipeline.completion(stopping.hooks()), created(key), "req-b"));

        pipeline.upload(key, "for C", Map.of("job-id", "j_c", "user-id", "user_42"));

        assertTrue(pipeline.job("j_a").videos().isEmpty(), "A let the key go");
        assertTrue(pipeline.job("j_c").video(key).isPresent());
        assertEquals(404, pipeline.get("j_b", "user_42").getStatusCode());
        assertEquals(404, pipeline.get("j_a", "user_42").getStatusCode());
    }

    /**
     * B's move reads the key and its jobs; meanwhile the key is uploaded again for C and C's event handled whole; then
     * B writes: its condition no longer holds, and B's event is older than C's.
     */
    @Test
    void twoMovesOfOneKeyInFlight_theLaterOneWinsAndOnlyItsJobListsTheKey() throws Exception {
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "for A", Map.of("job-id", "j_a", "user-id", "user_42"));
        pipeline.put(key, "for B", Map.of("job-id", "j_b", "user-id", "user_42"));
        byte[] moveToB = created(key);
        var pause = new DynamoDbFaults().before("transactWriteItems", () -> {
            try {
                pipeline.upload(key, "for C", Map.of("job-id", "j_c", "user-id", "user_42"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        JsonNode b = pipeline.invoke(pipeline.completion(pause.hooks()), moveToB, "req-b");

        assertEquals("STALE", b.at("/objects/0/outcome").asText(), b.toString());
        assertTrue(pipeline.job("j_a").videos().isEmpty());
        assertEquals(404, pipeline.get("j_b", "user_42").getStatusCode(), "B never lists the key");
        assertTrue(pipeline.job("j_c").video(key).isPresent());
    }

    /** DynamoDB cancels a transaction that meets another on one of its items; the SDK does not retry that. */
    @Test
    void transactionCancelledByAConcurrentOne_triedAgainAndCounted() throws Exception {
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "for A", Map.of("job-id", "j_a", "user-id", "user_42"));
        pipeline.put(key, "for B", Map.of("job-id", "j_b", "user-id", "user_42"));
        var faults = new DynamoDbFaults().conflict("transactWriteItems").conflict("transactWriteItems");

        JsonNode moved = pipeline.invoke(pipeline.completion(faults.hooks()), created(key), "req-conflicts");

        assertEquals("RECORDED", moved.at("/objects/0/outcome").asText(), moved.toString());
        assertEquals(3, faults.calls().stream().filter("transactWriteItems"::equals).count());
        var counted = pipeline.logLines("table.transaction_conflicts");
        assertEquals(1, counted.size());
        assertTrue(counted.getFirst().contains("\"conflicts\":2"), counted.getFirst());
        assertTrue(pipeline.job("j_b").video(key).isPresent());
        assertTrue(pipeline.job("j_a").videos().isEmpty());
    }

    /** An unversioned bucket's URL names no version: a job that kept a replaced key would serve the new bytes. */
    @Test
    void keyOverwrittenForAnotherUsersJob_theFirstJobNeverServesTheOtherUsersBytes() throws Exception {
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "alice's clip", Map.of("job-id", "j_alice", "user-id", "alice"));
        pipeline.upload(key, "bob's clip", Map.of("job-id", "j_bob", "user-id", "bob"));

        assertEquals(404, pipeline.get("j_alice", "alice").getStatusCode());
        JsonNode bobs = TestJson.MAPPER.readTree(pipeline.get("j_bob", "bob").getBody());
        assertArrayEquals("bob's clip".getBytes(StandardCharsets.UTF_8), fetch(bobs.at("/videos/0/file_url").asText()));
    }

    // 3. Deleting an old version leaves the key's current object alone.

    @Test
    void olderVersionsDeletionEventFirst_theCurrentVersionIsStillRecordedAndDelivered() throws Exception {
        try (var versions = versioned()) {
            String key = key("user_42", "j_v", "clip.mp4");
            String v1 = versions.put(key, "take 1", Map.of());
            String seq1 = versions.nextSequencer();
            versions.invoke(versions.notification("ObjectCreated:Put", key, v1, seq1));
            versions.put(key, "take 2", Map.of());
            String seq2 = versions.nextSequencer();
            aws.s3().client().deleteObject(d -> d.bucket(versions.bucket).key(key).versionId(v1));
            String seq3 = versions.nextSequencer();

            versions.invoke(versions.notification("ObjectRemoved:Delete", key, v1, seq3));
            versions.invoke(versions.notification("ObjectCreated:Put", key, null, seq2));

            var answer = versions.get("j_v", "user_42");
            assertEquals(200, answer.getStatusCode());
            String url = TestJson.MAPPER.readTree(answer.getBody()).at("/videos/0/file_url").asText();
            assertArrayEquals("take 2".getBytes(StandardCharsets.UTF_8), fetch(url));
            assertArrayEquals("take 2".getBytes(StandardCharsets.UTF_8),
                    fetch(versions.receiver.requests().getLast().json().at("/data/videos/0/file_url").asText()));
        }
    }

    // 4. A delete marker seen first is not forgotten.

    @Test
    void deleteMarkerEventBeforeTheCreate_jobNamedOnlyInMetadata_nothingRecordedNorSent() throws Exception {
        try (var versions = versioned()) {
            String key = "generated_videos/renders/final.mp4";
            String version = versions.put(key, "render", Map.of("job-id", "j_meta", "user-id", "user_42"));
            String created = versions.nextSequencer();
            String marker = aws.s3().client().deleteObject(d -> d.bucket(versions.bucket).key(key)).versionId();

            JsonNode removal = versions.invoke(versions.notification("ObjectRemoved:DeleteMarkerCreated", key, marker,
                    versions.nextSequencer()));
            JsonNode late = versions.invoke(versions.notification("ObjectCreated:Put", key, version, created));

            assertEquals("IGNORED", removal.at("/objects/0/outcome").asText(), removal.toString());
            assertNotEquals("RECORDED", late.at("/objects/0/outcome").asText(), late.toString());
            assertEquals(0, versions.receiver.requests().size(), "a deleted video is never announced");
            assertEquals(404, versions.get("j_meta", "user_42").getStatusCode());
        }
    }

    // 5. A set that went away and came back is a new delivery.

    @Test
    void sameBytesUploadedAgainAfterAFailedDeliveryAndADeletion_sentUnderANewWebhookId() throws Exception {
        String key = key("user_42", "j_back", "clip.mp4");
        pipeline.receiver.respondWith(503, 503, 503);
        assertThrows(VideoCompletionHandler.WebhookDeliveryException.class, () -> pipeline.upload(key, "clip", Map.of()));
        String first = pipeline.receiver.requests().getFirst().header("webhook-id");
        pipeline.delete(key);
        var redelivery = pipeline.redelivery().run(new VideoRecorder.Invocation("redelivery", Instant.now().plusSeconds(60)),
                CheckedLog.into(pipeline.logs));
        assertEquals(0, redelivery.due(), "the set that went away is not due");

        JsonNode back = pipeline.upload(key, "clip", Map.of());

        assertEquals("RECORDED", back.at("/objects/0/outcome").asText(), back.toString());
        assertEquals("DELIVERED", back.at("/deliveries/0/state").asText(), back.toString());
        var last = pipeline.receiver.requests().getLast();
        assertNotEquals(first, last.header("webhook-id"));
        assertEquals(key, last.json().at("/data/videos/0/s3_key").asText());
    }

    // 6. A refused video changes no job.

    @Test
    void ownerConflict_theJobItNamesIsUntouchedAndTheObjectItReplacedLeavesItsOldJob() throws Exception {
        pipeline.upload(key("bob", "j_bobs", "own.mp4"), "bob's own", Map.of());
        Job before = pipeline.job("j_bobs");
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "alice's clip", Map.of("job-id", "j_alice", "user-id", "alice"));

        JsonNode refused = pipeline.upload(key, "carol's clip", Map.of("job-id", "j_bobs", "user-id", "carol"));

        assertEquals("OWNER_CONFLICT", refused.at("/objects/0/outcome").asText(), refused.toString());
        Job after = pipeline.job("j_bobs");
        assertEquals(before.revision(), after.revision());
        assertEquals(before.videos(), after.videos());
        assertEquals(before.delivery(), after.delivery());
        assertEquals(404, pipeline.get("j_alice", "alice").getStatusCode(), "alice's object is no longer in the bucket");
        assertFalse(webhooks().stream().anyMatch(w -> w.toString().contains("carol's")));
    }

    /** A bucket without versions: the job's URL names no version, so keeping the key would serve the new bytes. */
    @Test
    void ownerConflictOnTheSameJob_theJobLetsTheReplacedKeyGoAndNeverServesTheOtherUsersBytes() throws Exception {
        String key = "generated_videos/shared/clip.mp4";
        pipeline.upload(key, "alice's clip", Map.of("job-id", "j_shared", "user-id", "alice"));

        JsonNode refused = pipeline.upload(key, "carol's clip", Map.of("job-id", "j_shared", "user-id", "carol"));

        assertEquals("OWNER_CONFLICT", refused.at("/objects/0/outcome").asText(), refused.toString());
        var answer = pipeline.get("j_shared", "alice");
        if (answer.getStatusCode() == 200) {
            for (JsonNode video : TestJson.MAPPER.readTree(answer.getBody()).get("videos")) {
                assertFalse(new String(fetch(video.get("file_url").asText()), StandardCharsets.UTF_8).contains("carol"),
                        "alice's job serves carol's bytes");
            }
        }
        assertEquals(404, answer.getStatusCode(), "the job's only video is no longer in the bucket");
    }

    @Test
    void aHundredAndFirstVideo_theFullJobIsUntouched() throws Exception {
        for (int i = 0; i < 100; i++) {
            pipeline.put(key("user_42", "j_full", "take-" + i + ".mp4"), "take " + i, Map.of("video-count", "100"));
            pipeline.invoke(created(key("user_42", "j_full", "take-" + i + ".mp4")));
        }
        Job before = pipeline.job("j_full");

        JsonNode refused = pipeline.upload(key("user_42", "j_full", "take-100.mp4"), "one too many", Map.of("video-count", "100"));

        assertEquals("TOO_MANY_VIDEOS", refused.at("/objects/0/outcome").asText(), refused.toString());
        Job after = pipeline.job("j_full");
        assertEquals(before.revision(), after.revision());
        assertEquals(before.delivery(), after.delivery());
        assertEquals(100, after.videos().size());
    }
}
