package dev.videolinks;

import dev.videolinks.store.VideoStore;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
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
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The URL API over real parts: jobs recorded by the completion function from the events/ files, then the
 * API events from events/ through the handler, and every URL fetched from S3Proxy over HTTP.
 */
class VideoUrlHandlerTest {

    static final String JOB = "cmh3lmwiy0001ggy4xovsxj8h";
    static final String KEY = "generated_videos/user_42/" + JOB + "/video_" + JOB + ".mp4";
    static final byte[] VIDEO = "\0\0\0\u0018ftypisom the bytes of a short clip".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final LocalAws aws = new LocalAws();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String table;
    WebhookReceiver receiver;
    final List<String> logs = new CopyOnWriteArrayList<>();



    @BeforeEach
    void jobRecordedByTheCompletionFunction() throws Exception {
        table = aws.freshTable();
        receiver = WebhookReceiver.start();
        aws.s3().put(Events.BUCKET, KEY, VIDEO, "video/mp4", Map.of());
        complete("s3-object-created.json");
    }

    @AfterEach
    void noUrlInTheLogs() {
        receiver.close();
        assertFalse(logs.stream().anyMatch(line -> line.contains("X-Amz-Signature")), "a presigned URL reached the logs");
    }

    Map<String, String> env(String authMode) {
        var env = aws.env(table);
        env.put("AUTH_MODE", authMode);
        return env;
    }

    void complete(String eventFile) throws Exception {
        var env = env("JWT");
        env.put("WEBHOOK_URL", receiver.url().toString());
        Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler()
                .handleRequest(new ByteArrayInputStream(Events.load(eventFile)), new ByteArrayOutputStream(),
                        TestContext.of("completion"));
    }

    APIGatewayV2HTTPResponse call(String eventFile) {
        return call(Events.api(eventFile), "JWT", LocalS3.CREDENTIALS);
    }

    APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event, String authMode, AwsCredentialsProvider credentials) {
        var handler = Wiring.of(env(authMode), credentials, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();
        return HttpApi.call(handler, event, TestContext.of("req-" + UUID.randomUUID()));
    }

    static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return TestJson.MAPPER.readTree(response.getBody());
    }

    static HttpResponse<byte[]> fetch(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static void assertBadRequest(APIGatewayV2HTTPResponse response, String message) throws Exception {
        assertEquals(400, response.getStatusCode(), response.getBody());
        JsonNode error = body(response).get("error");
        assertEquals("bad_request", error.get("code").asText());
        assertEquals(message, error.get("message").asText());
    }

    @Test
    void get_ownJob_freshUrlThatFetchesTheBytes() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        var response = call("api-get-job.json");

        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode job = body(response);
        assertEquals(JOB, job.get("job_id").asText());
        assertEquals("completed", job.get("status").asText());
        assertEquals("user_42", job.get("user_id").asText());
        JsonNode video = job.at("/videos/0");
        assertEquals(KEY, video.get("s3_key").asText());
        assertEquals(KEY, video.get("file_path").asText());
        assertEquals("video/mp4", video.get("content_type").asText());
        assertArrayEquals(VIDEO, fetch(video.get("file_url").asText()).body());
        // expires_in=900, signed for 900 s + w as a stable URL (SPEC §4): w = min(URL_STABLE_FOR, 900 s / 4) = 225 s.
        Duration lifetime = Duration.between(before, Instant.parse(video.get("file_url_expires_at").asText()));
        assertTrue(lifetime.toSeconds() >= 1125 && lifetime.toSeconds() <= 1126, lifetime.toString());
        long maxAge = Long.parseLong(response.getHeaders().get("Cache-Control").replace("private, max-age=", ""));
        assertTrue(maxAge >= 1063 && maxAge <= 1065, "max-age " + maxAge);
    }

    @Test
    void get_sameVideoObjectAsTheWebhook() throws Exception {
        JsonNode fromWebhook = receiver.requests().getFirst().json().at("/data/videos/0");

        JsonNode fromApi = body(call("api-get-job.json")).at("/videos/0");

        var names = new ArrayList<String>();
        fromWebhook.fieldNames().forEachRemaining(names::add);
        var apiNames = new ArrayList<String>();
        fromApi.fieldNames().forEachRemaining(apiNames::add);
        assertEquals(names, apiNames);
        for (String same : List.of("filename", "file_path", "s3_bucket", "s3_key", "file_size", "content_type", "etag", "metadata")) {
            assertEquals(fromWebhook.get(same), fromApi.get(same), same);
        }
    }

    @Test
    void get_attachment_s3AnswersWithContentDispositionAttachment() throws Exception {
        String url = body(call("api-get-job-attachment.json")).at("/videos/0/file_url").asText();

        var download = fetch(url);

        assertEquals(200, download.statusCode());
        assertEquals("attachment; filename=\"video_" + JOB + ".mp4\"; filename*=UTF-8''video_" + JOB + ".mp4",
                download.headers().firstValue("Content-Disposition").orElseThrow());
    }

    @Test
    void get_anotherUsersJob_notFoundLikeAnUnknownJob() throws Exception {
        var other = call("api-get-job-other-user.json");
        var unknown = call("api-get-job-unknown.json");

        assertEquals(404, other.getStatusCode());
        assertEquals(404, unknown.getStatusCode());
        assertEquals(unknown.getBody(), other.getBody());
        assertEquals("not_found", body(other).at("/error/code").asText());
    }

    @Test
    void get_noIdentityInJwtMode_unauthorized() throws Exception {
        var response = call("api-get-job-no-identity.json");

        assertEquals(401, response.getStatusCode());
        assertEquals("unauthorized", body(response).at("/error/code").asText());
    }

    @Test
    void get_iamMode_servedWithoutOwnerCheck() throws Exception {
        var response = call(Events.api("api-get-job-iam.json"), "IAM", LocalS3.CREDENTIALS);

        assertEquals(200, response.getStatusCode());
        assertEquals(JOB, body(response).get("job_id").asText());
    }

    @Test
    void get_jobWithoutOwner_servedOnlyInIamMode() throws Exception {
        String legacyJob = "cmh3legacy0001ggy4xovsxj8h";
        aws.s3().put(Events.BUCKET, "generated_videos/video_" + legacyJob + ".mp4", VIDEO, "video/mp4", Map.of());
        complete("s3-object-created-legacy-key.json");
        var event = Events.api("api-get-job.json");
        event.setPathParameters(Map.of("jobId", legacyJob));

        assertEquals(404, call(event, "JWT", LocalS3.CREDENTIALS).getStatusCode());
        assertEquals(200, call(event, "IAM", LocalS3.CREDENTIALS).getStatusCode());
    }

    @Test
    void get_removedVideo_notServed() throws Exception {
        aws.s3().client().deleteObject(d -> d.bucket(Events.BUCKET).key(KEY));
        complete("s3-object-removed.json");

        var response = call("api-get-job.json");

        assertEquals(404, response.getStatusCode());
    }

    @Test
    void get_credentialsExpireBeforeTheTtl_expiryIsTheCredentialExpiry() throws Exception {
        Instant credentialsExpire = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        var expiring = StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                .accessKeyId("AKIDLOCAL").secretAccessKey("localtestsecret").sessionToken("localsessiontoken")
                .expirationTime(credentialsExpire).build());

        var response = call(Events.api("api-get-job.json"), "JWT", expiring);

        assertEquals(credentialsExpire.toString(), body(response).at("/videos/0/file_url_expires_at").asText());
        long maxAge = Long.parseLong(response.getHeaders().get("Cache-Control").replace("private, max-age=", ""));
        assertTrue(maxAge >= 538 && maxAge <= 540, "ten minutes less one, got " + maxAge);
    }

    @Test
    void batch_knownAndUnknownIds_jobsAndNotFound() throws Exception {
        var response = call("api-batch.json");

        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode answer = body(response);
        assertEquals(List.of(JOB), iterate(answer.get("jobs").fieldNames()));
        assertEquals("[\"job_pair\",\"cmh3unknown0000000000000\"]", answer.get("not_found").toString());
        assertEquals("[]", answer.get("unprocessed").toString());
        assertArrayEquals(VIDEO, fetch(answer.at("/jobs/" + JOB + "/videos/0/file_url").asText()).body());
    }

    @Test
    void batch_hundredIds_hundredFreshUrlsInOneCall() throws Exception {
        var videos = new VideoStore(aws.dynamoDb().client(), table);
        var ids = new ArrayList<String>();
        for (int i = 0; i < 100; i++) {
            String job = "gallery_" + i;
            String key = "generated_videos/user_42/" + job + "/clip.mp4";
            byte[] bytes = ("clip number " + i).getBytes(StandardCharsets.UTF_8);
            aws.s3().put(Events.BUCKET, key, bytes, "video/mp4", Map.of());
            StoreFixtures.record(videos, new Video(job, "user_42", 1, Events.BUCKET, key, "etag" + i, null, bytes.length,
                    "video/mp4", Map.of(), null, Instant.now()));
            ids.add(job);
        }
        var event = Events.api("api-batch.json");
        event.setBody(Json.writeString(Map.of("job_ids", ids)));

        var response = call(event, "JWT", LocalS3.CREDENTIALS);

        JsonNode jobs = body(response).get("jobs");
        assertEquals(100, jobs.size());
        var urls = new HashSet<String>();
        for (int i = 0; i < 100; i++) {
            String url = jobs.at("/gallery_" + i + "/videos/0/file_url").asText();
            urls.add(url);
            assertArrayEquals(("clip number " + i).getBytes(StandardCharsets.UTF_8), fetch(url).body());
        }
        assertEquals(100, urls.size());
        assertEquals(0, body(response).get("unprocessed").size());
    }

    @Test
    void batch_idsPastTheFirstRead_answeredOrNotFoundInRequestOrder() throws Exception {
        var videos = new VideoStore(aws.dynamoDb().client(), table);
        var ids = new ArrayList<String>();
        for (int i = 0; i < VideoUrls.FIRST_READ + 2; i++) {
            String job = "page_" + i;
            String key = "generated_videos/user_42/" + job + "/clip.mp4";
            aws.s3().put(Events.BUCKET, key, VIDEO, "video/mp4", Map.of());
            StoreFixtures.record(videos, new Video(job, "user_42", 1, Events.BUCKET, key, "etag" + i, null, VIDEO.length,
                    "video/mp4", Map.of(), null, Instant.now()));
            ids.add(job);
        }
        ids.add(VideoUrls.FIRST_READ + 1, "page_unknown");
        var event = Events.api("api-batch.json");
        event.setBody(Json.writeString(Map.of("job_ids", ids)));

        JsonNode answer = body(call(event, "JWT", LocalS3.CREDENTIALS));

        var answered = new ArrayList<>(ids);
        answered.remove("page_unknown");
        assertEquals(answered, iterate(answer.get("jobs").fieldNames()));
        assertEquals("[\"page_unknown\"]", answer.get("not_found").toString());
        assertEquals("[]", answer.get("unprocessed").toString());
        assertArrayEquals(VIDEO, fetch(answer.at("/jobs/" + answered.getLast() + "/videos/0/file_url").asText()).body());
    }

    @Test
    void get_tableMissing_internalErrorWithRequestIdAndTheStackTraceOnlyInTheLog() throws Exception {
        assertInternalErrorLoggedWithStackTrace("api-get-job.json", "req-500-get");
    }

    @Test
    void batch_tableMissing_internalErrorWithRequestIdAndTheStackTraceOnlyInTheLog() throws Exception {
        assertInternalErrorLoggedWithStackTrace("api-batch.json", "req-500-batch");
    }

    /** A dependency that fails for real (DynamoDB Local answers ResourceNotFoundException) behind the handler. */
    void assertInternalErrorLoggedWithStackTrace(String eventFile, String requestId) throws Exception {
        var env = env("JWT");
        env.put("VIDEO_TABLE", "no-such-table");
        var handler = Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).urlHandler();

        var response = HttpApi.call(handler, Events.api(eventFile), TestContext.of(requestId));

        assertEquals(500, response.getStatusCode());
        assertEquals(TestJson.MAPPER.readTree("{\"error\": {\"code\": \"internal\", \"message\": \"internal error; request id "
                + requestId + "\"}}"), body(response));
        for (String internal : List.of("Exception", "\tat ", "dev.videolinks", "software.amazon", "no-such-table")) {
            assertFalse(response.getBody().contains(internal), internal + " in " + response.getBody());
        }
        var failures = new ArrayList<JsonNode>();
        for (String logged : logs) {
            JsonNode json = TestJson.MAPPER.readTree(logged);
            if (json.path("event").asText().equals("api.failed")) {
                failures.add(json);
            }
        }
        assertEquals(1, failures.size(), logs.toString());
        JsonNode line = failures.getFirst();
        assertEquals("ERROR", line.get("level").asText());
        assertEquals(requestId, line.get("request_id").asText());
        String error = "software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException";
        assertEquals(error, line.get("error").asText());
        assertTrue(line.get("message").asText().contains("non-existent table"), line.get("message").asText());
        JsonNode trace = line.get("stack_trace");
        assertTrue(trace.get(0).asText().startsWith(error + ": "), trace.get(0).asText());
        var frames = new ArrayList<String>();
        trace.forEach(frame -> frames.add(frame.asText()));
        assertTrue(frames.stream().anyMatch(frame -> frame.startsWith("\tat dev.videolinks.store.VideoStore.")), frames.toString());
    }

    // --- every bad request, each its own event file ---

    @Test
    void get_jobIdTooLong_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-job-id-too-long.json"), "job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
    }

    @Test
    void get_jobIdWithBadCharacters_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-job-id-characters.json"), "job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
    }

    @Test
    void get_jobIdDotDot_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-job-id-dot-dot.json"), "job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
    }

    @Test
    void get_jobIdWithEncodedSlash_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-job-id-encoded-slash.json"), "job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
    }

    @Test
    void get_expiresInBelowMinimum_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-expires-in-too-small.json"), "expires_in must be between 60 and 43200 seconds");
    }

    @Test
    void get_expiresInAboveMaximum_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-expires-in-too-large.json"), "expires_in must be between 60 and 43200 seconds");
    }

    @Test
    void get_expiresInNotANumber_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-expires-in-not-a-number.json"), "expires_in must be a whole number of seconds");
    }

    @Test
    void get_unknownDisposition_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-disposition.json"), "disposition must be inline or attachment");
    }

    @Test
    void batch_malformedJson_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-malformed-json.json"), "body is not valid JSON");
    }

    @Test
    void batch_bodyNotAnObject_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-not-an-object.json"), "body must be a JSON object with job_ids");
    }

    @Test
    void batch_noIds_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-no-ids.json"), "job_ids must hold 1 to 100 ids, got 0");
    }

    @Test
    void batch_101Ids_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-101-ids.json"), "job_ids must hold 1 to 100 ids, got 101");
    }

    @Test
    void batch_repeatedId_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-repeated-id.json"), "job id 'job_a' is repeated");
    }

    @Test
    void batch_invalidId_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-invalid-id.json"), "job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
    }

    @Test
    void batch_expiresInAsString_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-expires-in-string.json"), "expires_in must be a whole number of seconds");
    }

    @Test
    void batch_unknownField_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-unknown-field.json"),
                "unknown field 'jobIds'; expected job_ids, expires_in, disposition");
    }

    @Test
    void batch_wrongContentType_badRequest() throws Exception {
        assertBadRequest(call("bad/api-bad-batch-wrong-content-type.json"),
                "Content-Type must be application/json, got 'application/x-www-form-urlencoded'");
    }

    @Test
    void batch_dataAfterTheObject_badRequest() throws Exception {
        assertBadRequest(call("bad/api-batch-trailing-data.json"), "body has data after its JSON value");
    }

    @Test
    void batch_secondObjectAfterTheFirst_badRequest() throws Exception {
        assertBadRequest(call("bad/api-batch-trailing-second-object.json"), "body has data after its JSON value");
    }

    @Test
    void batch_fieldNamedTwice_badRequestInsteadOfTheLastOneWinning() throws Exception {
        assertBadRequest(call("bad/api-batch-duplicate-field.json"), "body names the field 'job_ids' twice");
    }

    @Test
    void batch_contentTypeApplicationJsonfoo_badRequest() throws Exception {
        assertBadRequest(call("bad/api-batch-content-type-jsonfoo.json"),
                "Content-Type must be application/json, got 'application/jsonfoo'");
    }

    @Test
    void batch_contentTypeParameterWithoutValue_badRequest() throws Exception {
        assertBadRequest(call("bad/api-batch-content-type-malformed.json"),
                "Content-Type 'application/json; charset' is not a media type; expected application/json");
    }

    @Test
    void batch_charsetUtf16_badRequestInsteadOfReadingItAsUtf8() throws Exception {
        assertBadRequest(call("bad/api-batch-charset-utf-16.json"), "Content-Type charset must be utf-8, got 'utf-16'");
    }

    @Test
    void batch_base64BodyThatIsNotUtf8_badRequest() throws Exception {
        assertBadRequest(call("bad/api-batch-base64-invalid-utf8.json"), "body is not valid UTF-8");
    }

    @Test
    void batch_jsonMediaTypeInAnyCaseWithUtf8Charset_answered() throws Exception {
        for (String contentType : List.of("application/json", "Application/JSON; Charset=\"UTF-8\"",
                "application/json;charset=utf-8", "application/json ; charset=Utf-8 ; profile=\"a;b\"")) {
            var event = Events.api("api-batch.json");
            event.setHeaders(Map.of("content-type", contentType));

            var response = call(event, "JWT", LocalS3.CREDENTIALS);

            assertEquals(200, response.getStatusCode(), contentType + ": " + response.getBody());
            assertEquals(List.of(JOB), iterate(body(response).get("jobs").fieldNames()), contentType);
        }
    }

    @Test
    void batch_byteOrderMarkOrWhitespaceAroundTheObject_answered() throws Exception {
        String json = "{\"job_ids\": [\"" + JOB + "\"]}";
        for (String body : List.of("\uFEFF" + json, " \r\n" + json + " \n\t")) {
            var event = Events.api("api-batch.json");
            event.setBody(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
            event.setIsBase64Encoded(true);

            var response = call(event, "JWT", LocalS3.CREDENTIALS);

            assertEquals(200, response.getStatusCode(), response.getBody());
            assertEquals(List.of(JOB), iterate(body(response).get("jobs").fieldNames()));
        }
    }

    @Test
    void batch_bodyOverTheLimit_payloadTooLarge() throws Exception {
        var response = call("bad/api-bad-batch-too-large.json");

        assertEquals(413, response.getStatusCode());
        assertEquals("payload_too_large", body(response).at("/error/code").asText());
    }

    static List<String> iterate(java.util.Iterator<String> names) {
        var list = new ArrayList<String>();
        names.forEachRemaining(list::add);
        return list;
    }
}
