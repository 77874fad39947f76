package dev.videolinks;

import dev.videolinks.store.VideoStore;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.MutableClock;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The completion function and the URL API over one fresh table of DynamoDB Local, a bucket of S3Proxy and a
 * recording webhook receiver: objects go in with S3-shaped notifications (each with a later sequencer, as S3
 * numbers the events of a key), jobs come out through the API as a given user.
 */
final class Pipeline implements AutoCloseable {

    final LocalAws aws;
    final String bucket;
    final String table;
    final WebhookReceiver receiver;
    final List<String> logs = new CopyOnWriteArrayList<>();
    private final AtomicLong sequencer = new AtomicLong(0x0066F2A1B3C4D5E6L);
    private final Clock clock;

    private Pipeline(LocalAws aws, String bucket, Clock clock) throws IOException {
        this.aws = aws;
        this.bucket = bucket;
        this.clock = clock;
        this.table = aws.freshTable();
        this.receiver = WebhookReceiver.start();
    }

    static Pipeline start(LocalAws aws) throws IOException {
        return new Pipeline(aws, Events.BUCKET, Clock.systemUTC());
    }

    static Pipeline start(LocalAws aws, String bucket, Clock clock) throws IOException {
        return new Pipeline(aws, bucket, clock);
    }

    Map<String, String> env() {
        var env = aws.env(table);
        env.put("VIDEO_BUCKET", bucket);
        env.put("WEBHOOK_URL", receiver.url().toString());
        env.put("WEBHOOK_SECRET", VideoCompletionHandlerTest.SECRET);
        env.put("AUTH_MODE", "JWT");
        return env;
    }

    VideoCompletionHandler completion() {
        return Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock == Clock.systemUTC()
                ? Thread::sleep : duration -> ((MutableClock) clock).advance(duration)).completionHandler();
    }

    /** The completion function with these hooks between it and AWS (a fault, a pause). */
    VideoCompletionHandler completion(Wiring.ClientHooks hooks) {
        return Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).sleepingWith(clock == Clock.systemUTC()
                ? Thread::sleep : duration -> ((MutableClock) clock).advance(duration)).withClientHooks(hooks).completionHandler();
    }

    /** One invocation of a handler with a request id (a Lambda retry keeps its invocation's): its answer. */
    JsonNode invoke(VideoCompletionHandler handler, byte[] event, String requestId) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, TestContext.of(requestId));
        return TestJson.MAPPER.readTree(out.toByteArray());
    }

    Redelivery redelivery() {
        return Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).redelivery();
    }

    /** Uploads an object; answers its version id (null in an unversioned bucket). */
    String put(String key, String bytes, Map<String, String> metadata) {
        return aws.s3().client().putObject(p -> p.bucket(bucket).key(key).contentType("video/mp4").metadata(metadata),
                software.amazon.awssdk.core.sync.RequestBody.fromString(bytes)).versionId();
    }

    /** Uploads an object of these bytes and type and hands its notification to the completion function: its answer. */
    JsonNode upload(String key, byte[] bytes, String contentType, Map<String, String> metadata) throws IOException {
        aws.s3().put(bucket, key, bytes, contentType, metadata);
        return invoke(notification("ObjectCreated:Put", key, null, nextSequencer()));
    }

    /** Deletes an object and hands its notification to the completion function: its answer. */
    JsonNode delete(String key) throws IOException {
        aws.s3().client().deleteObject(d -> d.bucket(bucket).key(key));
        return invoke(notification("ObjectRemoved:Delete", key, null, nextSequencer()));
    }

    /** Uploads an object and hands its notification to the completion function: the function's answer. */
    JsonNode upload(String key, String bytes, Map<String, String> metadata) throws IOException {
        String versionId = put(key, bytes, metadata);
        return invoke(notification("ObjectCreated:Put", key, versionId, nextSequencer()));
    }

    String nextSequencer() {
        return String.format("%018X", sequencer.incrementAndGet());
    }

    /** An S3 notification record for one key, shaped like events/s3-object-created.json. */
    byte[] notification(String eventName, String key, String versionId, String sequencer) throws IOException {
        var event = (ObjectNode) TestJson.MAPPER.readTree(Events.load("s3-object-created.json"));
        var record = (ObjectNode) event.at("/Records/0");
        record.put("eventName", eventName);
        ((ObjectNode) record.at("/s3/bucket")).put("name", bucket);
        var object = (ObjectNode) record.at("/s3/object");
        object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        object.put("sequencer", sequencer);
        object.remove(List.of("eTag", "size", "versionId"));
        if (versionId != null) {
            object.put("versionId", versionId);
        }
        return TestJson.MAPPER.writeValueAsBytes(event);
    }

    JsonNode invoke(byte[] event) throws IOException {
        var out = new ByteArrayOutputStream();
        completion().handleRequest(new ByteArrayInputStream(event), out, TestContext.of("req-" + UUID.randomUUID()));
        return TestJson.MAPPER.readTree(out.toByteArray());
    }

    /** {@code GET /videos/{jobId}} with the JWT claims of {@code user}. */
    APIGatewayV2HTTPResponse get(String jobId, String user) {
        var event = Events.api("api-get-job.json");
        event.setPathParameters(Map.of("jobId", jobId));
        event.getRequestContext().getAuthorizer().getJwt().setClaims(Map.of("sub", user));
        return HttpApi.call(Wiring.of(env(), LocalS3.CREDENTIALS, clock, CheckedLog.into(logs)).urlHandler(), event,
                TestContext.of("req-" + UUID.randomUUID()));
    }

    Job job(String jobId) {
        return new VideoStore(aws.dynamoDb().client(), table).job(jobId).orElseThrow();
    }

    List<String> logLines(String event) {
        return logs.stream().filter(line -> line.contains("\"event\":\"" + event + "\"")).toList();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
