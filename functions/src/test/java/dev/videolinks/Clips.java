package dev.videolinks;

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
final class Clips {

    static final Path VIDEOS = Path.of("functions", "src", "test", "resources", "videos");

    /** A clip, its facts, the Range of each GET that reads them, and its Content-Type. */
    record Clip(String file, VideoFacts facts, List<String> ranges, String contentType) {
        byte[] bytes() {
            return Clips.bytes(file);
        }

        @Override
        public String toString() {
            return file;
        }
    }

    static final Clip H264_FASTSTART = new Clip("h264-faststart.mp4",
            new VideoFacts(4000L, 320, 240, "avc1", true, true), List.of("bytes=0-65535"), "video/mp4");
    static final Clip H264_MOOV_AT_END = new Clip("h264-moov-at-end.mp4",
            new VideoFacts(4000L, 320, 240, "avc1", true, false), List.of("bytes=0-65535", "bytes=78786-82284"), "video/mp4");

    static final List<Clip> ALL = List.of(
            H264_FASTSTART,
            H264_MOOV_AT_END,
            new Clip("hevc.mp4", new VideoFacts(2000L, 320, 240, "hvc1", true, true), List.of("bytes=0-32394"), "video/mp4"),
            new Clip("av1.mp4", new VideoFacts(2000L, 320, 240, "av01", true, true), List.of("bytes=0-21488"), "video/mp4"),
            new Clip("vp9.webm", new VideoFacts(2008L, 320, 240, "vp09", true, null), List.of("bytes=0-38324"), "video/webm"),
            new Clip("recorded-live.webm", new VideoFacts(null, 320, 240, "vp09", true, null), List.of("bytes=0-27839"),
                    "video/webm"),
            new Clip("h264.mkv", new VideoFacts(2021L, 320, 240, "avc1", true, null), List.of("bytes=0-31089"),
                    "video/x-matroska"),
            new Clip("rotated-90.mov", new VideoFacts(2000L, 180, 320, "avc1", true, true), List.of("bytes=0-28328"),
                    "video/quicktime"),
            new Clip("no-audio.mp4", new VideoFacts(2000L, 320, 240, "avc1", false, true), List.of("bytes=0-22539"), "video/mp4"));

    private Clips() {}

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(VIDEOS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
