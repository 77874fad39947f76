package dev.videolinks;

import dev.videolinks.facts.VideoFacts;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.RecordingBlobStore;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Video facts end to end (SPEC §3): each test clip uploaded to S3Proxy, its S3 event through the completion
 * function, its exact facts in the signed webhook and in the API's answer, read with the ranged GETs S3Proxy saw
 * (the API reads none: it answers from the table).
 */
class VideoFactsPipelineTest extends PipelineTest {

    static final String OWNER = "user_42";

    static Stream<Clips.Clip> clips() {
        return Clips.ALL.stream();
    }

    static String jobFor(String file) {
        return "j_" + file.replaceAll("[^A-Za-z0-9]", "_");
    }

    static List<String> ranges(String key) {
        return aws.s3().requests().gets(key).stream().map(RecordingBlobStore.Get::range).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void webhookAndApi_testClip_carryItsExactFactsReadWithItsRangedGets(Clips.Clip clip) throws Exception {
        String job = jobFor(clip.file());
        String key = "generated_videos/" + OWNER + "/" + job + "/" + clip.file();

        JsonNode report = pipeline.upload(key, clip.bytes(), clip.contentType(), Map.of());
        var answer = pipeline.get(job, OWNER);

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText(), report.toString());
        assertEquals(1, pipeline.receiver.requests().size());
        assertFacts(clip.facts(), pipeline.receiver.requests().getFirst().json().at("/data/videos/0"));
        assertEquals(200, answer.getStatusCode(), answer.getBody());
        assertFacts(clip.facts(), TestJson.MAPPER.readTree(answer.getBody()).at("/videos/0"));
        assertEquals(clip.ranges(), ranges(key), "GetObject ranges, the API's answer included");
        var warnings = pipeline.logs.stream().filter(line -> line.contains("\"level\":\"WARN\"")).toList();
        if (Boolean.FALSE.equals(clip.facts().faststart())) {
            assertEquals(1, warnings.size(), warnings.toString());
            JsonNode line = TestJson.MAPPER.readTree(warnings.getFirst());
            assertEquals("video.not_faststart", line.get("event").asText());
            assertEquals(key, line.get("key").asText());
            assertEquals("ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4", line.get("fix").asText());
        } else {
            assertEquals(List.of(), warnings);
        }
    }

    static void assertFacts(VideoFacts facts, JsonNode video) {
        assertAll(video.toString(),
                () -> assertEquals(facts.durationSeconds() == null ? "null" : facts.durationSeconds().toString(),
                        video.get("duration_seconds").toString()),
                () -> assertEquals(String.valueOf(facts.width()), video.get("width").toString()),
                () -> assertEquals(String.valueOf(facts.height()), video.get("height").toString()),
                () -> assertEquals(text(facts.videoCodec()), video.get("video_codec").toString()),
                () -> assertEquals(text(facts.videoProfile()), video.get("video_profile").toString()),
                () -> assertEquals(text(facts.videoLevel()), video.get("video_level").toString()),
                () -> assertEquals(String.valueOf(facts.bitDepth()), video.get("bit_depth").toString()),
                () -> assertEquals(String.valueOf(facts.hasAudio()), video.get("has_audio").toString()),
                () -> assertEquals(text(facts.audioCodec()), video.get("audio_codec").toString()),
                () -> assertEquals(String.valueOf(facts.faststart()), video.get("faststart").toString()),
                () -> assertEquals(playback(facts), video.get("playback")));
    }

    /** The verdict of these facts as the contract spells it, or JSON null. */
    static JsonNode playback(VideoFacts facts) {
        var verdict = dev.videolinks.facts.Playback.of(facts);
        if (verdict == null) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        var browsers = verdict.browsers();
        return TestJson.MAPPER.valueToTree(Map.of("browsers", Map.of("chrome", browsers.chrome(), "edge", browsers.edge(),
                "firefox", browsers.firefox(), "safari", browsers.safari()), "reasons", verdict.reasons()));
    }

    @Test
    void webhook_truncatedWebm_deliveredWithTheFactsReadAndOneWarnLine() throws Exception {
        String key = "generated_videos/" + OWNER + "/j_cut/clip.webm";
        byte[] cut = java.nio.file.Files.readAllBytes(Clips.VIDEOS.resolve("corpus").resolve("webm-truncated-60.webm"));

        JsonNode report = pipeline.upload(key, cut, "video/webm", Map.of());

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText(), report.toString());
        JsonNode video = pipeline.receiver.requests().getFirst().json().at("/data/videos/0");
        assertFacts(dev.videolinks.facts.VideoFactsReader.read(cut).facts(), video);
        assertEquals(2.008, video.get("duration_seconds").asDouble(), video.toString());
        assertEquals("vp09", video.get("video_codec").asText());
        assertEquals(List.of(true, true, true, true), List.of(video.at("/playback/browsers/chrome").asBoolean(),
                video.at("/playback/browsers/edge").asBoolean(), video.at("/playback/browsers/firefox").asBoolean(),
                video.at("/playback/browsers/safari").asBoolean()));
        var warnings = pipeline.logLines("video.facts_partial");
        assertEquals(1, warnings.size(), pipeline.logs.toString());
        JsonNode line = TestJson.MAPPER.readTree(warnings.getFirst());
        assertEquals(key, line.get("key").asText());
        assertTrue(line.get("reason").asText().startsWith("the file is cut off"), line.toString());
    }

    static String text(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    @Test
    void webhook_truncatedFile_deliveredWithNullFactsAndOneWarnLine() throws Exception {
        String key = "generated_videos/" + OWNER + "/j_truncated/clip.mp4";
        byte[] truncated = java.nio.file.Files.readAllBytes(Clips.VIDEOS.resolve("bad").resolve("truncated-in-mdat.mp4"));

        JsonNode report = pipeline.upload(key, truncated, "video/mp4", Map.of());

        assertEquals("RECORDED", report.at("/objects/0/outcome").asText(), report.toString());
        JsonNode video = pipeline.receiver.requests().getFirst().json().at("/data/videos/0");
        assertFacts(VideoFacts.UNKNOWN, video);
        assertTrue(video.get("poster_url").isNull() && video.get("poster_url_expires_at").isNull(), video.toString());
        var warnings = pipeline.logs.stream().filter(line -> line.contains("\"level\":\"WARN\"")).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        JsonNode line = TestJson.MAPPER.readTree(warnings.getFirst());
        assertEquals("video.facts_unknown", line.get("event").asText());
        assertEquals(key, line.get("key").asText());
        assertEquals("box 'mdat' at 40 claims 78746 bytes, past the end of the 30000-byte object", line.get("reason").asText());
        assertEquals(List.of("bytes=0-29999"), ranges(key));
    }

    @Test
    void completion_duplicateEventOfAFileNotFaststart_warnsOnceOnly() throws Exception {
        String key = "generated_videos/" + OWNER + "/j_twice/clip.mp4";
        var clip = Clips.H264_MOOV_AT_END;
        aws.s3().put(pipeline.bucket, key, clip.bytes(), clip.contentType(), Map.of());
        byte[] event = pipeline.notification("ObjectCreated:Put", key, null, pipeline.nextSequencer());

        pipeline.invoke(event);
        JsonNode again = pipeline.invoke(event);

        assertEquals("DUPLICATE", again.at("/objects/0/outcome").asText());
        assertEquals(1, pipeline.logLines("video.not_faststart").size());
    }
}
