package dev.videolinks;

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
 * The CPU the facts parsers take for one video, without S3: a test clip's bytes in memory, read through the same
 * bounded reads (each read a copy of its range, as a GET's body would be).
 */
@State(Scope.Benchmark)
@Fork(value = 1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VideoFactsBenchmark {

    @Param({"h264-faststart.mp4", "h264-moov-at-end.mp4", "vp9.webm"})
    public String clip;

    byte[] bytes;

    @Setup
    public void load() throws java.io.IOException {
        bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("functions", "src", "test", "resources", "videos", clip));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public VideoFactsReader.Result read() {
        return VideoFactsReader.read(ByteRanges.of(bytes));
    }
}
