package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import dev.videolinks.facts.IsoBmffBoxes.Box;
import java.util.List;

/**
 * The duration of a fragmented MP4 whose {@code moov} does not give it (ffmpeg's {@code empty_moov}, CMAF, what is
 * written to a pipe): from a {@code sidx} that indexes the rest of the file, found among the bytes read already;
 * else from the last movie fragment, found in the object's last bytes (one read of up to
 * {@value ByteRanges#MAX_READ_BYTES} bytes): its {@code tfdt} (where its samples start) plus the durations its
 * {@code trun} lists (or its {@code tfhd}'s default), in its track's timescale, the latest track's end.
 */
final class Fragments {

    private static final int DEFAULT_DURATION = 0x08;
    private static final int DURATION_PRESENT = 0x100;

    private final ByteRanges ranges;
    private final IsoBmffBoxes boxes;
    private final List<IsoBmffFacts.Track> tracks;

    Fragments(ByteRanges ranges, IsoBmffBoxes boxes, List<IsoBmffFacts.Track> tracks) {
        this.ranges = ranges;
        this.boxes = boxes;
        this.tracks = tracks;
    }

    /** The duration in milliseconds, or null when neither a covering sidx nor a last moof can be read. */
    Long duration(long afterMoov) throws Unreadable {
        Long indexed = indexed(afterMoov);
        if (indexed != null) {
            return indexed;
        }
        return ranges.readsLeft() > 0 ? lastFragment(afterMoov) : null;
    }

    /** A sidx among the top-level boxes already read after moov whose references reach the end of the object. */
    private Long indexed(long afterMoov) throws Unreadable {
        for (long p = afterMoov; p < ranges.size() && ranges.has(p, Math.min(16, ranges.size() - p)); ) {
            Box box = boxes.box(p, ranges.size(), true);
            if (box.type().equals("sidx") && ranges.has(box.start(), box.end() - box.start())) {
                Long millis = sidx(box);
                if (millis != null) {
                    return millis;
                }
            }
            if (box.type().equals("moof") || box.type().equals("mdat")) {
                return null;
            }
            p = box.end();
        }
        return null;
    }

    private Long sidx(Box box) throws Unreadable {
        Window w = ranges.at(box.payload(), box.payloadLength());
        int version = w.u8(box.payload());
        long p = box.payload() + 8;
        IsoBmffBoxes.need(box, version == 0 ? 24 : 32);
        long timescale = w.u32(p);
        long firstOffset = version == 0 ? w.u32(p + 8) : w.s64(p + 12);
        p += version == 0 ? 12 : 20;
        int count = w.u16(p + 2);
        p += 4;
        IsoBmffBoxes.need(box, p - box.payload() + 12L * count);
        long duration = 0;
        long size = 0;
        for (int i = 0; i < count; i++, p += 12) {
            long reference = w.u32(p);
            if ((reference & 0x80000000L) != 0) {
                return null; // points at another sidx: not the whole file here
            }
            size += reference & 0x7fffffffL;
            duration += w.u32(p + 4);
        }
        return box.end() + firstOffset + size == ranges.size() ? VideoFacts.millis(duration, timescale) : null;
    }

    /** The last moof whose first child is mfhd, in the last bytes of the object: where its tracks' samples end. */
    private Long lastFragment(long afterMoov) throws Unreadable {
        long start = Math.max(afterMoov, ranges.size() - ByteRanges.MAX_READ_BYTES);
        if (start >= ranges.size() - 16) {
            return null;
        }
        Window tail = ranges.at(start, ranges.size() - start); // no read when the first one reached the end
        for (long p = ranges.size() - 16; p >= start; p--) {
            if (tail.u8(p + 4) == 'm' && tail.latin1(p + 4, 4).equals("moof") && tail.latin1(p + 12, 4).equals("mfhd")) {
                long length = tail.u32(p);
                if (length >= 16 && p + length <= ranges.size()) {
                    return fragmentEnd(new Box("moof", p, p + 8, p + length));
                }
            }
        }
        return null;
    }

    private Long fragmentEnd(Box moof) throws Unreadable {
        Long[] latest = {null};
        boxes.children(moof, moof.payload(), traf -> {
            if (traf.type().equals("traf")) {
                Long end = trackFragmentEnd(traf);
                if (end != null && (latest[0] == null || end > latest[0])) {
                    latest[0] = end;
                }
            }
        });
        return latest[0];
    }

    /** A traf's end in milliseconds: tfdt's start plus its samples' durations, in its track's timescale. */
    private Long trackFragmentEnd(Box traf) throws Unreadable {
        long[] fields = {-1, -1, -1, 0}; // track id, default duration, start, summed durations
        boolean[] complete = {true};
        boxes.children(traf, traf.payload(), box -> {
            Window w = boxes.payload(box);
            long p = box.payload();
            switch (box.type()) {
                case "tfhd" -> {
                    IsoBmffBoxes.need(box, 8);
                    int flags = w.s32(p) & 0xffffff;
                    fields[0] = w.u32(p + 4);
                    long at = p + 8 + ((flags & 0x01) != 0 ? 8 : 0) + ((flags & 0x02) != 0 ? 4 : 0);
                    if ((flags & DEFAULT_DURATION) != 0) {
                        IsoBmffBoxes.need(box, at + 4 - p);
                        fields[1] = w.u32(at);
                    }
                }
                case "tfdt" -> {
                    int version = w.u8(p);
                    IsoBmffBoxes.need(box, version == 1 ? 12 : 8);
                    fields[2] = version == 1 ? w.s64(p + 4) : w.u32(p + 4);
                }
                case "trun" -> {
                    IsoBmffBoxes.need(box, 8);
                    int flags = w.s32(p) & 0xffffff;
                    long count = w.u32(p + 4);
                    long at = p + 8 + ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 4 : 0);
                    int record = 4 * Integer.bitCount(flags & 0xf00);
                    if ((flags & DURATION_PRESENT) == 0) {
                        if (fields[1] < 0) {
                            complete[0] = false;
                        } else {
                            fields[3] += count * fields[1];
                        }
                    } else {
                        IsoBmffBoxes.need(box, at - p + count * record);
                        for (long i = 0; i < count; i++, at += record) {
                            fields[3] += w.u32(at);
                        }
                    }
                }
                default -> { }
            }
        });
        if (fields[2] < 0 || !complete[0]) {
            return null;
        }
        long timescale = tracks.stream().filter(t -> t.id() == fields[0]).mapToLong(IsoBmffFacts.Track::timescale)
                .findFirst().orElse(0);
        return VideoFacts.millis(fields[2] + fields[3], timescale);
    }
}
