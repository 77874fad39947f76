package dev.videolinks;

import dev.videolinks.local.LocalApi;
import dev.videolinks.local.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code GET /videos/{jobId}} over HTTP through the local stack (its HTTP API turning the request into a
 * payload-2.0 event for the warm URL function), from a client on loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ApiGetBenchmark {

    LocalStack stack;
    HttpClient http;
    HttpRequest get;

    @Setup(Level.Trial)
    public void start() throws Exception {
        var options = new LocalStack.Options();
        options.s3Port = 0;
        options.dynamoDbPort = 0;
        options.apiPort = 0;
        options.receiverPort = 0;
        options.receiver = true;
        options.workDir = Files.createTempDirectory("bench-stack");
        stack = new LocalStack(options, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        stack.start();
        try (var s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(LocalStack.REGION))
                .credentialsProvider(stack.credentials()).endpointOverride(stack.s3Endpoint()).forcePathStyle(true).build()) {
            s3.putObject(p -> p.bucket(stack.template().bucketName()).key("generated_videos/u1/j1/clip.mp4").contentType("video/mp4"),
                    RequestBody.fromBytes(new byte[] {1, 2, 3}));
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        get = HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/videos/j1")).header(LocalApi.LOCAL_USER_HEADER, "u1").build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job never became visible through the API");
            }
            Thread.sleep(50);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        stack.close();
    }

    @Benchmark
    public int getJob() throws Exception {
        int status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("GET answered " + status);
        }
        return status;
    }
}
