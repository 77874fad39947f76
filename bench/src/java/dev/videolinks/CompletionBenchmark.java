package dev.videolinks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Warm figures of the completion function: one S3 event through a warm {@code VideoCompletionHandler}
 * (HeadObject, the conditional write, presign, signed webhook POST to a receiver, the outcome write), each
 * event a new object; and presigning alone.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class CompletionBenchmark {

    LocalS3 s3;
    LocalDynamoDb dynamoDb;
    WebhookReceiver receiver;
    VideoCompletionHandler handler;
    final AtomicLong counter = new AtomicLong();
    byte[] event;

    @Setup(Level.Trial)
    public void start() throws Exception {
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
        dynamoDb.createVideoTable("bench");
        receiver = WebhookReceiver.start();
        handler = new VideoCompletionHandler(Map.of(
                "AWS_REGION", LocalS3.REGION,
                "VIDEO_BUCKET", Events.BUCKET,
                "VIDEO_TABLE", "bench",
                "WEBHOOK_URL", receiver.url().toString(),
                "WEBHOOK_SECRET", "whsec_localdummysecretforexampleonly00", // local benchmark fixture
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString()),
                LocalS3.CREDENTIALS, Clock.systemUTC(), Log.to(line -> { }));
    }

    /** A new object for every event, so that every event is recorded and delivered, never a duplicate. */
    @Setup(Level.Invocation)
    public void newObject() throws IOException {
        String key = "generated_videos/user_42/job_" + counter.incrementAndGet() + "/clip.mp4";
        s3.put(Events.BUCKET, key, "a clip".getBytes(StandardCharsets.UTF_8), "video/mp4", Map.of());
        event = VideoCompletionHandlerTest.eventFor(key);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        receiver.close();
        try (var a = s3; var b = dynamoDb) {
            // closed in order
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ByteArrayOutputStream event() throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, BatchUrlsBenchmark.CONTEXT);
        return out;
    }

    /** Presigning alone needs no server: its own state, without the per-event upload. */
    @State(Scope.Benchmark)
    public static class Presigning {
        UrlSigner signer;
        Video video;

        @Setup(Level.Trial)
        public void start() {
            signer = new UrlSigner(S3Presigner.builder().region(Region.of(LocalS3.REGION))
                    .credentialsProvider(LocalS3.CREDENTIALS).endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build(),
                    LocalS3.CREDENTIALS);
            video = new Video("job_1", "user_42", 1, Events.BUCKET, "generated_videos/user_42/job_1/clip.mp4", "etag",
                    null, 1234, "video/mp4", Map.of(), null, Instant.now(), false);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public UrlSigner.SignedUrl presign(Presigning state) {
        return state.signer.sign(state.video, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
    }
}
