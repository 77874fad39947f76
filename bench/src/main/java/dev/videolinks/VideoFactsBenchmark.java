package dev.videolinks;

import dev.videolinks.facts.VideoFactsReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU (and, with {@code -prof gc}, the memory) the facts parsers take for one video, without S3: a file's bytes
 * in memory, read through the same bounded reads (each read a copy of its range, as a GET's body would be). The
 * files are the test clips, corpus files (src/test/resources/videos/corpus), and {@code odd-boxes.mp4}, made here:
 * an ftyp and then 10,000 eight-byte boxes whose types are not printable, the most boxes a file may have.
 */
@State(Scope.Benchmark)
@Fork(value = 1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VideoFactsBenchmark {

    static final Path VIDEOS = Path.of("functions", "src", "test", "resources", "videos");

    @Param({"h264-faststart.mp4", "h264-moov-at-end.mp4", "vp9.webm", "corpus/h264-three-mdat.mp4",
            "corpus/fmp4-empty-moov.mp4", "corpus/first-box-uuid.mp4", "odd-boxes.mp4"})
    public String clip;

    byte[] bytes;

    @Setup
    public void load() throws java.io.IOException {
        bytes = clip.equals("odd-boxes.mp4") ? oddBoxes() : Files.readAllBytes(VIDEOS.resolve(clip));
    }

    static byte[] oddBoxes() {
        var file = new ByteArrayOutputStream();
        file.writeBytes(ByteBuffer.allocate(16).putInt(16).put("ftypisom".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(0).array());
        for (int i = 0; i < 10_000; i++) {
            file.writeBytes(ByteBuffer.allocate(8).putInt(8).putInt(0x01020300 | i & 0xff).array());
        }
        return file.toByteArray();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public VideoFactsReader.Result read() {
        return VideoFactsReader.read(bytes);
    }
}
