package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;

/**
 * The boxes of an ISO base media file, read through {@link ByteRanges}: each header (32-bit size, 64-bit
 * {@code largesize}, size 0 meaning "to the end"), checked against its parent before anything is read through it,
 * and at most {@value #MAX_BOXES} of them in one file. A box's header is read where it stands; its payload only
 * when a parser asks for it ({@link #payload}), so a large {@code moov} is walked by its headers alone and its
 * sample tables are never read. {@link IsoBmffFacts} decides which boxes to enter.
 */
final class IsoBmffBoxes {

    /** Boxes looked at in one file, nested ones included. */
    static final int MAX_BOXES = 10_000;
    /** The largest box payload read whole: a sample description with its codec configuration, a header box. */
    static final int MAX_PAYLOAD = 256 * 1024;

    /** A box: its type, where its header starts, where its payload starts, and where it ends. */
    record Box(String type, long start, long payload, long end) {
        long payloadLength() {
            return end - payload;
        }
    }

    interface ChildVisitor {
        void child(Box box) throws Unreadable;
    }

    private final ByteRanges ranges;
    private int boxes;

    IsoBmffBoxes(ByteRanges ranges) {
        this.ranges = ranges;
    }

    /**
     * The box whose header starts at {@code start}, ending at or before {@code limit} (the object's size for a
     * top-level box, else its parent's end).
     */
    Box box(long start, long limit, boolean topLevel) throws Unreadable {
        if (++boxes > MAX_BOXES) {
            throw new Unreadable("more than " + MAX_BOXES + " boxes");
        }
        if (limit - start < 8) {
            throw new Unreadable("a box header at " + start + " is cut off after " + (limit - start) + " bytes");
        }
        Window window = ranges.at(start, Math.min(16, limit - start));
        long size = window.u32(start);
        String type = printable(window.latin1(start + 4, 4));
        long payload = start + 8;
        if (size == 1) {
            if (limit - start < 16) {
                throw new Unreadable("the 64-bit size of box '" + type + "' at " + start + " is cut off");
            }
            size = window.s64(start + 8);
            payload = start + 16;
            if (size < 16) {
                throw new Unreadable("box '" + type + "' at " + start + " has a 64-bit size of " + Long.toUnsignedString(size));
            }
        } else if (size == 0) {
            if (!topLevel) {
                throw new Unreadable("box '" + type + "' at " + start + " has size 0 inside another box");
            }
            size = limit - start;
        } else if (size < 8) {
            throw new Unreadable("box '" + type + "' at " + start + " has size " + size + ", less than its header");
        }
        if (size > limit - start) {
            throw new Unreadable("box '" + type + "' at " + start + " claims " + size + " bytes, past the end of "
                    + (topLevel ? "the " + limit + "-byte object" : "its parent at " + limit));
        }
        return new Box(type, start, payload, start + size);
    }

    /** Calls {@code visit} for each child from {@code first} on; a tail too short for a header is ignored. */
    void children(Box parent, long first, ChildVisitor visit) throws Unreadable {
        for (long position = first; parent.end() - position >= 8; ) {
            Box child = box(position, parent.end(), false);
            visit.child(child);
            position = child.end();
        }
    }

    /** A window holding the whole payload of a box that a parser reads field by field. */
    Window payload(Box box) throws Unreadable {
        if (box.payloadLength() > MAX_PAYLOAD) {
            throw new Unreadable("box '" + box.type() + "' at " + box.start() + " holds " + box.payloadLength()
                    + " bytes; at most " + MAX_PAYLOAD + " are read of one box");
        }
        return ranges.at(box.payload(), box.payloadLength());
    }

    static void need(Box box, long length) throws Unreadable {
        if (box.payloadLength() < length) {
            throw new Unreadable("box '" + box.type() + "' at " + box.start() + " holds " + box.payloadLength()
                    + " bytes, fewer than the " + length + " its fields take");
        }
    }

    /** A four-character code as text, each byte that is not printable ASCII shown as '?'. */
    static String printable(String type) {
        char[] chars = type.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] < 0x20 || chars[i] > 0x7e) {
                chars[i] = '?';
            }
        }
        return new String(chars);
    }
}
