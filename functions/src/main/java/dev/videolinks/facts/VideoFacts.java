package dev.videolinks.facts;

/**
 * What a video file says about itself, each null when the file does not say or could not be read:
 * <ul>
 *   <li>{@code container}: {@code mp4} (ISO base media: MP4, M4V), {@code mov} (QuickTime), {@code webm} or
 *       {@code mkv};
 *   <li>its duration;
 *   <li>its width and height as displayed: after a track's display matrix (a portrait phone video is upright)
 *       and its pixel aspect ratio (an anamorphic 1440x1080 stream is 1920 wide);
 *   <li>the video codec (the ISO four-character code, also for Matroska: {@code avc1}, {@code hvc1}, {@code av01},
 *       {@code vp09}, ...), its profile ({@code High}, {@code Main 10}, {@code Profile 0}, ...), level
 *       ({@code 3.1}), bit depth and chroma subsampling ({@code 4:2:0}), from the codec's configuration;
 *   <li>whether it has an audio track, and the audio codec ({@code mp4a.40.2}, {@code opus}, {@code ac-3}, ...);
 *   <li>for MP4 and MOV only, whether {@code moov} precedes {@code mdat}, so that a browser can start playing
 *       before the whole file arrives ("faststart").
 * </ul>
 */
public record VideoFacts(String container, Long durationMillis, Integer width, Integer height, String videoCodec,
        String videoProfile, String videoLevel, Integer bitDepth, String chroma, Boolean hasAudio, String audioCodec,
        Boolean faststart) {

    public static final VideoFacts UNKNOWN = new VideoFacts(null, null, null, null, null, null, null, null, null, null,
            null, null);

    /** The longest duration taken as a fact (about 31 years): a longer one is a corrupt field, not a video. */
    public static final long MAX_DURATION_MILLIS = 999_999_999_999L;
    /** The largest width or height taken as a fact: tkhd holds 16 bits of whole pixels. */
    public static final int MAX_DIMENSION = 65_535;
    /** The longest video codec name kept (EBML codec ids such as {@code V_MPEGH/ISO/HEVC} are 16). */
    public static final int MAX_NAME_LENGTH = 32;
    /** The longest profile name kept ({@code High 4:4:4 Predictive} is 21). */
    public static final int MAX_PROFILE_LENGTH = 24;
    /** The longest level kept ({@code 6.2}, {@code 1b}). */
    public static final int MAX_LEVEL_LENGTH = 8;
    /** The longest audio codec name kept ({@code mp4a.40.29} is 10). */
    public static final int MAX_AUDIO_CODEC_LENGTH = 16;

    public Double durationSeconds() {
        return durationMillis == null ? null : durationMillis / 1000.0;
    }

    /** A name fit to keep: 1 to {@value #MAX_NAME_LENGTH} printable ASCII characters. */
    static boolean isName(String name) {
        return isName(name, MAX_NAME_LENGTH);
    }

    static boolean isName(String name, int longest) {
        return name != null && !name.isEmpty() && name.length() <= longest
                && name.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    /**
     * The same facts with each name that is not fit to keep (not printable, or longer than its limit) and each bit
     * depth that is not one left out, so that one odd field never costs the rest.
     */
    VideoFacts kept() {
        return new VideoFacts(container, durationMillis, width, height, keep(videoCodec, MAX_NAME_LENGTH),
                keep(videoProfile, MAX_PROFILE_LENGTH), keep(videoLevel, MAX_LEVEL_LENGTH),
                bitDepth != null && bitDepth >= 1 && bitDepth <= 16 ? bitDepth : null, chroma, hasAudio,
                keep(audioCodec, MAX_AUDIO_CODEC_LENGTH), faststart);
    }

    private static String keep(String name, int longest) {
        return isName(name, longest) ? name : null;
    }

    static Integer dimension(long pixels) {
        return pixels > 0 && pixels <= MAX_DIMENSION ? (int) pixels : null;
    }

    /** A duration in milliseconds from a count of {@code units} per second; null when it is not a plausible length. */
    static Long millis(double count, double unitsPerSecond) {
        if (!(unitsPerSecond > 0) || !(count > 0)) {
            return null;
        }
        double millis = count * 1000.0 / unitsPerSecond;
        return millis > MAX_DURATION_MILLIS || !(millis >= 0.5) ? null : Math.round(millis); // under 1 ms: no length
    }
}
