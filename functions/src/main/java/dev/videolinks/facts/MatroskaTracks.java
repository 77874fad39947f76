package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import dev.videolinks.facts.EbmlElements.Element;
import java.util.Map;

/**
 * What a Matroska Tracks element says (RFC 9559): the first video track's CodecID, its configuration
 * (CodecPrivate: the same {@code avcC}, {@code hvcC} and {@code av1C} records as MP4, VP9's feature list) and its
 * size as displayed (DisplayWidth and DisplayHeight, in pixels or as an aspect ratio, else PixelWidth and
 * PixelHeight); and the first audio track's codec. {@link EbmlFacts} finds the element; this reads its TrackEntries.
 */
final class MatroskaTracks {

    private static final long TRACK_ENTRY = 0xAE;
    private static final long TRACK_NUMBER = 0xD7;
    private static final long TRACK_TYPE = 0x83;
    private static final long CODEC_ID = 0x86;
    private static final long CODEC_PRIVATE = 0x63A2;
    private static final long VIDEO = 0xE0;
    private static final long PIXEL_WIDTH = 0xB0;
    private static final long PIXEL_HEIGHT = 0xBA;
    private static final long DISPLAY_WIDTH = 0x54B0;
    private static final long DISPLAY_HEIGHT = 0x54BA;
    private static final long DISPLAY_UNIT = 0x54B2;
    private static final long BIT_DEPTH = 0x6264;

    /** Matroska's video codec ids as the ISO four-character codes the other containers use, so apps see one name. */
    private static final Map<String, String> VIDEO_CODECS = Map.of(
            "V_MPEG4/ISO/AVC", "avc1",
            "V_MPEGH/ISO/HEVC", "hvc1",
            "V_AV1", "av01",
            "V_VP9", "vp09",
            "V_VP8", "vp08",
            "V_MPEG4/ISO/SP", "mp4v",
            "V_MPEG4/ISO/ASP", "mp4v");
    /** Matroska's audio codec ids as the names the video object uses for MP4's audio, too. */
    private static final Map<String, String> AUDIO_CODECS = Map.ofEntries(Map.entry("A_OPUS", "opus"),
            Map.entry("A_VORBIS", "vorbis"), Map.entry("A_AC3", "ac-3"), Map.entry("A_EAC3", "ec-3"),
            Map.entry("A_FLAC", "flac"), Map.entry("A_MPEG/L3", "mp3"), Map.entry("A_ALAC", "alac"),
            Map.entry("A_PCM/INT/LIT", "pcm"), Map.entry("A_PCM/INT/BIG", "pcm"), Map.entry("A_PCM/FLOAT/IEEE", "pcm"));

    private String codec;
    private long videoNumber = -1;
    private CodecConfig.Details details = CodecConfig.Details.NONE;
    private long width;
    private long height;
    private boolean videoTrack;
    private boolean audio;
    private String audioCodec;

    void read(EbmlElements elements, Window window, Element tracks) throws Unreadable {
        elements.children(window, tracks, entry -> {
            if (entry.id() == TRACK_ENTRY) {
                track(elements, window, entry);
            }
        });
    }

    /** Whether the video track is VP9 without a CodecPrivate: its first key frame says its profile and bit depth. */
    boolean needsFirstFrame() {
        return videoTrack && "V_VP9".equals(codec) && details.profile() == null;
    }

    long videoTrackNumber() {
        return videoNumber;
    }

    /** The details its first frame gives, kept where CodecPrivate gave none. */
    void firstFrame(CodecConfig.Details frame) {
        if (details.profile() == null) {
            details = frame;
        }
    }

    /** The facts of a file in this container ({@code webm} or {@code mkv}) of this duration (or null). */
    VideoFacts facts(String container, Long millis) {
        if (!videoTrack) {
            return new VideoFacts(container, millis, null, null, null, null, null, null, null, audio, audioCodec, null).kept();
        }
        String name = codec == null ? null : VIDEO_CODECS.getOrDefault(codec, codec);
        return new VideoFacts(container, millis, VideoFacts.dimension(width), VideoFacts.dimension(height), name,
                details.profile(), details.level(), details.bitDepth(), details.chroma(), audio, audioCodec, null).kept();
    }

    private void track(EbmlElements elements, Window window, Element entry) throws Unreadable {
        long[] type = {0};
        long[] number = {-1};
        String[] id = {null};
        Element[] codecPrivate = {null};
        long[] size = {0, 0, 0, 0, 0, 0}; // pixel width, height; display width, height, unit; bit depth
        elements.children(window, entry, field -> {
            if (field.id() == TRACK_TYPE) {
                type[0] = EbmlElements.unsigned(window, field);
            } else if (field.id() == TRACK_NUMBER) {
                number[0] = EbmlElements.unsigned(window, field);
            } else if (field.id() == CODEC_ID) {
                id[0] = EbmlElements.string(window, field);
            } else if (field.id() == CODEC_PRIVATE) {
                codecPrivate[0] = field;
            } else if (field.id() == VIDEO) {
                elements.children(window, field, video -> {
                    if (video.id() == PIXEL_WIDTH) {
                        size[0] = EbmlElements.unsigned(window, video);
                    } else if (video.id() == PIXEL_HEIGHT) {
                        size[1] = EbmlElements.unsigned(window, video);
                    } else if (video.id() == DISPLAY_WIDTH) {
                        size[2] = EbmlElements.unsigned(window, video);
                    } else if (video.id() == DISPLAY_HEIGHT) {
                        size[3] = EbmlElements.unsigned(window, video);
                    } else if (video.id() == DISPLAY_UNIT) {
                        size[4] = EbmlElements.unsigned(window, video);
                    }
                });
            } else if (field.id() == BIT_DEPTH) {
                size[5] = EbmlElements.unsigned(window, field);
            }
        });
        if (type[0] == 1 && !videoTrack) {
            videoTrack = true;
            videoNumber = number[0];
            codec = id[0];
            displaySize(size);
            if (codecPrivate[0] != null) {
                details = videoDetails(window, id[0], codecPrivate[0]);
            } else if ("V_VP8".equals(id[0])) {
                details = CodecConfig.byFourcc("vp08"); // VP8 has no CodecPrivate, and one format
            }
        } else if (type[0] == 2 && !audio) {
            audio = true;
            audioCodec = audioCodec(window, id[0], codecPrivate[0]);
        }
    }

    /** The size as displayed: DisplayWidth/DisplayHeight in pixels (unit 0) or as an aspect ratio (unit 3). */
    private void displaySize(long[] size) {
        width = size[0];
        height = size[1];
        if (size[2] > 0 && size[3] > 0) {
            if (size[4] == 0) {
                width = size[2];
                height = size[3];
            } else if (size[4] == 3 && size[1] > 0) {
                width = Math.round(size[1] * (double) size[2] / size[3]);
            }
        }
    }

    private static CodecConfig.Details videoDetails(Window window, String id, Element config) throws Unreadable {
        long at = config.data();
        long length = config.size();
        if (id == null) {
            return CodecConfig.Details.NONE;
        }
        return switch (id) {
            case "V_MPEG4/ISO/AVC" -> CodecConfig.avc(window, at, length);
            case "V_MPEGH/ISO/HEVC" -> CodecConfig.hevc(window, at, length);
            case "V_AV1" -> CodecConfig.av1(window, at, length);
            case "V_VP9" -> CodecConfig.vp9Matroska(window, at, length);
            default -> CodecConfig.Details.NONE;
        };
    }

    /** A_AAC's object type from its CodecPrivate (an AudioSpecificConfig), else the name its CodecID maps to. */
    private static String audioCodec(Window window, String id, Element config) throws Unreadable {
        if (id == null) {
            return null;
        }
        if (id.startsWith("A_AAC")) {
            if (config != null && config.size() >= 1) {
                return "mp4a.40." + CodecConfig.audioObjectType(window, config.data(), config.size());
            }
            return id.equals("A_AAC/MPEG4/LC/SBR") ? "mp4a.40.5" : "mp4a.40.2";
        }
        return AUDIO_CODECS.getOrDefault(id, id);
    }
}
