package dev.videolinks;

import dev.videolinks.facts.VideoFacts;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.videolinks.store.VideoStore;
import dev.videolinks.store.Change;
import dev.videolinks.store.Attributes;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * AWS's hard limits (issue 11): a job never outgrows DynamoDB's 400 KB item for any input SPEC allows, its videos'
 * facts and posters included (issue 15), holds at most 100 videos, and sends a bounded number of webhooks.
 */
class JobLimitsTest extends PipelineTest {

    /** A key of exactly 1,024 bytes (S3's limit) in the job's folder. */
    static String longKey(String job, int n) {
        String folder = "generated_videos/user_42/" + job + "/";
        String name = String.format("%03d-", n);
        return folder + name + "x".repeat(1024 - folder.length() - name.length() - 4) + ".mp4";
    }

    /** 2 KB of user metadata as S3 counts it (names and values, the control fields included). */
    static Map<String, String> fullMetadata(int videoCount) {
        var metadata = new HashMap<String, String>();
        metadata.put("video-count", Integer.toString(videoCount));
        metadata.put("processing-time", "12.5");
        for (int i = 0; i < 9; i++) {
            metadata.put("note-" + i, "n".repeat(120));
        }
        int used = metadata.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        metadata.put("prompt", "p".repeat(2048 - used - "prompt".length()));
        return metadata;
    }

    int itemSize(String jobId) {
        var item = aws.dynamoDb().client().getItem(g -> g.tableName(pipeline.table).key(java.util.Map.of("job_id", AttributeValue.fromS(jobId)))).item();
        return Attributes.size(item);
    }

    @Test
    void hundredVideosWithLongestKeysAndFullMetadata_allRecordedOneWebhookAndTheItemWithin400KB() throws Exception {
        var clip = Clips.ALL.stream().filter(c -> c.file().equals("no-audio.mp4")).findFirst().orElseThrow();
        byte[] bytes = clip.bytes();
        for (int i = 0; i < 100; i++) {
            JsonNode report = pipeline.upload(longKey("j_full", i), bytes, "video/mp4", fullMetadata(100));
            assertEquals("RECORDED", report.at("/objects/0/outcome").asText(), report.toString());
        }
        assertTrue(pipeline.job("j_full").videos().stream().allMatch(video -> video.facts().equals(clip.facts())),
                "every entry keeps its facts");

        int size = itemSize("j_full");
        System.out.printf("largest item (100 videos, 1,024-byte keys, 2 KB metadata): %d bytes%n", size);
        assertTrue(size < Attributes.MAX_ITEM_BYTES, size + " bytes");
        assertEquals(100, pipeline.job("j_full").videos().size());
        assertEquals(1, pipeline.receiver.requests().size());
        assertEquals(100, pipeline.receiver.requests().getFirst().json().at("/data/videos").size());
    }

    @Test
    void aHundredAndFirstVideo_skippedWithOneErrorLineAndNoRetry() throws Exception {
        for (int i = 0; i < 100; i++) {
            pipeline.upload("generated_videos/user_42/j_cap/clip-" + i + ".mp4", "clip " + i, Map.of("video-count", "100"));
        }

        JsonNode report = pipeline.upload("generated_videos/user_42/j_cap/one-too-many.mp4", "extra", Map.of("video-count", "100"));

        assertEquals("TOO_MANY_VIDEOS", report.at("/objects/0/outcome").asText());
        var lines = pipeline.logLines("job.too_many_videos");
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().contains("\"level\":\"ERROR\"") && lines.getFirst().contains("\"job_id\":\"j_cap\"")
                && lines.getFirst().contains("one-too-many.mp4"), lines.getFirst());
        assertEquals(100, pipeline.job("j_cap").videos().size());
        assertEquals(1, pipeline.receiver.requests().size(), "the hundred-and-first sends nothing");
    }

    /** The costliest facts and poster an entry can hold: the longest numbers and codec name, "the metadata names it". */
    static final VideoFacts LONGEST_FACTS = new VideoFacts("webm", VideoFacts.MAX_DURATION_MILLIS, VideoFacts.MAX_DIMENSION,
            VideoFacts.MAX_DIMENSION, "V".repeat(VideoFacts.MAX_NAME_LENGTH), "P".repeat(VideoFacts.MAX_PROFILE_LENGTH),
            "L".repeat(VideoFacts.MAX_LEVEL_LENGTH), 12, "4:4:4", true, "A".repeat(VideoFacts.MAX_AUDIO_CODEC_LENGTH), false);

    /**
     * The metadata that costs DynamoDB the most for S3's 2 KB: hundreds of tiny pairs, each with a byte of
     * overhead, one of them a {@code poster-key}; and the costliest facts. Recorded straight into the table:
     * S3Proxy's header limits stop such uploads sooner than S3.
     */
    @Test
    void worstShapedEntries_hundredFitAndTheItemStaysWithin400KB() {
        var table = new VideoStore(aws.dynamoDb().client(), pipeline.table);
        var metadata = new HashMap<String, String>();
        metadata.put(Posters.POSTER_KEY, "generated_videos/p.jpg");
        for (int i = 0; metadata.size() < 500; i++) {
            metadata.put(Integer.toString(i, 36), "v");
        }
        int used = metadata.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        metadata.put("z-last", "z".repeat(2048 - used - "z-last".length()));
        for (int i = 0; i < 100; i++) {
            var video = new Video("j_worst", "user_42", 100, Events.BUCKET, longKey("j_worst", i),
                    "0123456789abcdef0123456789abcdef-10000", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf",
                    5_000_000_000L, "video/mp4; codecs=\"avc1.640028, mp4a.40.2\"", metadata,
                    ObjectEvent.sequencer("0066F2A1B3C4D5E6F7"), Instant.now(), LONGEST_FACTS, metadata.get(Posters.POSTER_KEY),
                    "fedcba9876543210fedcba9876543210-10000");
            assertEquals(VideoStore.MAX_FACTS_BYTES, VideoStore.entryBytes(video)
                    - VideoStore.entryBytes(video.with(VideoFacts.UNKNOWN, null, null)));
            assertTrue(VideoStore.fits(video));
            assertEquals(Change.Kind.RECORDED, StoreFixtures.record(table, video).kind());
        }

        int size = itemSize("j_worst");
        assertEquals(LONGEST_FACTS, table.job("j_worst").orElseThrow().videos().getFirst().facts());
        System.out.printf("worst-shaped item (100 entries of %d bytes, facts and poster included): %d bytes%n",
                VideoStore.entryBytes(table.job("j_worst").orElseThrow().videos().getFirst()), size);
        assertTrue(size < Attributes.MAX_ITEM_BYTES, size + " bytes");
    }

    @Test
    void videosRegeneratedUnderNewNames_removedEntriesDoNotAccumulate() throws Exception {
        for (int i = 0; i < 10; i++) {
            pipeline.upload("generated_videos/user_42/j_churn/take-" + i + ".mp4", "take " + i, Map.of("video-count", "10"));
        }
        int before = itemSize("j_churn");

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 10; i++) {
                String old = "generated_videos/user_42/j_churn/" + (round == 0 ? "take-" : "round" + (round - 1) + "-") + i + ".mp4";
                aws.s3().client().deleteObject(d -> d.bucket(pipeline.bucket).key(old));
                pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", old, null, pipeline.nextSequencer()));
                pipeline.upload("generated_videos/user_42/j_churn/round" + round + "-" + i + ".mp4", "again", Map.of("video-count", "10"));
            }
        }

        assertEquals(10, pipeline.job("j_churn").videos().size());
        assertTrue(itemSize("j_churn") <= before + 64, "item grew from " + before + " to " + itemSize("j_churn"));
    }

    /** README's rule: once complete, a job's webhook is sent again only when its set of videos changes. */
    @Test
    void webhooksOfAJob_onceCompleteThenEachTimeItsCompleteSetChanges() throws Exception {
        var pair = Map.of("video-count", "2");
        pipeline.upload("generated_videos/user_42/j_rule/a.mp4", "a", pair);
        pipeline.upload("generated_videos/user_42/j_rule/b.mp4", "b", pair);
        String extra = "generated_videos/user_42/j_rule/c.mp4";
        String seq = pipeline.nextSequencer();
        pipeline.put(extra, "c", pair);
        pipeline.invoke(pipeline.notification("ObjectCreated:Put", extra, null, seq));
        pipeline.invoke(pipeline.notification("ObjectCreated:Put", extra, null, seq));
        aws.s3().client().deleteObject(d -> d.bucket(pipeline.bucket).key("generated_videos/user_42/j_rule/a.mp4"));
        pipeline.invoke(pipeline.notification("ObjectRemoved:Delete", "generated_videos/user_42/j_rule/a.mp4", null,
                pipeline.nextSequencer()));
        pipeline.upload("generated_videos/user_42/j_rule/b.mp4", "b, rendered again", pair);

        var sizes = pipeline.receiver.requests().stream().map(r -> {
            try {
                return r.json().at("/data/videos").size();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertEquals(List.of(2, 3, 2, 2), sizes, "complete; a video added; a video removed, the job still complete; a video"
                + " replaced (the duplicate sends nothing)");
        assertEquals(4, pipeline.receiver.requests().stream().map(r -> r.header("webhook-id")).distinct().count());
    }

    /** Videos that arrive while the job's webhook is in flight wait behind it: two webhooks, not one per video. */
    @Test
    void burstOfVideosWhileAWebhookIsInFlight_coalescedIntoOneMoreWebhook() throws Exception {
        var release = new CountDownLatch(1);
        pipeline.receiver.respondWith(WebhookReceiver.Answer.held(release, 200));
        var pool = Executors.newSingleThreadExecutor();
        try {
            var first = pool.submit(() -> pipeline.upload("generated_videos/user_42/j_burst/take-0.mp4", "take 0", Map.of()));
            pipeline.receiver.awaitRequests(1);
            var outcomes = new ArrayList<String>();
            for (int i = 1; i <= 5; i++) {
                JsonNode report = pipeline.upload("generated_videos/user_42/j_burst/take-" + i + ".mp4", "take " + i, Map.of());
                outcomes.add(report.at("/deliveries/0/state").asText());
            }
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertEquals(List.of("PENDING", "PENDING", "PENDING", "PENDING", "PENDING"), outcomes);
        } finally {
            pool.shutdownNow();
        }

        var run = pipeline.redelivery().run(new VideoRecorder.Invocation("redelivery-" + java.util.UUID.randomUUID(), Instant.now().plusSeconds(60)), CheckedLog.into(pipeline.logs));

        assertEquals(1, run.delivered());
        var webhooks = pipeline.receiver.requests();
        assertEquals(2, webhooks.size());
        assertEquals(1, webhooks.get(0).json().at("/data/videos").size());
        assertEquals(6, webhooks.get(1).json().at("/data/videos").size());
        assertNotEquals(webhooks.get(0).header("webhook-id"), webhooks.get(1).header("webhook-id"));
        var delivery = pipeline.job("j_burst").delivery().orElseThrow();
        assertEquals(Delivery.State.DELIVERED, delivery.state());
        assertEquals(webhooks.get(1).header("webhook-id"), delivery.webhookId());
        assertEquals(5, pipeline.logLines("webhook.queued").size());
    }
}
