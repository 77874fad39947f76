package dev.videolinks;

import dev.videolinks.store.VideoStore;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The largest answers SPEC allows (README "Large answers"): 100 jobs of 100 videos each, keys of 1,024 bytes
 * whose percent-encoding triples, 2 KB of metadata per video, the longest facts and a poster beside each video
 * (a second signed URL as long as the first), URLs signed with session credentials as on Lambda (a 1 KB token
 * in every URL). Every answer, serialized the way the Lambda runtime serializes it, stays under
 * 6 MB, and every job comes back whole across pages. The single job is asked for download as well, which signs
 * the file name into each URL once more (those 11 KB URLs are longer than S3Proxy's HTTP server takes, so the
 * URLs fetched here are the batch's).
 */
class LargestAnswerTest {

    static final String OWNER = "user_42";
    static final int JOBS = 100;
    static final int VIDEOS = 100;
    static final long SIX_MB = 6L * 1024 * 1024;
    /** A session token as long as STS gives a Lambda role (about 1 KB of base64). */
    static final StaticCredentialsProvider SESSION = StaticCredentialsProvider.create(AwsSessionCredentials.create(
            "AKIDLOCAL", "localtestsecret", Base64.getEncoder().encodeToString(new byte[768]).replace("AAAA", "A/+A")));

    @RegisterExtension
    static final LocalAws aws = new LocalAws();
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static String table;
    static final List<String> jobIds = IntStream.range(0, JOBS).mapToObj(i -> String.format("largest_%03d", i)).toList();
    static final List<String> keys = IntStream.range(0, VIDEOS).mapToObj(LargestAnswerTest::key).toList();

    /** 100 videos recorded for the first job, then its item copied as it is stored under the 99 other job ids. */
    @BeforeAll
    static void hundredJobsOfHundredVideos() {
        table = aws.freshTable();
        var videos = new VideoStore(aws.dynamoDb().client(), table);
        for (int i = 0; i < VIDEOS; i++) {
            aws.s3().put(Events.BUCKET, keys.get(i), bytes(i), "video/mp4", Map.of());
            aws.s3().put(Events.BUCKET, poster(i), poster(), "image/jpeg", Map.of());
            StoreFixtures.record(videos, new Video(jobIds.getFirst(), OWNER, VIDEOS, Events.BUCKET, keys.get(i), "etag" + i, null,
                    bytes(i).length, "video/mp4", metadata(), null, Instant.now(), JobLimitsTest.LONGEST_FACTS, poster(i)));
        }
        var dynamoDb = aws.dynamoDb().client();
        Map<String, AttributeValue> item = dynamoDb.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("job_id", AttributeValue.fromS(jobIds.getFirst())))).item();
        for (String jobId : jobIds.subList(1, JOBS)) {
            var copy = new HashMap<>(item);
            copy.put("job_id", AttributeValue.fromS(jobId));
            dynamoDb.putItem(p -> p.tableName(table).item(copy));
        }
    }

    /** {@code generated_videos/user_42/largest/} and a file name of quotes, backslashes, spaces and accents: 1,024 bytes. */
    static String key(int i) {
        var key = new StringBuilder("generated_videos/" + OWNER + "/largest/take " + i + " ");
        String awkward = "\"\\ é+%あ";
        for (int c = 0; key.toString().getBytes(StandardCharsets.UTF_8).length + ".mp4".length() < 1024; c++) {
            String next = awkward.substring(c % awkward.length(), c % awkward.length() + 1);
            if (key.toString().getBytes(StandardCharsets.UTF_8).length + next.getBytes(StandardCharsets.UTF_8).length + 4 > 1024) {
                next = "_";
            }
            key.append(next);
        }
        return key.append(".mp4").toString();
    }

    /** The image beside video i: its key with .jpg for .mp4, as long. */
    static String poster(int i) {
        return Posters.baseName(keys.get(i)) + ".jpg";
    }

    static byte[] poster() {
        return Clips.bytes("poster.jpg");
    }

    static byte[] bytes(int i) {
        return ("\0\0\0\u0018ftypisom clip " + i).getBytes(StandardCharsets.UTF_8);
    }

    /** User metadata at S3's limit: 2 KB of names and values, quoted words in the prompt. */
    static Map<String, String> metadata() {
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("processing-time", "12.5");
        metadata.put("model", "gen-3-turbo");
        int used = metadata.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        String prompt = "a \"cinematic\" shot \\ ".repeat(100);
        metadata.put("prompt", prompt.substring(0, 2048 - used - "prompt".length()));
        return metadata;
    }

    static VideoUrlHandler handler() {
        var env = aws.env(table);
        return Wiring.of(env, SESSION, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();
    }

    /** The response as the Lambda runtime writes it to its API: the body a JSON string inside the response object. */
    static byte[] asLambdaSendsIt(APIGatewayV2HTTPResponse response) {
        var out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, LargestAnswerTest.class.getClassLoader())
                .toJson(response, out);
        return out.toByteArray();
    }

    /** The size of the response as Lambda sends it, checked against the limit and against what the handler measured. */
    static long assertWithinLambdaLimit(APIGatewayV2HTTPResponse response) {
        long sent = asLambdaSendsIt(response).length;
        assertTrue(sent <= ResponseLimit.bytes(response.getBody()), "measured below the real size " + sent);
        assertTrue(sent <= ResponseLimit.MAX_BYTES && ResponseLimit.MAX_BYTES < SIX_MB, sent + " bytes");
        return sent;
    }

    static void assertWholeJob(String jobId, JsonNode job) {
        assertEquals(jobId, job.get("job_id").asText());
        var answered = new HashSet<String>();
        job.get("videos").forEach(video -> answered.add(video.get("s3_key").asText()));
        assertTrue(answered.equals(Set.copyOf(keys)), jobId + ": " + answered.size() + " of its " + VIDEOS + " videos");
    }

    static void assertFetches(JsonNode video) throws Exception {
        int i = keys.indexOf(video.get("s3_key").asText());
        var download = VideoUrlHandlerTest.fetch(video.get("file_url").asText());
        assertEquals(200, download.statusCode(), () -> "video " + i + ": " + new String(download.body(), StandardCharsets.UTF_8));
        assertArrayEquals(bytes(i), download.body());
        var image = VideoUrlHandlerTest.fetch(video.get("poster_url").asText());
        assertEquals(200, image.statusCode(), () -> "poster " + i + ": " + new String(image.body(), StandardCharsets.UTF_8));
        assertArrayEquals(poster(), image.body());
    }

    @Test
    void get_largestJobForDownload_answersAllItsVideosWithinLambdasLimit() throws Exception {
        APIGatewayV2HTTPEvent event = Events.api("api-get-job-attachment.json");
        event.setPathParameters(Map.of("jobId", jobIds.getFirst()));
        event.setQueryStringParameters(Map.of("disposition", "attachment", "expires_in", "43200"));

        var response = HttpApi.call(handler(), event, TestContext.of("req-largest-job"));

        assertEquals(200, response.getStatusCode(), () -> response.getBody().substring(0, 300));
        long sent = assertWithinLambdaLimit(response);
        JsonNode job = TestJson.MAPPER.readTree(response.getBody());
        assertWholeJob(jobIds.getFirst(), job);
        int longestUrl = 0;
        for (JsonNode video : job.get("videos")) {
            String url = video.get("file_url").asText();
            assertTrue(url.contains("X-Amz-Security-Token=") && url.contains("response-content-disposition=attachment"));
            assertTrue(video.get("poster_url").asText().contains("X-Amz-Security-Token="), "every video has its poster");
            longestUrl = Math.max(longestUrl, url.length());
        }
        System.out.printf("GET the largest job for download: body %,d bytes, response %,d bytes, longest URL %,d%n",
                response.getBody().getBytes(StandardCharsets.UTF_8).length, sent, longestUrl);
    }

    @Test
    void batch_hundredLargestJobs_pagesWithinLambdasLimitThatTogetherHoldEveryJobWhole() throws Exception {
        var handler = handler();
        Set<String> answered = new LinkedHashSet<>();
        List<String> pending = jobIds;
        int pages = 0;
        long largestBody = 0;
        long largestSent = 0;
        while (!pending.isEmpty()) {
            APIGatewayV2HTTPEvent event = Events.api("api-batch.json");
            event.setBody(Json.writeString(Map.of("job_ids", pending, "expires_in", 43200)));

            var response = HttpApi.call(handler, event, TestContext.of("req-page-" + pages));

            assertEquals(200, response.getStatusCode(), () -> response.getBody().substring(0, 300));
            largestSent = Math.max(largestSent, assertWithinLambdaLimit(response));
            largestBody = Math.max(largestBody, response.getBody().getBytes(StandardCharsets.UTF_8).length);
            JsonNode page = TestJson.MAPPER.readTree(response.getBody());
            assertEquals(0, page.get("not_found").size());
            var jobs = BadInputCorpusTest.fieldNames(page.get("jobs"));
            assertFalse(jobs.isEmpty(), "page " + pages + " holds no job");
            assertEquals(pending.subList(0, jobs.size()), jobs, "the jobs of a page come in request order");
            for (String jobId : jobs) {
                assertTrue(answered.add(jobId), jobId + " answered twice");
                assertWholeJob(jobId, page.get("jobs").get(jobId));
            }
            assertFetches(page.at("/jobs/" + jobs.getLast() + "/videos/" + pages % VIDEOS));
            pending = BadInputCorpusTest.texts(page.get("unprocessed"));
            assertEquals(jobIds.subList(answered.size(), JOBS), pending, "unprocessed: the rest, in request order");
            pages++;
        }
        assertEquals(Set.copyOf(jobIds), answered);
        assertTrue(pages > 1, "the largest batch needs more than one page, got " + pages);
        System.out.printf("POST the largest batch: %d pages, largest body %,d bytes, largest response %,d bytes%n",
                pages, largestBody, largestSent);
    }
}
