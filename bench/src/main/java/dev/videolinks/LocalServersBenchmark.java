package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The floor under the per-event figure: one round trip to each local server the completion handler talks
 * to (S3Proxy HeadObject, the facts' 64 KiB ranged GetObject, a poster image's ListObjectsV2, DynamoDB Local
 * GetItem, PutItem and UpdateItem, a webhook POST to a JDK HttpServer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LocalServersBenchmark {

    LocalS3 s3;
    LocalDynamoDb dynamoDb;
    WebhookReceiver receiver;
    WebhookClient webhook;
    final AtomicLong counter = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
        dynamoDb.createVideoTable("bench");
        receiver = WebhookReceiver.start();
        webhook = new WebhookClient(receiver.url(), new WebhookSigner(List.of()), Duration.ofSeconds(5), List.of(),
                Clock.systemUTC(), Thread::sleep);
        s3.put(Events.BUCKET, "generated_videos/u/j/clip.mp4", new byte[] {1}, "video/mp4", Map.of());
        s3.put(Events.BUCKET, "generated_videos/u/j/faststart.mp4", video("h264-faststart.mp4"), "video/mp4", Map.of());
        s3.put(Events.BUCKET, "generated_videos/u/j/faststart.jpg", video("poster.jpg"), "image/jpeg", Map.of());
    }

    /** A test clip or image of functions/src/test/resources/videos (the benchmarks run from the repository's root). */
    static byte[] video(String name) throws java.io.IOException {
        return java.nio.file.Files.readAllBytes(java.nio.file.Path.of("functions", "src", "test", "resources", "videos", name));
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        receiver.close();
        try (var a = s3; var b = dynamoDb) {
            // closed in order
        }
    }

    @Benchmark
    public Object s3HeadObject() {
        return s3.client().headObject(h -> h.bucket(Events.BUCKET).key("generated_videos/u/j/clip.mp4"));
    }

    /** The first read of a video's facts: its first 64 KiB. */
    @Benchmark
    public byte[] s3RangedGet64KiB() {
        return s3.client().getObjectAsBytes(g -> g.bucket(Events.BUCKET).key("generated_videos/u/j/faststart.mp4")
                .range("bytes=0-65535")).asByteArray();
    }

    /** A poster image's listing of the keys beside it (two here: the video and the image). */
    @Benchmark
    public Object s3ListBesideAVideo() {
        return s3.client().listObjectsV2(l -> l.bucket(Events.BUCKET).prefix("generated_videos/u/j/faststart.").delimiter("/")
                .maxKeys(Posters.MAX_SIBLINGS));
    }

    @Benchmark
    public Object dynamoDbPutItem() {
        return dynamoDb.client().putItem(p -> p.tableName("bench").item(Map.of(
                "job_id", AttributeValue.fromS("job_" + counter.incrementAndGet()),
                "videos", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))))));
    }

    /** The image index a video reads for its poster: one strongly consistent GetItem of a small item. */
    @Benchmark
    public Object dynamoDbGetItem() {
        return dynamoDb.client().getItem(g -> g.tableName("bench").consistentRead(true)
                .key(Map.of("job_id", AttributeValue.fromS("job_fixed"))));
    }

    @Benchmark
    public Object dynamoDbUpdateItem() {
        return dynamoDb.client().updateItem(u -> u.tableName("bench")
                .key(Map.of("job_id", AttributeValue.fromS("job_fixed")))
                .updateExpression("SET attempts = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN("1"))));
    }

    /** One unsigned POST of "{}" by the webhook client; a status other than 2xx fails the benchmark. */
    @Benchmark
    public WebhookClient.Outcome webhookPost() {
        var outcome = webhook.send("msg_bench", BODY, Instant.now().plusSeconds(60));
        if (outcome.result() != WebhookClient.Result.DELIVERED) {
            throw new IllegalStateException("the receiver did not take the webhook: " + outcome);
        }
        return outcome;
    }

    private static final byte[] BODY = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
