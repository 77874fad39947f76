package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;
import dev.videolinks.IsoBmffBoxes.Box;
import java.util.Set;

/**
 * The facts of an MP4, M4V or MOV file (ISO base media, ISO/IEC 14496-12, and QuickTime): the top-level boxes are
 * walked from the start (32-bit sizes, 64-bit {@code largesize}, size 0 meaning "to the end") until {@code moov};
 * when it comes after {@code mdat}, where it starts is computed from the sizes and that range is read. Inside
 * {@code moov}: the duration from {@code mvhd} (version 0 and 1), and for each {@code trak} its kind
 * ({@code hdlr}), size and display matrix ({@code tkhd}) and codec (the first {@code stsd} entry).
 *
 * <p>Every size is checked against its parent and against what was read before anything is read through it;
 * only the boxes on the path to those facts are entered, so nesting is at most six deep; at most
 * {@value IsoBmffBoxes#MAX_BOXES} boxes are looked at; the reads are {@link ByteRanges}'.
 */
final class IsoBmffFacts {

    /** The types a file may start with: MP4's {@code ftyp}, and the boxes QuickTime files begin with. */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp");

    private record Track(String kind, int width, int height, String codec) {}

    private final ByteRanges ranges;
    private final IsoBmffBoxes boxes = new IsoBmffBoxes();

    private IsoBmffFacts(ByteRanges ranges) {
        this.ranges = ranges;
    }

    /** Whether the object starts like an ISO base media file. */
    static boolean looksLike(Window head) {
        try {
            return head.contains(0, 8) && FIRST_BOXES.contains(head.latin1(4, 4));
        } catch (Unreadable e) {
            return false;
        }
    }

    /** The facts, from {@code head} (the object's first bytes) and at most the reads {@code ranges} still allows. */
    static VideoFacts read(ByteRanges ranges, Window head) throws Unreadable {
        return new IsoBmffFacts(ranges).walk(head);
    }

    private VideoFacts walk(Window head) throws Unreadable {
        long size = ranges.size();
        Window window = head;
        boolean mdatSeen = false;
        for (long position = 0; position < size; ) {
            if (!window.contains(position, Math.min(16, size - position))) {
                // A box starts past what was read, typically moov after mdat: read the rest if it is small enough.
                long rest = size - position;
                window = ranges.read(position, rest <= ByteRanges.MAX_READ_BYTES ? rest : ByteRanges.HEAD_BYTES);
            }
            Box box = boxes.box(window, position, size, true);
            if (box.type().equals("moov")) {
                long length = box.end() - box.start();
                if (!window.contains(box.start(), length)) {
                    if (length > ByteRanges.MAX_READ_BYTES) {
                        throw new Unreadable("moov is " + length + " bytes; at most " + ByteRanges.MAX_READ_BYTES + " are read for facts");
                    }
                    window = ranges.read(box.start(), length);
                }
                return movie(window, box, !mdatSeen);
            }
            mdatSeen |= box.type().equals("mdat");
            position = box.end();
        }
        throw new Unreadable(mdatSeen ? "no moov box after mdat" : "no moov box");
    }

    private VideoFacts movie(Window window, Box moov, boolean faststart) throws Unreadable {
        var tracks = new java.util.ArrayList<Track>();
        Long[] duration = {null};
        boolean[] mvhd = {false};
        boxes.children(window, moov, moov.payload(), box -> {
            switch (box.type()) {
                case "mvhd" -> {
                    duration[0] = duration(window, box);
                    mvhd[0] = true;
                }
                case "trak" -> tracks.add(track(window, box));
                default -> { }
            }
        });
        if (!mvhd[0]) {
            throw new Unreadable("moov has no mvhd");
        }
        Track video = tracks.stream().filter(t -> "vide".equals(t.kind)).findFirst().orElse(null);
        boolean audio = tracks.stream().anyMatch(t -> "soun".equals(t.kind));
        if (video == null) {
            return new VideoFacts(duration[0], null, null, null, audio, faststart);
        }
        if (video.codec != null && !VideoFacts.isCodecName(video.codec)) {
            throw new Unreadable("the video track's sample entry type is not a four-character code");
        }
        return new VideoFacts(duration[0], dimension(video.width), dimension(video.height), video.codec, audio, faststart);
    }

    private static Integer dimension(int pixels) {
        return pixels > 0 && pixels <= VideoFacts.MAX_DIMENSION ? pixels : null;
    }

    /** mvhd: null for an unknown duration (0 in fragmented files, all ones in some recorders). */
    private static Long duration(Window window, Box mvhd) throws Unreadable {
        int version = window.u8(mvhd.payload());
        long timescale;
        long duration;
        if (version == 1) {
            IsoBmffBoxes.need(mvhd, 32);
            timescale = window.u32(mvhd.payload() + 20);
            duration = window.s64(mvhd.payload() + 24);
        } else if (version == 0) {
            IsoBmffBoxes.need(mvhd, 20);
            timescale = window.u32(mvhd.payload() + 12);
            duration = window.u32(mvhd.payload() + 16);
            if (duration == 0xffffffffL) {
                return null;
            }
        } else {
            throw new Unreadable("mvhd has version " + version);
        }
        if (timescale == 0) {
            throw new Unreadable("mvhd has a timescale of 0");
        }
        if (duration <= 0) {
            return null;
        }
        double millis = duration * 1000.0 / timescale;
        if (millis > VideoFacts.MAX_DURATION_MILLIS) {
            throw new Unreadable("mvhd says the movie lasts " + Math.round(millis / 1000) + " seconds");
        }
        return Math.round(millis);
    }

    private Track track(Window window, Box trak) throws Unreadable {
        int[] size = {0, 0};
        boolean[] turned = {false};
        String[] kind = {null};
        String[] codec = {null};
        int[] entrySize = {0, 0};
        boxes.children(window, trak, trak.payload(), box -> {
            if (box.type().equals("tkhd")) {
                turned[0] = trackHeader(window, box, size);
            } else if (box.type().equals("mdia")) {
                boxes.children(window, box, box.payload(), media -> {
                    if (media.type().equals("hdlr")) {
                        IsoBmffBoxes.need(media, 12);
                        kind[0] = window.latin1(media.payload() + 8, 4);
                    } else if (media.type().equals("minf")) {
                        boxes.children(window, media, media.payload(), info -> {
                            if (info.type().equals("stbl")) {
                                boxes.children(window, info, info.payload(), table -> {
                                    if (table.type().equals("stsd")) {
                                        codec[0] = sampleEntry(window, table, entrySize);
                                    }
                                });
                            }
                        });
                    }
                });
            }
        });
        int width = size[0] > 0 ? size[0] : entrySize[0];
        int height = size[1] > 0 ? size[1] : entrySize[1];
        return turned[0] ? new Track(kind[0], height, width, codec[0]) : new Track(kind[0], width, height, codec[0]);
    }

    /**
     * tkhd: the track's width and height (16.16 fixed point) into {@code size}; true when its display matrix turns
     * it by about 90° or 270° (then the upright width is the stored height).
     */
    private static boolean trackHeader(Window window, Box tkhd, int[] size) throws Unreadable {
        int version = window.u8(tkhd.payload());
        long fields = switch (version) {
            case 0 -> tkhd.payload() + 24;
            case 1 -> tkhd.payload() + 36;
            default -> throw new Unreadable("tkhd has version " + version);
        };
        IsoBmffBoxes.need(tkhd, fields - tkhd.payload() + 60);
        long matrix = fields + 16;
        long a = window.s32(matrix);
        long b = window.s32(matrix + 4);
        long c = window.s32(matrix + 12);
        long d = window.s32(matrix + 16);
        size[0] = (int) ((window.u32(matrix + 36) + 0x8000) >>> 16);
        size[1] = (int) ((window.u32(matrix + 40) + 0x8000) >>> 16);
        return Math.abs(a) + Math.abs(d) < Math.abs(b) + Math.abs(c);
    }

    /** stsd: the type of its first sample entry (the codec), and a visual entry's coded size into {@code size}. */
    private String sampleEntry(Window window, Box stsd, int[] size) throws Unreadable {
        IsoBmffBoxes.need(stsd, 8);
        if (window.u32(stsd.payload() + 4) == 0) {
            return null;
        }
        Box entry = boxes.box(window, stsd.payload() + 8, stsd.end(), false);
        if (entry.payloadLength() >= 28) {
            size[0] = window.u16(entry.payload() + 24);
            size[1] = window.u16(entry.payload() + 26);
        }
        return window.latin1(entry.start() + 4, 4);
    }
}
