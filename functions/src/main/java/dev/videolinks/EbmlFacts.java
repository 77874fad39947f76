package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;
import java.util.Map;

/**
 * The facts of a WebM or Matroska file (EBML, RFC 8794; Matroska, RFC 9559): the EBML header's DocType, then the
 * Segment's top-level elements in order until Info (TimecodeScale, Duration) and Tracks (each TrackEntry's
 * TrackType, CodecID and Video PixelWidth/PixelHeight) are read, jumping where the SeekHead points when they are
 * not before the first Cluster. A file without Duration (a browser's MediaRecorder writes none) has a null
 * duration; WebM has no "faststart", so that fact is null.
 *
 * <p>Every element's size is checked against its parent and against what was read before anything is read
 * through it; an unknown size (all ones) is accepted only for the Segment and a Cluster, where the walk ends;
 * only the elements on the path to those facts are entered (at most four deep); at most {@value #MAX_ELEMENTS}
 * elements are looked at; the reads are {@link ByteRanges}'.
 */
final class EbmlFacts {

    static final int MAX_ELEMENTS = 10_000;

    private static final long EBML = 0x1A45DFA3L;
    private static final long DOC_TYPE = 0x4282;
    private static final long SEGMENT = 0x18538067L;
    private static final long SEEK_HEAD = 0x114D9B74L;
    private static final long SEEK = 0x4DBB;
    private static final long SEEK_ID = 0x53AB;
    private static final long SEEK_POSITION = 0x53AC;
    private static final long INFO = 0x1549A966L;
    private static final long TIMECODE_SCALE = 0x2AD7B1;
    private static final long DURATION = 0x4489;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long TRACK_ENTRY = 0xAE;
    private static final long TRACK_TYPE = 0x83;
    private static final long CODEC_ID = 0x86;
    private static final long VIDEO = 0xE0;
    private static final long PIXEL_WIDTH = 0xB0;
    private static final long PIXEL_HEIGHT = 0xBA;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long UNKNOWN_SIZE = -1;

    /** Matroska's codec ids as the ISO four-character codes the other containers use, so apps see one name. */
    private static final Map<String, String> CODECS = Map.of(
            "V_MPEG4/ISO/AVC", "avc1",
            "V_MPEGH/ISO/HEVC", "hvc1",
            "V_AV1", "av01",
            "V_VP9", "vp09",
            "V_VP8", "vp08");

    /** An element: its id, where its header starts, where its data starts, and its data size (or UNKNOWN_SIZE). */
    private record Element(long id, long start, long data, long size) {
        long end() {
            return data + size;
        }
    }

    private final ByteRanges ranges;
    private int elements;
    private long timecodeScale = 1_000_000;
    private Double duration;
    private boolean info;
    private boolean tracks;
    private long infoAt = -1;
    private long tracksAt = -1;
    private String codec;
    private long width;
    private long height;
    private boolean videoTrack;
    private boolean audio;

    private EbmlFacts(ByteRanges ranges) {
        this.ranges = ranges;
    }

    /** Whether the object starts with an EBML header. */
    static boolean looksLike(Window head) {
        try {
            return head.contains(0, 4) && head.u32(0) == EBML;
        } catch (Unreadable e) {
            return false;
        }
    }

    static VideoFacts read(ByteRanges ranges, Window head) throws Unreadable {
        return new EbmlFacts(ranges).walk(head);
    }

    private VideoFacts walk(Window head) throws Unreadable {
        long size = ranges.size();
        Element header = element(head, 0, size);
        if (header.id != EBML || header.size == UNKNOWN_SIZE) {
            throw new Unreadable("no EBML header of known size");
        }
        need(head, header);
        children(head, header, child -> {
            if (child.id == DOC_TYPE) {
                String docType = string(head, child);
                if (!docType.equals("webm") && !docType.equals("matroska")) {
                    throw new Unreadable("DocType '" + docType + "' is neither webm nor matroska");
                }
            }
        });
        Element segment = element(head, header.end(), size);
        if (segment.id != SEGMENT) {
            throw new Unreadable("no Segment after the EBML header");
        }
        long segmentEnd = segment.size == UNKNOWN_SIZE ? size : segment.end();
        Window window = head;
        for (long p = segment.data; p < segmentEnd && !(info && tracks); ) {
            if (!window.contains(p, Math.min(12, segmentEnd - p))) {
                window = ranges.read(p, Math.min(ByteRanges.HEAD_BYTES, segmentEnd - p));
            }
            Element child = element(window, p, segmentEnd);
            if (child.id == CLUSTER) {
                break;
            }
            if (child.size == UNKNOWN_SIZE) {
                throw new Unreadable("element 0x" + Long.toHexString(child.id) + " at " + p + " has an unknown size");
            }
            if (child.id == SEEK_HEAD || child.id == INFO || child.id == TRACKS) {
                window = whole(window, child);
                topLevel(window, child, segment.data);
            }
            p = child.end();
        }
        // Not before the first Cluster: where the SeekHead says they are.
        for (long at : new long[] {infoAt, tracksAt}) {
            if (at >= 0 && !(info && tracks) && at < segmentEnd) {
                if (!window.contains(at, Math.min(12, segmentEnd - at))) {
                    window = ranges.read(at, Math.min(ByteRanges.HEAD_BYTES, segmentEnd - at));
                }
                Element child = element(window, at, segmentEnd);
                if ((child.id == INFO || child.id == TRACKS) && child.size != UNKNOWN_SIZE) {
                    window = whole(window, child);
                    topLevel(window, child, segment.data);
                }
            }
        }
        if (!info || !tracks) {
            throw new Unreadable("no " + (info ? "Tracks" : "Info") + " element before the first Cluster or where the SeekHead points");
        }
        Long millis = null;
        if (duration != null) {
            double value = duration * timecodeScale / 1_000_000.0;
            if (!(value > 0) || value > VideoFacts.MAX_DURATION_MILLIS) {
                throw new Unreadable("Duration " + duration + " (TimecodeScale " + timecodeScale + ") is not a plausible length");
            }
            millis = Math.round(value);
        }
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

    /** The window holding the whole element: the current one, or one more read of exactly the element. */
    private Window whole(Window window, Element element) throws Unreadable {
        long length = element.end() - element.start;
        return window.contains(element.start, length) ? window : ranges.read(element.start, length);
    }

    private void topLevel(Window window, Element element, long segmentData) throws Unreadable {
        if (element.id == SEEK_HEAD) {
            children(window, element, seek -> {
                if (seek.id == SEEK) {
                    long[] target = {0, -1};
                    children(window, seek, field -> {
                        if (field.id == SEEK_ID) {
                            target[0] = unsigned(window, field);
                        } else if (field.id == SEEK_POSITION) {
                            target[1] = unsigned(window, field);
                        }
                    });
                    if (target[1] >= 0 && target[1] < ranges.size() - segmentData) {
                        if (target[0] == INFO && infoAt < 0) {
                            infoAt = segmentData + target[1];
                        } else if (target[0] == TRACKS && tracksAt < 0) {
                            tracksAt = segmentData + target[1];
                        }
                    }
                }
            });
        } else if (element.id == INFO && !info) {
            children(window, element, field -> {
                if (field.id == TIMECODE_SCALE) {
                    timecodeScale = unsigned(window, field);
                    if (timecodeScale == 0) {
                        throw new Unreadable("TimecodeScale is 0");
                    }
                } else if (field.id == DURATION) {
                    duration = number(window, field);
                }
            });
            info = true;
        } else if (element.id == TRACKS && !tracks) {
            children(window, element, entry -> {
                if (entry.id == TRACK_ENTRY) {
                    track(window, entry);
                }
            });
            tracks = true;
        }
    }

    private void track(Window window, Element entry) throws Unreadable {
        long[] type = {0};
        String[] id = {null};
        long[] size = {0, 0};
        children(window, entry, field -> {
            if (field.id == TRACK_TYPE) {
                type[0] = unsigned(window, field);
            } else if (field.id == CODEC_ID) {
                id[0] = string(window, field);
            } else if (field.id == VIDEO) {
                children(window, field, pixel -> {
                    if (pixel.id == PIXEL_WIDTH) {
                        size[0] = unsigned(window, pixel);
                    } else if (pixel.id == PIXEL_HEIGHT) {
                        size[1] = unsigned(window, pixel);
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

    private interface ChildVisitor {
        void child(Element element) throws Unreadable;
    }

    private void children(Window window, Element parent, ChildVisitor visit) throws Unreadable {
        for (long p = parent.data; p < parent.end(); ) {
            Element child = element(window, p, parent.end());
            if (child.size == UNKNOWN_SIZE) {
                throw new Unreadable("element 0x" + Long.toHexString(child.id) + " at " + p + " has an unknown size");
            }
            visit.child(child);
            p = child.end();
        }
    }

    /** The element whose header starts at {@code start}, ending at or before {@code limit} unless of unknown size. */
    private Element element(Window window, long start, long limit) throws Unreadable {
        if (++elements > MAX_ELEMENTS) {
            throw new Unreadable("more than " + MAX_ELEMENTS + " elements");
        }
        int first = window.u8(start);
        int idLength = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || idLength > 4) {
            throw new Unreadable("no valid element id at " + start);
        }
        long id = window.unsigned(start, idLength);
        long idBits = id & ((1L << (7 * idLength)) - 1);
        if (idBits == 0 || idBits == (1L << (7 * idLength)) - 1) {
            throw new Unreadable("element id 0x" + Long.toHexString(id) + " at " + start + " is not a valid id");
        }
        long sizeAt = start + idLength;
        int sizeFirst = window.u8(sizeAt);
        int sizeLength = Integer.numberOfLeadingZeros(sizeFirst) - 23;
        if (sizeFirst == 0) {
            throw new Unreadable("element 0x" + Long.toHexString(id) + " at " + start + " has a size longer than 8 bytes");
        }
        long raw = window.unsigned(sizeAt, sizeLength);
        long valueBits = 7L * sizeLength;
        long size = raw & ((1L << valueBits) - 1);
        long data = sizeAt + sizeLength;
        if (size == (1L << valueBits) - 1) {
            return new Element(id, start, data, UNKNOWN_SIZE);
        }
        if (data > limit || size > limit - data) {
            throw new Unreadable("element 0x" + Long.toHexString(id) + " at " + start + " claims " + size
                    + " bytes, past the end of its parent at " + limit);
        }
        return new Element(id, start, data, size);
    }

    private static void need(Window window, Element element) throws Unreadable {
        if (!window.contains(element.start, element.end() - element.start)) {
            throw new Unreadable("element 0x" + Long.toHexString(element.id) + " at " + element.start
                    + " ends past the bytes read");
        }
    }

    private static long unsigned(Window window, Element element) throws Unreadable {
        if (element.size > 8) {
            throw new Unreadable("integer element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        }
        long value = window.unsigned(element.data, (int) element.size);
        if (value < 0) {
            throw new Unreadable("integer element 0x" + Long.toHexString(element.id) + " is too large");
        }
        return value;
    }

    private static double number(Window window, Element element) throws Unreadable {
        return switch ((int) element.size) {
            case 0 -> 0;
            case 4 -> Float.intBitsToFloat(window.s32(element.data));
            case 8 -> Double.longBitsToDouble(window.s64(element.data));
            default -> throw new Unreadable("float element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        };
    }

    private static String string(Window window, Element element) throws Unreadable {
        if (element.size > 256) {
            throw new Unreadable("string element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        }
        String text = window.latin1(element.data, (int) element.size);
        int end = text.indexOf('\0');
        return end < 0 ? text : text.substring(0, end);
    }
}
