package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.Events;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
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
    APIGatewayV2HTTPEvent batch;
    UrlSigner signer;
    List<Video> videos = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() throws Exception {
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
        dynamoDb.createVideoTable("bench");
        var table = new VideoTable(dynamoDb.client(), "bench");
        var ids = new ArrayList<String>();
        for (int i = 0; i < 100; i++) {
            String job = "gallery_" + i;
            String key = "generated_videos/user_42/" + job + "/clip.mp4";
            var video = new Video(job, "user_42", 1, Events.BUCKET, key, "etag" + i, null, 1234, "video/mp4",
                    Map.of("processing-time", "12.5"), null, Instant.now());
            table.recordVideo(video);
            videos.add(video);
            ids.add(job);
        }
        handler = Wiring.of(Map.of(
                "AWS_REGION", LocalS3.REGION,
                "VIDEO_BUCKET", Events.BUCKET,
                "VIDEO_TABLE", "bench",
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString()), LocalS3.CREDENTIALS, Clock.systemUTC(), Log.to(line -> {})).urlHandler();
        batch = Events.api("api-batch.json");
        batch.setBody(TestJson.MAPPER.writeValueAsString(Map.of("job_ids", ids)));
        signer = new UrlSigner(S3Presigner.builder().region(Region.of(LocalS3.REGION))
                .credentialsProvider(LocalS3.CREDENTIALS).endpointOverride(s3.endpoint())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build(),
                LocalS3.CREDENTIALS);
        APIGatewayV2HTTPResponse check = batch100();
        if (check.getStatusCode() != 200 || TestJson.MAPPER.readTree(check.getBody()).get("jobs").size() != 100) {
            throw new IllegalStateException("the batch does not answer 100 jobs: " + check.getBody().substring(0, 200));
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        try (var a = s3; var b = dynamoDb) {
            // closed in order
        }
    }

    /** The whole request: parse, BatchGetItem of 100 jobs on DynamoDB Local, 100 presigns, JSON answer. */
    @Benchmark
    public APIGatewayV2HTTPResponse batch100() {
        return handler.handleRequest(batch, CONTEXT);
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
