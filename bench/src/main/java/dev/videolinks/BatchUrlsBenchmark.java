package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.Events;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A 100-id {@code POST /videos/urls} through a warm {@code VideoUrlHandler} (DynamoDB Local and S3Proxy on
 * loopback), and the 100 presigns alone, which is the part of it that is this project's own work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
public class BatchUrlsBenchmark {

    static final TestContext CONTEXT = TestContext.of("bench");

    LocalS3 s3;
    LocalDynamoDb dynamoDb;
    VideoUrlHandler handler;
    /** The batch request's event, as the HTTP API sends it. */
    byte[] batch;
    UrlSigner signer;
    List<Video> videos = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() throws Exception {
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
        dynamoDb.createVideoTable("bench");
        var table = new dev.videolinks.store.VideoStore(dynamoDb.client(), "bench");
        var sender = new dev.videolinks.store.Sender("bench", Instant.now(), Instant.now().plusSeconds(75));
        var ids = new ArrayList<String>();
        for (int i = 0; i < 100; i++) {
            String job = "gallery_" + i;
            String key = "generated_videos/user_42/" + job + "/clip.mp4";
            var video = new Video(job, "user_42", 1, Events.BUCKET, key, "etag" + i, null, 1234, "video/mp4",
                    Map.of("processing-time", "12.5"), null, Instant.now());
            table.follow(dev.videolinks.store.KeyState.video(video), sender);
            videos.add(video);
            ids.add(job);
        }
        handler = Wiring.of(Map.of(
                "AWS_REGION", LocalS3.REGION,
                "VIDEO_BUCKET", Events.BUCKET,
                "VIDEO_TABLE", "bench",
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString()), LocalS3.CREDENTIALS, Clock.systemUTC(), Log.to(line -> {})).urlHandler();
        APIGatewayV2HTTPEvent event = Events.api("api-batch.json");
        event.setBody(TestJson.MAPPER.writeValueAsString(Map.of("job_ids", ids)));
        var json = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, getClass().getClassLoader()).toJson(event, json);
        batch = json.toByteArray();
        signer = new UrlSigner(S3Presigner.builder().region(Region.of(LocalS3.REGION))
                .credentialsProvider(LocalS3.CREDENTIALS).endpointOverride(s3.endpoint())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build(),
                LocalS3.CREDENTIALS);
        var check = TestJson.MAPPER.readTree(batch100());
        var body = check.path("body").asText();
        if (check.path("statusCode").asInt() != 200 || TestJson.MAPPER.readTree(body).get("jobs").size() != 100) {
            throw new IllegalStateException("the batch does not answer 100 jobs: " + body.substring(0, Math.min(200, body.length())));
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        try (var a = s3; var b = dynamoDb) {
            // closed in order
        }
    }

    /** The whole request: read the event, BatchGetItem of 100 jobs on DynamoDB Local, 100 presigns, JSON answer. */
    @Benchmark
    public byte[] batch100() throws IOException {
        var answer = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(batch), answer, CONTEXT);
        return answer.toByteArray();
    }

    /** Only the 100 presigns (and the video objects) of that request. */
    @Benchmark
    public List<VideoLink> presign100() {
        var links = new ArrayList<VideoLink>(100);
        for (Video video : videos) {
            links.add(VideoLink.of(video, signer.sign(video, Duration.ofMinutes(15), UrlSigner.Disposition.INLINE), null));
        }
        return links;
    }

}
