package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;

/**
 * The boxes of an ISO base media file, read from a {@link Window}: each header (32-bit size, 64-bit
 * {@code largesize}, size 0 meaning "to the end"), checked against its parent before anything is read through
 * it, and at most {@value #MAX_BOXES} of them in one file. {@link IsoBmffFacts} decides which ones to enter.
 */
final class IsoBmffBoxes {

    /** Boxes looked at in one file, nested ones included. */
    static final int MAX_BOXES = 10_000;

    /** A box: its type, where its header starts, where its payload starts, and where it ends. */
    record Box(String type, long start, long payload, long end) {
        long payloadLength() {
            return end - payload;
        }
    }

    private int boxes;

    /**
     * The box whose header starts at {@code start}, ending at or before {@code limit} (the object's size for a
     * top-level box, else its parent's end).
     */
    Box box(Window window, long start, long limit, boolean topLevel) throws Unreadable {
        if (++boxes > MAX_BOXES) {
            throw new Unreadable("more than " + MAX_BOXES + " boxes");
        }
        if (limit - start < 8) {
            throw new Unreadable("a box header at " + start + " is cut off after " + (limit - start) + " bytes");
        }
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

    /** Calls {@code visit} for each child of a container box; a tail too short for a header is ignored. */
    void children(Window window, Box parent, long first, ChildVisitor visit) throws Unreadable {
        for (long position = first; parent.end - position >= 8; ) {
            Box child = box(window, position, parent.end, false);
            visit.child(child);
            position = child.end;
        }
    }

    interface ChildVisitor {
        void child(Box box) throws Unreadable;
    }

    static void need(Box box, long length) throws Unreadable {
        if (box.payloadLength() < length) {
            throw new Unreadable("box '" + box.type + "' at " + box.start + " holds " + box.payloadLength()
                    + " bytes, fewer than the " + length + " its fields take");
        }
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 0x20 && c <= 0x7e) ? type : type.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
