package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.Events;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm figures of the completion function: one S3 event through a warm {@code VideoCompletionHandler}
 * (HeadObject, the key index claim, the facts' ranged GETs, the image index read for the poster, the conditional
 * write that takes the lease, presign, signed webhook POST to a receiver, the outcome write), each event a new
 * object: a copy of a test clip, faststart (one ranged GET) or with moov at the end (two).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class CompletionBenchmark {

    LocalS3 s3;
    LocalDynamoDb dynamoDb;
    WebhookReceiver receiver;
    VideoCompletionHandler handler;
    final AtomicLong counter = new AtomicLong();
    byte[] event;
    byte[] video;

    @Param({"h264-faststart.mp4", "h264-moov-at-end.mp4"})
    public String clip;

    @Setup(Level.Trial)
    public void start() throws Exception {
        video = Files.readAllBytes(Path.of("functions", "src", "test", "resources", "videos", clip));
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
        dynamoDb.createVideoTable("bench");
        receiver = WebhookReceiver.start();
        handler = Wiring.of(Map.of(
                "AWS_REGION", LocalS3.REGION,
                "VIDEO_BUCKET", Events.BUCKET,
                "VIDEO_TABLE", "bench",
                "WEBHOOK_URL", receiver.url().toString(),
                "WEBHOOK_SECRET", "whsec_localdummysecretforexampleonly00", // local benchmark fixture
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString()), LocalS3.CREDENTIALS, Clock.systemUTC(), Log.to(line -> { })).completionHandler();
    }

    /** A new object for every event, so that every event is recorded and delivered, never a duplicate. */
    @Setup(Level.Invocation)
    public void newObject() throws IOException {
        String key = "generated_videos/user_42/job_" + counter.incrementAndGet() + "/clip.mp4";
        s3.put(Events.BUCKET, key, video, "video/mp4", Map.of());
        event = Events.s3Notification(key, "ObjectCreated:Put");
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
}
