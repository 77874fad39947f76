package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The measure of an answer against Lambda's 6 MB, and how a batch answer is filled (README "Large answers"). */
class ResponseLimitTest {

    static final String AWKWARD = "a \"quoted\" \\ back\tslash é あ 😀 \u0001 </script>";

    /** A job whose JSON is about {@code bytes} long: one video whose metadata carries the bulk. */
    static VideoUrls.JobView job(String jobId, int bytes) {
        var link = new VideoLink("clip " + AWKWARD + ".mp4", "generated_videos/u/" + jobId + "/clip.mp4", "bucket",
                "generated_videos/u/" + jobId + "/clip.mp4", "https://bucket.s3.amazonaws.com/clip.mp4?X-Amz-Signature=0",
                Instant.parse("2026-11-24T11:00:00Z"), 12345, "video/mp4", "etag", Map.of("prompt", "x".repeat(bytes)),
                4.0, 320, 240, "avc1", "High", "4", 8, true, "mp4a.40.2", true, null,
                "https://bucket.s3.amazonaws.com/clip.jpg?X-Amz-Signature=0",
                Instant.parse("2026-11-24T11:00:00Z"));
        return new VideoUrls.JobView(jobId, "completed", "u", List.of(link));
    }

    static long asLambdaSendsIt(String body) {
        var response = APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", "private, max-age=43140"))
                .withBody(body).withIsBase64Encoded(false).build();
        var out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, ResponseLimitTest.class.getClassLoader())
                .toJson(response, out);
        return out.size();
    }

    @Test
    void bytes_everyKindOfCharacter_neverBelowWhatTheLambdaRuntimeSends() {
        for (String body : List.of("", "{}", AWKWARD, AWKWARD.repeat(1000), Json.writeString(job("j", 100)),
                "\"".repeat(5000), "\\".repeat(5000), "é".repeat(5000), "😀".repeat(5000), "\u007f\u0000\u001f")) {
            long sent = asLambdaSendsIt(body);
            assertTrue(sent <= ResponseLimit.bytes(body), sent + " bytes sent, " + ResponseLimit.bytes(body) + " measured");
        }
    }

    @Test
    void batchPage_body_isTheJsonOfWhatItHolds() {
        var page = new ResponseLimit.BatchPage(List.of("job_a", "gone", "job_\"b", "later"));
        assertTrue(page.add(job("job_a", 10)));
        page.notFound("gone");
        assertTrue(page.add(job("job_\"b", 10)));
        page.unprocessed(List.of("later"));

        assertEquals(Json.writeString(page.view()), page.body());
        assertEquals(List.of("job_a", "job_\"b"), List.copyOf(page.view().jobs().keySet()));
        assertEquals(List.of("gone"), page.view().notFound());
        assertEquals(List.of("later"), page.view().unprocessed());
    }

    @Test
    void batchPage_jobThatWouldPassTheLimit_refusedAndThePageStaysWithin() {
        var ids = List.of("a", "b", "c");
        var page = new ResponseLimit.BatchPage(ids);

        assertTrue(page.add(job("a", 2_500_000)));
        assertTrue(page.add(job("b", 2_500_000)));
        assertFalse(page.add(job("c", 2_500_000)));
        page.unprocessed(List.of("c"));

        assertEquals(List.of("a", "b"), List.copyOf(page.view().jobs().keySet()));
        assertTrue(ResponseLimit.bytes(page.body()) <= ResponseLimit.MAX_BYTES);
        assertTrue(asLambdaSendsIt(page.body()) <= ResponseLimit.MAX_BYTES);
    }

    @Test
    void batchPage_firstJobAloneOverTheLimit_payloadTooLarge() {
        var page = new ResponseLimit.BatchPage(List.of("huge"));

        var error = assertThrows(ApiError.class, () -> page.add(job("huge", 6_000_000)));

        assertEquals(413, error.status());
        assertEquals("payload_too_large", error.code());
        assertTrue(error.getMessage().startsWith("the answer for job 'huge' alone would be "), error.getMessage());
    }

    @Test
    void single_overTheLimit_payloadTooLarge() {
        String body = Json.writeString(job("huge", 6_000_000));

        var error = assertThrows(ApiError.class, () -> ResponseLimit.single("huge", body));

        assertEquals(413, error.status());
        assertEquals("payload_too_large", error.code());
    }

    @Test
    void single_withinTheLimit_theBodyItself() {
        String body = Json.writeString(job("large", 5_900_000));

        assertEquals(body, ResponseLimit.single("large", body));
    }
}
