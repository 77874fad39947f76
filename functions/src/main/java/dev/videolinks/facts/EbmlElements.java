package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;

/**
 * The elements of an EBML file (RFC 8794), read through {@link ByteRanges}: each header (a variable-length id and
 * size), checked against its parent before anything is read through it, at most {@value #MAX_ELEMENTS} of them in
 * one file, and the integers, floats and strings they hold. {@link EbmlFacts} decides which ones to enter.
 */
final class EbmlElements {

    static final int MAX_ELEMENTS = 10_000;
    /** The largest element read whole (Info, Tracks, a SeekHead). */
    static final int MAX_WHOLE = 1024 * 1024;

    static final long UNKNOWN_SIZE = -1;

    /** An element: its id, where its header starts, where its data starts, and its data size (or UNKNOWN_SIZE). */
    record Element(long id, long start, long data, long size) {
        long end() {
            return data + size;
        }
    }

    private final ByteRanges ranges;
    private int elements;

    EbmlElements(ByteRanges ranges) {
        this.ranges = ranges;
    }

    interface ChildVisitor {
        void child(Element element) throws Unreadable;
    }

    /** A window holding the whole element: one read already, or one more read from its start. */
    Window whole(Element element) throws Unreadable {
        long length = element.end() - element.start();
        if (length > MAX_WHOLE) {
            throw new Unreadable("element 0x" + Long.toHexString(element.id) + " at " + element.start + " has " + length
                    + " bytes; at most " + MAX_WHOLE + " are read of one element");
        }
        return ranges.at(element.start, length);
    }

    void children(Window window, Element parent, ChildVisitor visit) throws Unreadable {
        for (long p = parent.data; p < parent.end(); ) {
            Element child = element(window, p, parent.end());
            if (child.size == UNKNOWN_SIZE) {
                throw new Unreadable("element 0x" + Long.toHexString(child.id) + " at " + p + " has an unknown size");
            }
            visit.child(child);
            p = child.end();
        }
    }

    /** The element whose header starts at {@code start}, read where it stands (a read when it is not read yet). */
    Element element(long start, long limit) throws Unreadable {
        return element(ranges.at(start, Math.min(12, limit - start)), start, limit);
    }

    /** The element whose header starts at {@code start}, ending at or before {@code limit} unless of unknown size. */
    Element element(Window window, long start, long limit) throws Unreadable {
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

    static void need(Window window, Element element) throws Unreadable {
        if (!window.contains(element.start, element.end() - element.start)) {
            throw new Unreadable("element 0x" + Long.toHexString(element.id) + " at " + element.start
                    + " ends past the bytes read");
        }
    }

    static long unsigned(Window window, Element element) throws Unreadable {
        if (element.size > 8) {
            throw new Unreadable("integer element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        }
        long value = window.unsigned(element.data, (int) element.size);
        if (value < 0) {
            throw new Unreadable("integer element 0x" + Long.toHexString(element.id) + " is too large");
        }
        return value;
    }

    static double number(Window window, Element element) throws Unreadable {
        return switch ((int) element.size) {
            case 0 -> 0;
            case 4 -> Float.intBitsToFloat(window.s32(element.data));
            case 8 -> Double.longBitsToDouble(window.s64(element.data));
            default -> throw new Unreadable("float element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        };
    }

    static String string(Window window, Element element) throws Unreadable {
        if (element.size > 256) {
            throw new Unreadable("string element 0x" + Long.toHexString(element.id) + " has " + element.size + " bytes");
        }
        String text = window.latin1(element.data, (int) element.size);
        int end = text.indexOf('\0');
        return end < 0 ? text : text.substring(0, end);
    }
}
