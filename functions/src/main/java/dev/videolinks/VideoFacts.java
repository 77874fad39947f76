package dev.videolinks;

/**
 * What a video file says about itself (SPEC §3 "Video facts"), each null when the file does not say or could not
 * be read: its duration, its width and height as displayed (a track turned by 90° or 270° has them swapped, so a
 * portrait phone video is upright), the codec of its video track, whether it has an audio track and, for MP4 and
 * MOV only, whether {@code moov} precedes {@code mdat} so that a browser can start playing before the whole file
 * arrives ("faststart").
 */
public record VideoFacts(Long durationMillis, Integer width, Integer height, String videoCodec, Boolean hasAudio,
        Boolean faststart) {

    public static final VideoFacts UNKNOWN = new VideoFacts(null, null, null, null, null, null);

    /** The longest duration taken as a fact (about 31 years): a longer one is a corrupt field, not a video. */
    static final long MAX_DURATION_MILLIS = 999_999_999_999L;
    /** The largest width or height taken as a fact: tkhd holds 16 bits of whole pixels. */
    static final int MAX_DIMENSION = 65_535;
    /** The longest codec name kept (EBML codec ids such as {@code V_MPEGH/ISO/HEVC} are 16). */
    public static final int MAX_CODEC_LENGTH = 32;

    public Double durationSeconds() {
        return durationMillis == null ? null : durationMillis / 1000.0;
    }

    /** A codec name fit to keep: 1 to {@value #MAX_CODEC_LENGTH} printable ASCII characters. */
    static boolean isCodecName(String codec) {
        return codec != null && !codec.isEmpty() && codec.length() <= MAX_CODEC_LENGTH
                && codec.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
