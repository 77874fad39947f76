package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.Events;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Presigned URLs per second, as {@code UrlSigner} makes them (credentials read, honest expiry); no server. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PresignBenchmark {

    UrlSigner signer;
    Video video;

    @Setup
    public void start() {
        signer = new UrlSigner(S3Presigner.builder().region(Region.of(LocalS3.REGION))
                .credentialsProvider(LocalS3.CREDENTIALS).endpointOverride(URI.create("http://127.0.0.1:9"))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build(),
                LocalS3.CREDENTIALS);
        video = new Video("job_1", "user_42", 1, Events.BUCKET, "generated_videos/user_42/job_1/clip.mp4", "etag",
                null, 1234, "video/mp4", Map.of(), null, Instant.now());
    }

    @Benchmark
    public UrlSigner.SignedUrl presign() {
        return signer.sign(video, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
    }
}
