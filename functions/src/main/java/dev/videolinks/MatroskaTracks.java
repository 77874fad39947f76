package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;
import dev.videolinks.EbmlElements.Element;
import java.util.Map;

/**
 * What a Matroska Tracks element says (RFC 9559): the first video track's CodecID and PixelWidth/PixelHeight, and
 * whether any track is audio. {@link EbmlFacts} finds the element; this reads its TrackEntries.
 */
final class MatroskaTracks {

    private static final long TRACK_ENTRY = 0xAE;
    private static final long TRACK_TYPE = 0x83;
    private static final long CODEC_ID = 0x86;
    private static final long VIDEO = 0xE0;
    private static final long PIXEL_WIDTH = 0xB0;
    private static final long PIXEL_HEIGHT = 0xBA;

    /** Matroska's codec ids as the ISO four-character codes the other containers use, so apps see one name. */
    private static final Map<String, String> CODECS = Map.of(
            "V_MPEG4/ISO/AVC", "avc1",
            "V_MPEGH/ISO/HEVC", "hvc1",
            "V_AV1", "av01",
            "V_VP9", "vp09",
            "V_VP8", "vp08");

    private String codec;
    private long width;
    private long height;
    private boolean videoTrack;
    private boolean audio;

    void read(EbmlElements elements, Window window, Element tracks) throws Unreadable {
        elements.children(window, tracks, entry -> {
            if (entry.id() == TRACK_ENTRY) {
                track(elements, window, entry);
            }
        });
    }

    /** The facts of a file of this duration (or null) with these tracks. */
    VideoFacts facts(Long millis) throws Unreadable {
        if (!videoTrack) {
            return new VideoFacts(millis, null, null, null, audio, null);
        }
        String name = codec == null ? null : CODECS.getOrDefault(codec, codec);
        if (name != null && !VideoFacts.isCodecName(name)) {
            throw new Unreadable("the video track's CodecID is not a short printable name");
        }
        return new VideoFacts(millis, dimension(width), dimension(height), name, audio, null);
    }

    private static Integer dimension(long pixels) {
        return pixels > 0 && pixels <= VideoFacts.MAX_DIMENSION ? (int) pixels : null;
    }

    private void track(EbmlElements elements, Window window, Element entry) throws Unreadable {
        long[] type = {0};
        String[] id = {null};
        long[] size = {0, 0};
        elements.children(window, entry, field -> {
            if (field.id() == TRACK_TYPE) {
                type[0] = EbmlElements.unsigned(window, field);
            } else if (field.id() == CODEC_ID) {
                id[0] = EbmlElements.string(window, field);
            } else if (field.id() == VIDEO) {
                elements.children(window, field, pixel -> {
                    if (pixel.id() == PIXEL_WIDTH) {
                        size[0] = EbmlElements.unsigned(window, pixel);
                    } else if (pixel.id() == PIXEL_HEIGHT) {
                        size[1] = EbmlElements.unsigned(window, pixel);
                    }
                });
            }
        });
        if (type[0] == 1 && !videoTrack) {
            videoTrack = true;
            codec = id[0];
            width = size[0];
            height = size[1];
        } else if (type[0] == 2) {
            audio = true;
        }
    }
}
