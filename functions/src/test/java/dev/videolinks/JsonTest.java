package dev.videolinks;

import dev.videolinks.testing.TestJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json} writes what the databind mapper it replaced wrote, to the character (SPEC §3, §4). */
class JsonTest {

    static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");

    static VideoLink link(String key) {
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("processing-time", "12.5");
        metadata.put("quote", "a\"b\\c\u0001é😀");
        // One with every fact and a poster, one with none (nulls, as for a file whose facts are unknown).
        boolean facts = !key.contains(" ");
        return new VideoLink("f.mp4", key, "bucket", key, "https://x/y?z=1&w=%2F", NOW, 1234567890123L, "video/mp4",
                "\"etag\"", metadata, facts ? 2.021 : null, facts ? 1080 : null, facts ? 1920 : null, facts ? "hvc1" : null,
                facts ? "Main 10" : null, facts ? "4.1" : null, facts ? 10 : null, facts ? false : null, null,
                facts ? true : null, facts ? new dev.videolinks.facts.Playback(new dev.videolinks.facts.Playback.Browsers(
                        false, false, false, true), List.of("HEVC plays in Chrome and Edge only with hardware")) : null,
                facts ? "https://x/p.jpg?z=1" : null, facts ? NOW : null);
    }

    static void assertSameAsDatabind(Object value) throws Exception {
        assertEquals(TestJson.MAPPER.writeValueAsString(value), Json.writeString(value));
        assertEquals(new String(TestJson.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                new String(Json.write(value), StandardCharsets.UTF_8));
        var databind = new ByteArrayOutputStream();
        TestJson.MAPPER.writeValue(databind, value);
        var streamed = new ByteArrayOutputStream();
        Json.write(streamed, value);
        assertEquals(databind.toString(StandardCharsets.UTF_8), streamed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void write_contractRecords_matchDatabind() throws Exception {
        var links = List.of(link("a/b.mp4"), link("c d.mp4"));
        assertSameAsDatabind(WebhookPayload.completed("job", "user", links, NOW));
        assertSameAsDatabind(WebhookPayload.completed("job", null, List.of(), Instant.EPOCH));
        var view = new VideoUrls.JobView("job", "completed", null, links);
        assertSameAsDatabind(view);
        var jobs = new LinkedHashMap<String, VideoUrls.JobView>();
        jobs.put("job", view);
        jobs.put("other", new VideoUrls.JobView("other", "processing", "u", List.of()));
        assertSameAsDatabind(new VideoUrls.BatchView(jobs, List.of("missing"), List.of("later")));
        assertSameAsDatabind(new VideoCompletion.Report(
                List.of(new VideoCompletion.ObjectOutcome("k", VideoCompletion.Outcome.RECORDED, "j", null)),
                List.of(new JobDelivery.Result("j", "msg_1", Delivery.State.FAILED, 3, 503, "status 503", false, true),
                        new JobDelivery.Result("j", "msg_2", Delivery.State.DELIVERED, 1, null, null, true, false)),
                List.of("not an S3 notification or S3 EventBridge event")));
        assertSameAsDatabind(new Redelivery.Report(1, 2, 3, 4, 5));
        assertSameAsDatabind(new Delivery("j", "w", Delivery.State.PENDING, 0, null, null, NOW, null, NOW, 3, "req-1", NOW));
    }

    @Test
    void write_plainValues_matchDatabind() throws Exception {
        var map = new LinkedHashMap<String, Object>();
        map.put("level", "INFO");
        map.put("camelCase", 1);
        map.put("long", Long.MIN_VALUE);
        map.put("double", 12.5);
        map.put("float", 1.5f);
        map.put("big", new BigInteger("123456789012345678901234567890"));
        map.put("null", null);
        map.put("bool", true);
        map.put("enum", Delivery.State.ABANDONED);
        map.put("instant", NOW);
        map.put("uri", URI.create("http://127.0.0.1:1/p?q"));
        map.put("list", List.of(List.of(), Map.of("a", List.of(1, "2"))));
        map.put("array", new Object[] {"x", 2});
        assertSameAsDatabind(map);
        assertSameAsDatabind(Map.of("rejected", List.of("malformed JSON")));
    }

    @Test
    void snakeCase_isJacksonsSnakeCase() {
        for (String name : List.of("fileUrlExpiresAt", "s3Bucket", "numVideos", "eTag", "jobId", "URL", "lastHTTPStatus",
                "_private", "already_snake", "a", "retryByLambda", "x1Y2")) {
            assertEquals(new com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy().translate(name),
                    JsonContractRules.snakeCase(name), name);
        }
    }

    @Test
    void write_toStream_leavesItOpen() throws Exception {
        var out = new ByteArrayOutputStream() {
            boolean closed;

            @Override
            public void close() {
                closed = true;
            }
        };
        Json.write(out, Map.of("a", 1));
        assertEquals("{\"a\":1}", out.toString(StandardCharsets.UTF_8));
        assertEquals(false, out.closed);
    }

    @Test
    void parse_givesPlainValues() throws Exception {
        Object parsed = Json.parse("{\"a\": [1, 2.5, 1e12, \"s\", true, null, {}], \"b\": 123456789012345678901234567890, \"a\": 2}"
                .getBytes(StandardCharsets.UTF_8));
        var expected = new LinkedHashMap<String, Object>();
        expected.put("a", 2);
        expected.put("b", new BigInteger("123456789012345678901234567890"));
        assertEquals(expected, parsed);
        assertEquals(Arrays.asList(1, 12345678901L, 2.5, 1e12, "s", true, null, Map.of()),
                Json.parse("[1, 12345678901, 2.5, 1e12, \"s\", true, null, {}]".getBytes(StandardCharsets.UTF_8)));
        assertNull(Json.parse(new byte[0]));
        assertNull(Json.parse("  null ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parse_malformed_throws() {
        for (String bad : List.of("{", "{\"a\":}", "[1,]", "nope", "{\"a\" 1}", "[".repeat(5000))) {
            assertThrows(Json.MalformedJsonException.class, () -> Json.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
