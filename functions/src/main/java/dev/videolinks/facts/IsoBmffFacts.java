package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import dev.videolinks.facts.IsoBmffBoxes.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The facts of an MP4, M4V or MOV file (ISO base media, ISO/IEC 14496-12, and QuickTime). The top-level boxes are
 * walked from the start until {@code moov}; when it comes after {@code mdat}, its header is read where the sizes
 * say it starts, or, behind several {@code mdat}, found in the object's last bytes. Inside {@code moov} only the
 * path to the facts is read, box header by box header: {@code mvhd} (the duration; {@code mvex/mehd} for a
 * fragmented file), and for each {@code trak} its {@code tkhd} (size and display matrix), {@code mdia/hdlr} (its
 * kind), {@code mdia/mdhd} (its timescale) and {@code stsd} (the codec and its configuration); never the sample
 * tables, so a {@code moov} of any size costs a read per track at most. A fragmented file whose {@code moov} gives
 * no duration gets it from a {@code sidx} that covers the file, or from its last {@code moof} ({@link Fragments}).
 *
 * <p>Every size is checked against its parent before anything is read through it; at most
 * {@value IsoBmffBoxes#MAX_BOXES} boxes are looked at; the reads are {@link ByteRanges}'.
 */
final class IsoBmffFacts {

    /**
     * The types a file may start with: MP4's {@code ftyp}, the boxes QuickTime files begin with, and what cameras,
     * editors and segmenters put first ({@code uuid}, {@code pdin}, {@code sidx}, ...).
     */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp",
            "uuid", "junk", "pdin", "sidx", "moof", "prft", "emsg", "meta", "PICT");

    /** A track as its boxes describe it. */
    record Track(int id, String kind, long timescale, int width, int height, String codec, CodecConfig.Details details,
            String audioCodec) {}

    private final ByteRanges ranges;
    private final IsoBmffBoxes boxes;
    private String brand;
    private String warning;

    private IsoBmffFacts(ByteRanges ranges) {
        this.ranges = ranges;
        this.boxes = new IsoBmffBoxes(ranges);
    }

    /** Whether the object starts like an ISO base media file: a box header of a type such files begin with. */
    static boolean looksLike(Window head) {
        try {
            if (!head.contains(0, 8)) {
                return false;
            }
            long size = head.u32(0);
            return (size == 0 || size == 1 || size >= 8) && FIRST_BOXES.contains(head.latin1(4, 4));
        } catch (Unreadable e) {
            return false;
        }
    }

    /** The facts, and what was read with a doubt (or null), within the reads {@code ranges} allows. */
    static Parsed read(ByteRanges ranges) throws Unreadable {
        var parser = new IsoBmffFacts(ranges);
        VideoFacts facts = parser.walk();
        return new Parsed(facts, parser.warning);
    }

    /** What a parser read, and a doubt about it to warn of (or null). */
    record Parsed(VideoFacts facts, String warning) {}

    private VideoFacts walk() throws Unreadable {
        long size = ranges.size();
        boolean mdatSeen = false;
        boolean searched = false;
        for (long position = 0; position < size; ) {
            if (!ranges.has(position, Math.min(16, size - position))) {
                long rest = size - position;
                if (rest <= ByteRanges.MAX_READ_BYTES) {
                    ranges.read(position, rest);
                } else if (mdatSeen && !searched && ranges.readsLeft() == 1) {
                    // Behind more than one large mdat: moov is most likely at the end; look for it there.
                    searched = true;
                    Box moov = moovInTail(position);
                    if (moov != null) {
                        return movie(moov, false);
                    }
                    throw new Unreadable("moov is neither where the first reads reached nor in the last "
                            + ByteRanges.MAX_READ_BYTES + " bytes");
                }
            }
            Box box = boxes.box(position, size, true);
            if (brand == null && (box.type().equals("ftyp") || box.type().equals("styp")) && box.payloadLength() >= 4) {
                brand = ranges.at(box.payload(), 4).latin1(box.payload(), 4);
            }
            if (box.type().equals("moov")) {
                return movie(box, !mdatSeen);
            }
            mdatSeen |= box.type().equals("mdat");
            position = box.end();
        }
        throw new Unreadable(mdatSeen ? "no moov box after mdat" : "no moov box");
    }

    /** The last moov box whose first child is mvhd, among the object's last bytes (a read of up to 4 MiB). */
    private Box moovInTail(long from) throws Unreadable {
        long start = Math.max(from, ranges.size() - ByteRanges.MAX_READ_BYTES);
        Window tail = ranges.read(start, ranges.size() - start);
        for (long p = ranges.size() - 16; p >= start; p--) {
            if (tail.u8(p + 4) == 'm' && tail.latin1(p + 4, 4).equals("moov") && tail.latin1(p + 12, 4).equals("mvhd")) {
                long length = tail.u32(p);
                if (length >= 16 && p + length <= ranges.size()) {
                    return new Box("moov", p, p + 8, p + length);
                }
            }
        }
        return null;
    }

    private VideoFacts movie(Box moov, boolean faststart) throws Unreadable {
        var tracks = new ArrayList<Track>();
        long[] header = {-1, -1};  // the movie's timescale (-1: no mvhd yet) and its duration (-1: unknown)
        long[] fragmented = {-1};  // mvex/mehd's fragment duration, in the movie's timescale (-1: none)
        boolean[] mvex = {false};
        String[] doubt = {null};
        for (long p = moov.payload(); moov.end() - p >= 8; ) {
            if (header[0] >= 0 && (enough(tracks) || doubt[0] != null) && !ranges.has(p, 8)) {
                break; // what is left would cost reads and say nothing the facts need
            }
            Box box = boxes.box(p, moov.end(), false);
            switch (box.type()) {
                case "mvhd" -> movieHeader(box, header);
                case "mvex" -> {
                    mvex[0] = true;
                    boxes.children(box, box.payload(), child -> {
                        if (child.type().equals("mehd")) {
                            fragmented[0] = fragmentDuration(child);
                        }
                    });
                }
                case "trak" -> {
                    if (doubt[0] == null && !enough(tracks)) {
                        try {
                            tracks.add(track(box));
                        } catch (Unreadable e) {
                            // A track past the reads allowed: what the tracks before it said stands, with a WARN.
                            if (tracks.isEmpty()) {
                                throw e;
                            }
                            doubt[0] = e.getMessage();
                        }
                    }
                }
                default -> { }
            }
            p = box.end();
        }
        if (header[0] < 0) {
            throw new Unreadable("moov has no mvhd");
        }
        Long duration = VideoFacts.millis(header[1], header[0]);
        if (duration == null && fragmented[0] > 0) {
            duration = VideoFacts.millis(fragmented[0], header[0]);
        }
        if (duration == null && (mvex[0] || fragmented[0] >= 0)) {
            duration = new Fragments(ranges, boxes, tracks).duration(moov.end());
        }
        Track video = tracks.stream().filter(t -> "vide".equals(t.kind())).findFirst().orElse(null);
        Track audio = tracks.stream().filter(t -> "soun".equals(t.kind())).findFirst().orElse(null);
        Boolean hasAudio = audio != null ? Boolean.TRUE : doubt[0] == null ? Boolean.FALSE : null;
        if (doubt[0] != null) {
            warning = "some tracks were not read (" + doubt[0] + ")";
        }
        // QuickTime's own brand, or no ftyp at all (QuickTime files from before ISO begin with wide, mdat or moov)
        String container = brand == null || "qt  ".equals(brand) ? "mov" : "mp4";
        String audioCodec = audio == null ? null : audio.audioCodec();
        if (video == null) {
            return new VideoFacts(container, duration, null, null, null, null, null, null, null, hasAudio, audioCodec,
                    faststart).kept();
        }
        var details = video.details();
        return new VideoFacts(container, duration, VideoFacts.dimension(video.width()), VideoFacts.dimension(video.height()),
                video.codec(), details.profile(), details.level(), details.bitDepth(), details.chroma(), hasAudio, audioCodec,
                faststart).kept();
    }

    /** Whether the tracks read already say all the facts need: a video track and an audio track. */
    private static boolean enough(List<Track> tracks) {
        return tracks.stream().anyMatch(t -> "vide".equals(t.kind())) && tracks.stream().anyMatch(t -> "soun".equals(t.kind()));
    }

    /** mvhd: its timescale into {@code header[0]} and its duration into {@code header[1]} (-1 when unknown). */
    private void movieHeader(Box mvhd, long[] header) throws Unreadable {
        Window window = boxes.payload(mvhd);
        int version = window.u8(mvhd.payload());
        if (version == 1) {
            IsoBmffBoxes.need(mvhd, 32);
            header[0] = window.u32(mvhd.payload() + 20);
            header[1] = window.s64(mvhd.payload() + 24);
        } else if (version == 0) {
            IsoBmffBoxes.need(mvhd, 20);
            header[0] = window.u32(mvhd.payload() + 12);
            long duration = window.u32(mvhd.payload() + 16);
            header[1] = duration == 0xffffffffL ? -1 : duration;
        } else {
            throw new Unreadable("mvhd has version " + version);
        }
    }

    /** mehd: the duration of the whole fragmented movie, in the movie's timescale. */
    private long fragmentDuration(Box mehd) throws Unreadable {
        Window window = boxes.payload(mehd);
        int version = window.u8(mehd.payload());
        IsoBmffBoxes.need(mehd, version == 1 ? 12 : 8);
        return version == 1 ? window.s64(mehd.payload() + 4) : window.u32(mehd.payload() + 4);
    }

    private Track track(Box trak) throws Unreadable {
        int[] size = {0, 0};
        boolean[] turned = {false};
        int[] id = {0};
        var media = new Media();
        boxes.children(trak, trak.payload(), box -> {
            if (box.type().equals("tkhd")) {
                turned[0] = trackHeader(box, size, id);
            } else if (box.type().equals("mdia")) {
                media(box, media);
            }
        });
        int width = size[0] > 0 ? size[0] : media.entrySize[0];
        int height = size[1] > 0 ? size[1] : media.entrySize[1];
        if (turned[0]) {
            int swap = width;
            width = height;
            height = swap;
        }
        return new Track(id[0], media.kind, media.timescale, width, height, media.codec, media.details, media.audioCodec);
    }

    /** What a track's mdia says: its kind, timescale, codec and the codec's configuration. */
    private static final class Media {
        String kind;
        long timescale;
        String codec;
        CodecConfig.Details details = CodecConfig.Details.NONE;
        String audioCodec;
        final int[] entrySize = {0, 0};
    }

    private void media(Box mdia, Media media) throws Unreadable {
        boxes.children(mdia, mdia.payload(), box -> {
            switch (box.type()) {
                case "hdlr" -> {
                    IsoBmffBoxes.need(box, 12);
                    media.kind = ranges.at(box.payload() + 8, 4).latin1(box.payload() + 8, 4);
                }
                case "mdhd" -> {
                    Window window = boxes.payload(box);
                    int version = window.u8(box.payload());
                    IsoBmffBoxes.need(box, version == 1 ? 24 : 16);
                    media.timescale = window.u32(box.payload() + (version == 1 ? 20 : 12));
                }
                case "minf" -> boxes.children(box, box.payload(), info -> {
                    if (info.type().equals("stbl")) {
                        boxes.children(info, info.payload(), table -> {
                            if (table.type().equals("stsd")) {
                                sampleEntry(table, media);
                            }
                        });
                    }
                });
                default -> { }
            }
        });
    }

    /**
     * tkhd: the track's id into {@code id}, its width and height (16.16 fixed point, the size as displayed) into
     * {@code size}; true when its display matrix turns it by about 90° or 270° (the upright width is the height).
     */
    private boolean trackHeader(Box tkhd, int[] size, int[] id) throws Unreadable {
        Window window = boxes.payload(tkhd);
        int version = window.u8(tkhd.payload());
        long fields = switch (version) {
            case 0 -> tkhd.payload() + 24;
            case 1 -> tkhd.payload() + 36;
            default -> throw new Unreadable("tkhd has version " + version);
        };
        IsoBmffBoxes.need(tkhd, fields - tkhd.payload() + 60);
        id[0] = window.s32(tkhd.payload() + (version == 1 ? 20 : 12));
        long matrix = fields + 16;
        long a = window.s32(matrix);
        long b = window.s32(matrix + 4);
        long c = window.s32(matrix + 12);
        long d = window.s32(matrix + 16);
        size[0] = (int) ((window.u32(matrix + 36) + 0x8000) >>> 16);
        size[1] = (int) ((window.u32(matrix + 40) + 0x8000) >>> 16);
        return Math.abs(a) + Math.abs(d) < Math.abs(b) + Math.abs(c);
    }

    /**
     * stsd: its first sample entry: the codec (the entry's type), a visual entry's coded size, and the codec's
     * configuration box ({@code avcC}, {@code hvcC}, {@code av1C}, {@code vpcC}) or an audio entry's {@code esds}.
     */
    private void sampleEntry(Box stsd, Media media) throws Unreadable {
        Window window = boxes.payload(stsd);
        IsoBmffBoxes.need(stsd, 8);
        if (window.u32(stsd.payload() + 4) == 0) {
            return;
        }
        Box entry = boxes.box(stsd.payload() + 8, stsd.end(), false);
        String type = window.latin1(entry.start() + 4, 4);
        media.codec = type;
        if ("vide".equals(media.kind)) {
            if (entry.payloadLength() >= 78) {
                media.entrySize[0] = window.u16(entry.payload() + 24);
                media.entrySize[1] = window.u16(entry.payload() + 26);
                var details = CodecConfig.byFourcc(type);
                for (long p = entry.payload() + 78; entry.end() - p >= 8; ) {
                    Box child = boxes.box(p, entry.end(), false);
                    long at = child.payload();
                    long length = child.payloadLength();
                    details = switch (child.type()) {
                        case "avcC" -> CodecConfig.avc(window, at, length);
                        case "hvcC" -> CodecConfig.hevc(window, at, length);
                        case "av1C" -> CodecConfig.av1(window, at, length);
                        case "vpcC" -> CodecConfig.vp9(window, at, length);
                        default -> details;
                    };
                    p = child.end();
                }
                media.details = details;
            }
        } else if ("soun".equals(media.kind)) {
            media.audioCodec = CodecConfig.audioEntry(type);
            if (media.audioCodec == null) {
                media.audioCodec = mpeg4Audio(window, entry);
            }
        }
    }

    /** An mp4a entry's codec, from its esds (inside a QuickTime wave box, too); {@code mp4a} when it has none. */
    private String mpeg4Audio(Window window, Box entry) throws Unreadable {
        if (entry.payloadLength() < 28) {
            return "mp4a";
        }
        int version = window.u16(entry.payload() + 8);
        long first = entry.payload() + 28 + (version == 1 ? 16 : version == 2 ? 36 : 0);
        String[] found = {"mp4a"};
        if (first < entry.end()) {
            boxes.children(entry, first, child -> {
                if (child.type().equals("esds")) {
                    found[0] = CodecConfig.esds(window, child.payload(), child.payloadLength());
                } else if (child.type().equals("wave")) {
                    boxes.children(child, child.payload(), inner -> {
                        if (inner.type().equals("esds")) {
                            found[0] = CodecConfig.esds(window, inner.payload(), inner.payloadLength());
                        }
                    });
                }
            });
        }
        return found[0];
    }
}
