package dev.videolinks;

import dev.videolinks.facts.VideoFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test clips in src/test/resources/videos (made by its make-videos.sh with Debian's ffmpeg), the facts each
 * must give, cross-checked with ffprobe, and the ranged reads that take: one for a faststart file or a WebM, two
 * when moov comes after mdat.
 */
public final class Clips {

    public static final Path VIDEOS = Path.of("functions", "src", "test", "resources", "videos");

    /** A clip, its facts, the Range of each GET that reads them, and its Content-Type. */
    public record Clip(String file, VideoFacts facts, List<String> ranges, String contentType) {
        public byte[] bytes() {
            return Clips.bytes(file);
        }

        @Override
        public String toString() {
            return file;
        }
    }

    /** H.264 High, level 1.2, 8 bits, 4:2:0: what ffprobe says of every H.264 clip here (x264, 320x240). */
    static VideoFacts h264(String container, Long millis, int width, int height, Boolean audio, Boolean faststart) {
        return new VideoFacts(container, millis, width, height, "avc1", "High", "1.2", 8, "4:2:0", audio,
                audio ? "mp4a.40.2" : null, faststart);
    }

    public static final Clip H264_FASTSTART = new Clip("h264-faststart.mp4",
            h264("mp4", 4000L, 320, 240, true, true), List.of("bytes=0-65535"), "video/mp4");
    public static final Clip H264_MOOV_AT_END = new Clip("h264-moov-at-end.mp4",
            h264("mp4", 4000L, 320, 240, true, false), List.of("bytes=0-65535", "bytes=78786-82284"), "video/mp4");

    public static final List<Clip> ALL = List.of(
            H264_FASTSTART,
            H264_MOOV_AT_END,
            new Clip("hevc.mp4", new VideoFacts("mp4", 2000L, 320, 240, "hvc1", "Main", "2", 8, "4:2:0", true, "mp4a.40.2", true),
                    List.of("bytes=0-32394"), "video/mp4"),
            new Clip("av1.mp4", new VideoFacts("mp4", 2000L, 320, 240, "av01", "Main", "2.0", 8, "4:2:0", true, "mp4a.40.2", true),
                    List.of("bytes=0-21488"), "video/mp4"),
            new Clip("vp9.webm", new VideoFacts("webm", 2008L, 320, 240, "vp09", "Profile 0", null, 8, "4:2:0", true, "opus", null),
                    List.of("bytes=0-38324"), "video/webm"),
            new Clip("recorded-live.webm", new VideoFacts("webm", null, 320, 240, "vp09", "Profile 0", null, 8, "4:2:0", true,
                    "opus", null), List.of("bytes=0-27839"), "video/webm"),
            new Clip("h264.mkv", h264("mkv", 2021L, 320, 240, true, null), List.of("bytes=0-31089"), "video/x-matroska"),
            new Clip("rotated-90.mov", h264("mov", 2000L, 180, 320, true, true), List.of("bytes=0-28328"), "video/quicktime"),
            new Clip("no-audio.mp4", h264("mp4", 2000L, 320, 240, false, true), List.of("bytes=0-22539"), "video/mp4"));

    private Clips() {}

    public static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(VIDEOS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
