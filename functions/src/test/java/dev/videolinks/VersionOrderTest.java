package dev.videolinks;

import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §2 in a versioned bucket (S3Proxy versions objects like S3): the recorded version of a key only moves
 * forward by S3's sequencer, whatever order the events arrive in; deleting another version changes nothing; a
 * delete marker or the deletion of the recorded version removes the video.
 */
class VersionOrderTest {

    static final String BUCKET = "video-links-versioned";
    static final String KEY = "generated_videos/user_42/job_versions/clip.mp4";

    @RegisterExtension
    static final LocalAws aws = new LocalAws();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Pipeline pipeline;
    String v1;
    String v2;
    String seq1;
    String seq2;

    @BeforeAll
    static void versionedBucket() {
        aws.s3().client().createBucket(b -> b.bucket(BUCKET));
        aws.s3().client().putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
    }

    /** Two versions of one key, each with the sequencer S3 gave its event. */
    @BeforeEach
    void twoVersions() throws Exception {
        pipeline = Pipeline.start(aws, BUCKET, java.time.Clock.systemUTC());
        aws.s3().client().listObjectVersionsPaginator(l -> l.bucket(BUCKET)).versions().forEach(v ->
                aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(v.key()).versionId(v.versionId())));
        v1 = pipeline.put(KEY, "first render", Map.of());
        seq1 = pipeline.nextSequencer();
        v2 = pipeline.put(KEY, "second render", Map.of());
        seq2 = pipeline.nextSequencer();
    }

    @AfterEach
    void close() {
        pipeline.close();
    }

    JsonNode created(String versionId, String sequencer) throws Exception {
        return pipeline.invoke(pipeline.notification("ObjectCreated:Put", KEY, versionId, sequencer));
    }

    static byte[] fetch(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Test
    void olderVersionsEventArrivesLate_changesNothingAndSendsNothing() throws Exception {
        created(v2, seq2);

        JsonNode late = created(v1, seq1);

        assertEquals("STALE", late.at("/objects/0/outcome").asText());
        assertEquals(0, late.get("deliveries").size());
        assertEquals(1, pipeline.receiver.requests().size(), "only the newer version was delivered");
        assertEquals(v2, pipeline.job("job_versions").videos().getFirst().versionId());
        String url = TestJson.MAPPER.readTree(pipeline.get("job_versions", "user_42").getBody()).at("/videos/0/file_url").asText();
        assertArrayEquals("second render".getBytes(StandardCharsets.UTF_8), fetch(url));
    }

    @Test
    void versionsUploadedAndHandledInTurn_eachDeliveredUnderItsOwnId() throws Exception {
        String key = "generated_videos/user_42/job_turns/clip.mp4";
        pipeline.upload(key, "first take", Map.of());
        pipeline.upload(key, "second take", Map.of());

        var webhooks = pipeline.receiver.requests();
        assertEquals(2, webhooks.size());
        assertTrue(!webhooks.get(0).header("webhook-id").equals(webhooks.get(1).header("webhook-id")));
        assertArrayEquals("second take".getBytes(StandardCharsets.UTF_8),
                fetch(webhooks.get(1).json().at("/data/videos/0/file_url").asText()));
    }

    /** Both versions were uploaded before either event came: the table follows the bucket, whose current one is v2. */
    @Test
    void bothVersionsUploadedBeforeTheFirstEvent_thatEventRecordsTheCurrentVersionAndTheSecondChangesNothing()
            throws Exception {
        JsonNode first = created(v1, seq1);
        JsonNode second = created(v2, seq2);

        assertEquals("RECORDED", first.at("/objects/0/outcome").asText());
        assertEquals("DUPLICATE", second.at("/objects/0/outcome").asText());
        assertEquals(1, pipeline.receiver.requests().size());
        assertEquals(v2, pipeline.job("job_versions").videos().getFirst().versionId());
    }

    @Test
    void anOlderVersionDeleted_theRecordedVideoStays() throws Exception {
        created(v2, seq2);
        aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(KEY).versionId(v1));

        JsonNode removal = pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", KEY, v1, pipeline.nextSequencer()));

        assertEquals("IGNORED", removal.at("/objects/0/outcome").asText());
        assertEquals(v2, pipeline.job("job_versions").videos().getFirst().versionId());
        assertEquals(200, pipeline.get("job_versions", "user_42").getStatusCode());
        assertEquals(1, pipeline.receiver.requests().size(), "nothing changed, nothing sent");
    }

    /** S3 makes the version before the deleted current one current again: so does the table, under a new webhook id. */
    @Test
    void theCurrentVersionDeleted_theVersionBeforeItIsTheVideoAgain() throws Exception {
        created(v2, seq2);
        aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(KEY).versionId(v2));

        JsonNode removal = pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", KEY, v2, pipeline.nextSequencer()));

        assertEquals("RECORDED", removal.at("/objects/0/outcome").asText());
        // By its bytes: S3Proxy gives a version another id when it makes it current again.
        String url = TestJson.MAPPER.readTree(pipeline.get("job_versions", "user_42").getBody()).at("/videos/0/file_url").asText();
        assertArrayEquals("first render".getBytes(StandardCharsets.UTF_8), fetch(url));
        var webhooks = pipeline.receiver.requests();
        assertEquals(2, webhooks.size());
        assertNotEquals(webhooks.get(0).header("webhook-id"), webhooks.get(1).header("webhook-id"));
        assertArrayEquals("first render".getBytes(StandardCharsets.UTF_8),
                fetch(webhooks.get(1).json().at("/data/videos/0/file_url").asText()));
    }

    @Test
    void theOnlyVersionDeleted_videoRemoved() throws Exception {
        aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(KEY).versionId(v1));
        created(v2, seq2);
        aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(KEY).versionId(v2));

        JsonNode removal = pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", KEY, v2, pipeline.nextSequencer()));

        assertEquals("REMOVED", removal.at("/objects/0/outcome").asText());
        assertTrue(pipeline.job("job_versions").videos().isEmpty());
        assertEquals(404, pipeline.get("job_versions", "user_42").getStatusCode());
    }

    @Test
    void deleteMarker_videoRemovedAndALateEventOfItsVersionStaysOut() throws Exception {
        created(v2, seq2);
        String marker = aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(KEY)).versionId();

        JsonNode removal = pipeline.invoke(pipeline.notification("ObjectRemoved:DeleteMarkerCreated", KEY, marker,
                pipeline.nextSequencer()));
        JsonNode late = created(v2, seq2);

        assertEquals("REMOVED", removal.at("/objects/0/outcome").asText());
        assertEquals("STALE", late.at("/objects/0/outcome").asText());
        assertTrue(pipeline.job("job_versions").videos().isEmpty());
        assertEquals(404, pipeline.get("job_versions", "user_42").getStatusCode());
    }

    /** The sample events for a versioned bucket (the files `sam local invoke` takes), against one. */
    @Test
    void sampleEvents_versionedBucket_createdThenAnotherVersionDeletedThenDeleteMarker() throws Exception {
        String sampleKey = ObjectEvent.parse(Json.parse(Events.load("s3-object-created-versioned.json"))).objects().getFirst().key();
        String version = pipeline.put(sampleKey, "the sample's clip", Map.of());

        JsonNode created = pipeline.invoke(sample("s3-object-created-versioned.json", version));
        JsonNode otherVersion = pipeline.invoke(sample("s3-object-removed-version.json", "another-version"));
        aws.s3().client().deleteObject(d -> d.bucket(BUCKET).key(sampleKey));
        JsonNode marker = pipeline.invoke(sample("s3-object-removed-delete-marker.json", null));

        assertEquals("RECORDED", created.at("/objects/0/outcome").asText());
        assertEquals("IGNORED", otherVersion.at("/objects/0/outcome").asText());
        assertEquals("REMOVED", marker.at("/objects/0/outcome").asText());
    }

    /** A sample event file with this bucket and, when given, the version id S3Proxy gave the object. */
    byte[] sample(String file, String versionId) throws Exception {
        var event = (com.fasterxml.jackson.databind.node.ObjectNode) TestJson.MAPPER.readTree(Events.load(file));
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.at("/Records/0/s3/bucket")).put("name", BUCKET);
        if (versionId != null) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) event.at("/Records/0/s3/object")).put("versionId", versionId);
        }
        return TestJson.MAPPER.writeValueAsBytes(event);
    }
}
